import { z } from 'zod';
import { idSchema, instantSchema, optionalText, storableText } from '../common-schemas.js';

const nameSchema = storableText(
  z.string().trim().min(1, 'Name must not be empty').max(100, 'Name must be at most 100 characters'),
);
const colorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Expected a colour written #RRGGBB')
  .transform((value) => value.toUpperCase());

/**
 * A category as returned.
 *
 * @example
 * ```ts
 * import { categorySchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /categories/{id}` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const food = categorySchema.parse(await api(`/categories/${process.env.CATEGORY_ID}`));
 * food.parentId; // null for a top-level category
 * ```
 */
export const categorySchema = z
  .object({
    id: idSchema,
    name: z.string(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    parentId: idSchema.nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Category' });

/**
 * A category.
 *
 * @example
 * ```ts
 * import type { Category } from '@expense-tracker/core';
 *
 * const food: Category = await owner.categories.create({ name: 'Food', color: '#22aa55' });
 * food.color; // '#22AA55'
 * const all: Category[] = await owner.categories.list();
 * ```
 */
export type Category = z.output<typeof categorySchema>;

/**
 * Input of `owner.categories.create()`; also what a full update (`replace`) takes.
 *
 * @example
 * ```ts
 * import { categoryInputSchema } from '@expense-tracker/core';
 *
 * categoryInputSchema.parse({ name: ' Food ', color: '#22aa55' }); // { name: 'Food', color: '#22AA55' }
 * categoryInputSchema.safeParse({ name: '' }).success; // false: 'Name must not be empty'
 * categoryInputSchema.safeParse({ name: 'Food', color: 'green' }).success; // false: '#RRGGBB'
 * ```
 */
export const categoryInputSchema = z
  .strictObject({
    name: nameSchema,
    color: colorSchema.nullable().optional(),
    icon: optionalText(50),
    parentId: idSchema.nullable().optional(),
  })
  .meta({ id: 'CategoryInput' });

/**
 * Input of `owner.categories.create()`.
 *
 * @example
 * ```ts
 * import type { CategoryInput } from '@expense-tracker/core';
 *
 * const food = await owner.categories.create({ name: 'Food' });
 * const input: CategoryInput = { name: 'Groceries', parentId: food.id, icon: '🛒' };
 * const groceries = await owner.categories.create(input);
 * ```
 */
export type CategoryInput = z.input<typeof categoryInputSchema>;

/**
 * Input of `owner.categories.update()`: any subset of the fields.
 *
 * @example
 * ```ts
 * import { categoryPatchSchema } from '@expense-tracker/core';
 *
 * categoryPatchSchema.parse({ color: null }); // { color: null }: clears the colour
 * categoryPatchSchema.parse({}); // {}: changes nothing
 * ```
 */
export const categoryPatchSchema = categoryInputSchema.partial().meta({ id: 'CategoryPatch' });

/**
 * Input of `owner.categories.update()`.
 *
 * @example
 * ```ts
 * import type { CategoryPatch } from '@expense-tracker/core';
 *
 * const food = await owner.categories.create({ name: 'Food' });
 * const patch: CategoryPatch = { name: 'Food & drink', color: '#FF8800' };
 * await owner.categories.update(food.id, patch);
 * ```
 */
export type CategoryPatch = z.input<typeof categoryPatchSchema>;

/**
 * Options of `owner.categories.delete()`.
 *
 * @example
 * ```ts
 * import { categoryDeleteOptionsSchema } from '@expense-tracker/core';
 *
 * categoryDeleteOptionsSchema.parse({ uncategorize: true }); // { uncategorize: true }
 * categoryDeleteOptionsSchema.safeParse({ reassignTo: 'cat_1', uncategorize: true }).success;
 * // false: 'Give either reassignTo or uncategorize, not both'
 * ```
 */
export const categoryDeleteOptionsSchema = z
  .strictObject({
    reassignTo: idSchema.optional(),
    uncategorize: z.boolean().optional(),
  })
  .refine((value) => !(value.reassignTo !== undefined && value.uncategorize === true), {
    message: 'Give either reassignTo or uncategorize, not both',
  })
  .meta({ id: 'CategoryDeleteOptions' });

/**
 * Options of `owner.categories.delete()`.
 *
 * @example
 * ```ts
 * import type { CategoryDeleteOptions } from '@expense-tracker/core';
 *
 * const food = await owner.categories.create({ name: 'Food' });
 * const snacks = await owner.categories.create({ name: 'Snacks' });
 * await owner.expenses.create({ amount: '2.40', categoryId: snacks.id });
 * const options: CategoryDeleteOptions = { reassignTo: food.id }; // the expense moves to Food
 * await owner.categories.delete(snacks.id, options);
 * ```
 */
export type CategoryDeleteOptions = z.input<typeof categoryDeleteOptionsSchema>;
