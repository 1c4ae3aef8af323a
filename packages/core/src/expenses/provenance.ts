import { z } from 'zod';

/**
 * Where expenses come from (SPEC §7.0): typed by a person (`manual`), posted by a program
 * (`api`), created by an import (`import`) or by a schedule (`schedule`).
 *
 * @example
 * ```ts
 * import { SOURCE_KINDS } from '@expense-tracker/core';
 *
 * SOURCE_KINDS; // ['manual', 'api', 'import', 'schedule']
 * ```
 */
export const SOURCE_KINDS = ['manual', 'api', 'import', 'schedule'] as const;

/**
 * One of {@link SOURCE_KINDS}: where an expense came from.
 *
 * @example
 * ```ts
 * import type { SourceKind } from '@expense-tracker/core';
 *
 * const kind: SourceKind = lunch.source.kind; // 'api' unless the caller said otherwise
 * ```
 */
export type SourceKind = (typeof SOURCE_KINDS)[number];

/**
 * Who set an expense's category: the caller, a rule, the import, a schedule. Rules never
 * change a category the user set.
 *
 * @example
 * ```ts
 * import { CATEGORY_SOURCES } from '@expense-tracker/core';
 *
 * CATEGORY_SOURCES; // ['user', 'rule', 'import', 'schedule']
 * ```
 */
export const CATEGORY_SOURCES = ['user', 'rule', 'import', 'schedule'] as const;

/**
 * The provenance of an expense as returned: its kind, and for `import` the import's id and
 * row number, for `schedule` the schedule's id. `manual` and `api` may carry an id of the
 * caller's own (a client's record id, say).
 *
 * @example
 * ```ts
 * import { expenseSourceSchema } from '@expense-tracker/core';
 *
 * expenseSourceSchema.parse({ kind: 'import', id: 'imp_01JD…', row: 12 });
 * ```
 */
export const expenseSourceSchema = z
  .object({
    kind: z.enum(SOURCE_KINDS),
    id: z.string().optional().meta({ description: 'The import, schedule or caller id' }),
    row: z.int().min(1).optional().meta({ description: 'The row of the import' }),
  })
  .meta({ id: 'ExpenseSource' });

/**
 * The provenance an SDK or API caller may give: `manual` or `api` only, as `import` and
 * `schedule` are set by core's importer and scheduler, which a caller cannot forge.
 * Absent, an expense's source is `{ kind: 'api' }`.
 *
 * @example
 * ```ts
 * import { expenseSourceInputSchema } from '@expense-tracker/core';
 *
 * expenseSourceInputSchema.parse({ kind: 'api', id: 'pos-4711' }); // { kind: 'api', id: 'pos-4711' }
 * expenseSourceInputSchema.safeParse({ kind: 'import' }).success; // false: only core's importer sets it
 * ```
 */
export const expenseSourceInputSchema = z
  .strictObject({
    kind: z.enum(['manual', 'api']),
    id: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: 'ExpenseSourceInput' });

/**
 * Where an expense came from. See {@link expenseSourceSchema}.
 *
 * @example
 * ```ts
 * import type { ExpenseSource } from '@expense-tracker/core';
 *
 * const typed = await owner.expenses.create({ amount: '3.20', source: { kind: 'manual' } });
 * const source: ExpenseSource = typed.source; // { kind: 'manual' }
 * ```
 */
export type ExpenseSource = z.output<typeof expenseSourceSchema>;

/**
 * Who set an expense's category, or `null` when it has none.
 *
 * @example
 * ```ts
 * import type { CategorySource } from '@expense-tracker/core';
 *
 * const food = await owner.categories.create({ name: 'Food' });
 * const lunch = await owner.expenses.create({ amount: '12.50', categoryId: food.id });
 * const by: CategorySource | null = lunch.categorySource; // 'user'
 * ```
 */
export type CategorySource = (typeof CATEGORY_SOURCES)[number];
