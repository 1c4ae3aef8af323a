import { z } from 'zod';
import {
  amountMinorSchema,
  currencySchema,
  decimalAmountSchema,
  idSchema,
  instantSchema,
  limitSchema,
  localDateSchema,
  oneOrMany,
  optionalText,
  positiveAmountMinorSchema,
  positiveDecimalAmountSchema,
  storableText,
} from '../common-schemas.js';
import { CATEGORY_SOURCES, expenseSourceInputSchema, expenseSourceSchema } from './provenance.js';

/**
 * The most expenses one batch create takes.
 *
 * @example
 * ```ts
 * import { MAX_BATCH_SIZE, type ExpenseInput } from '@expense-tracker/core';
 *
 * // Import any number of rows in batches the API accepts (each batch is all or nothing).
 * async function importAll(rows: readonly ExpenseInput[]): Promise<void> {
 *   for (let i = 0; i < rows.length; i += MAX_BATCH_SIZE) {
 *     await owner.expenses.createMany(rows.slice(i, i + MAX_BATCH_SIZE));
 *   }
 * }
 * await importAll(Array.from({ length: 2500 }, (_, i) => ({ amountMinor: 100 + i }))); // 3 batches
 * ```
 */
export const MAX_BATCH_SIZE = 1000;

const tagSchema = storableText(
  z.string().trim().min(1, 'A tag must not be empty').max(50, 'A tag must be at most 50 characters'),
);

const tagsSchema = z
  .array(tagSchema)
  .max(20, 'At most 20 tags')
  // Tags are a set: a repeated tag (compared case-insensitively) is kept once, first spelling wins.
  .transform((tags) => tags.filter((tag, i) => tags.findIndex((t) => t.toLowerCase() === tag.toLowerCase()) === i));

/**
 * What an expense is: `'expense'`, money spent, or `'refund'`, money back. A refund's amount
 * is positive like any other; the totals, budget status, alerts and analytics subtract it from
 * spending in its category and on its day.
 *
 * @example
 * ```ts
 * import { expenseKindSchema } from '@expense-tracker/core';
 *
 * expenseKindSchema.parse('refund'); // 'refund'
 * expenseKindSchema.safeParse('credit').success; // false
 * ```
 */
export const expenseKindSchema = z
  .enum(['expense', 'refund'])
  .meta({ id: 'ExpenseKind', description: "'refund' is money back: its positive amount reduces spending" });

/**
 * An expense as returned. `amount` is `amountMinor` as an exact decimal string.
 *
 * @example
 * ```ts
 * import { expenseSchema } from '@expense-tracker/core';
 *
 * // Read an NDJSON export back, checking every line.
 * let ndjson = '';
 * for await (const chunk of owner.export({ format: 'ndjson' })) ndjson += chunk;
 * const expenses = ndjson.split('\n').filter(Boolean).map((line) => expenseSchema.parse(JSON.parse(line)));
 * ```
 */
export const expenseSchema = z
  .object({
    id: idSchema,
    amountMinor: amountMinorSchema,
    amount: z.string().meta({ description: 'Exact decimal amount', example: '12.50' }),
    kind: expenseKindSchema,
    currency: z.string(),
    date: localDateSchema,
    categoryId: idSchema.nullable(),
    description: z.string().nullable(),
    merchant: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
    source: expenseSourceSchema,
    categorySource: z
      .enum(CATEGORY_SOURCES)
      .nullable()
      .meta({ description: 'Who set the category: the caller (user), a rule, an import, a schedule; null when none' }),
    ruleId: idSchema.nullable().meta({ description: 'The rule that set the category, when a rule did' }),
    externalId: z.string().nullable().meta({ description: 'The bank’s id of the line this expense stands for' }),
    sourceAccount: z
      .string()
      .nullable()
      .meta({ description: 'The import source key (bank account) of externalId and fingerprint' }),
    fingerprint: z.string().nullable().meta({ description: 'The bank line’s fingerprint and occurrence number' }),
  })
  .meta({ id: 'Expense' });

/**
 * An expense.
 *
 * @example
 * ```ts
 * import type { Expense } from '@expense-tracker/core';
 *
 * const lunch: Expense = await owner.expenses.create({ amount: '12.5', currency: 'USD', description: 'Lunch' });
 * lunch.amountMinor; // 1250
 * lunch.amount; // '12.50'
 * lunch.date; // today in the owner's time zone, e.g. '2026-11-25'
 * ```
 */
export type Expense = z.output<typeof expenseSchema>;

/**
 * `'expense'` or `'refund'`.
 *
 * @example
 * ```ts
 * import type { ExpenseKind } from '@expense-tracker/core';
 *
 * const kind: ExpenseKind = 'refund';
 * const returned = await owner.expenses.create({ amount: '20.00', kind, merchant: 'Shoe shop' });
 * returned.kind; // 'refund'
 * ```
 */
export type ExpenseKind = z.output<typeof expenseKindSchema>;

const expenseFields = {
  amountMinor: positiveAmountMinorSchema.optional(),
  amount: positiveDecimalAmountSchema.optional(),
  kind: expenseKindSchema.optional(),
  currency: currencySchema.optional(),
  date: localDateSchema.optional(),
  categoryId: idSchema.nullable().optional(),
  description: optionalText(500),
  merchant: optionalText(200),
  tags: tagsSchema.optional(),
  notes: optionalText(2000),
  source: expenseSourceInputSchema.optional(),
};

const oneAmountMessage = 'Give the amount either as amountMinor (integer minor units) or as amount (decimal), not both';

/**
 * Input of `owner.expenses.create()`, and what a full update (`replace`) takes: exactly one
 * of `amountMinor` and `amount`; `currency` defaults to the owner's, `date` to today in the
 * owner's time zone, `kind` to `'expense'` (a full update that leaves it out keeps the kind).
 *
 * @example
 * ```ts
 * import { expenseInputSchema } from '@expense-tracker/core';
 *
 * expenseInputSchema.parse({ amount: '12.50', currency: 'usd', tags: ['Work', 'work'] });
 * // { amount: '12.50', currency: 'USD', tags: ['Work'] }: tags are a set, first spelling wins
 * expenseInputSchema.safeParse({ amount: '12.50', amountMinor: 1250 }).success; // false: one amount only
 * expenseInputSchema.safeParse({ description: 'Lunch' }).success; // false: an amount is required
 * ```
 */
export const expenseInputSchema = z
  .strictObject(expenseFields)
  .superRefine((value, ctx) => {
    if (value.amount !== undefined && value.amountMinor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: oneAmountMessage });
    } else if (value.amount === undefined && value.amountMinor === undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'An amount is required (amount or amountMinor)' });
    }
  })
  .meta({ id: 'ExpenseInput' });

/**
 * Input of `owner.expenses.create()`.
 *
 * @example
 * ```ts
 * import type { ExpenseInput } from '@expense-tracker/core';
 *
 * const input: ExpenseInput = { amountMinor: 399, currency: 'EUR', date: '2026-11-03', merchant: 'Café Nord', tags: ['coffee'] };
 * const coffee = await owner.expenses.create(input);
 * coffee.amount; // '3.99'
 * ```
 */
export type ExpenseInput = z.input<typeof expenseInputSchema>;

/**
 * Input of `owner.expenses.update()`: any subset of the fields; `null` clears an optional one.
 *
 * @example
 * ```ts
 * import { expensePatchSchema } from '@expense-tracker/core';
 *
 * expensePatchSchema.parse({ notes: '' }); // { notes: null }: an empty text clears it too
 * expensePatchSchema.parse({ amount: '13.00' }); // { amount: '13.00' }
 * expensePatchSchema.safeParse({ amount: '13.00', amountMinor: 1300 }).success; // false
 * ```
 */
export const expensePatchSchema = z
  .strictObject(expenseFields)
  .superRefine((value, ctx) => {
    if (value.amount !== undefined && value.amountMinor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: oneAmountMessage });
    }
  })
  .meta({ id: 'ExpensePatch' });

/**
 * Input of `owner.expenses.update()`.
 *
 * @example
 * ```ts
 * import type { ExpensePatch } from '@expense-tracker/core';
 *
 * const lunch = await owner.expenses.create({ amount: '12.50', notes: 'with the team' });
 * const patch: ExpensePatch = { categoryId: null, notes: null, tags: ['refund'] };
 * await owner.expenses.update(lunch.id, patch); // the amount and date stay
 * ```
 */
export type ExpensePatch = z.input<typeof expensePatchSchema>;

/**
 * Input of `owner.expenses.createMany()`: 1 to 1,000 expenses, stored all or none.
 *
 * @example
 * ```ts
 * import { expenseBatchSchema } from '@expense-tracker/core';
 *
 * expenseBatchSchema.parse([{ amount: '3.20' }, { amountMinor: 1800, date: '2026-11-01' }]).length; // 2
 * expenseBatchSchema.safeParse([]).success; // false: 'A batch needs at least one expense'
 * ```
 */
export const expenseBatchSchema = z
  .array(expenseInputSchema)
  .min(1, 'A batch needs at least one expense')
  .max(MAX_BATCH_SIZE, `A batch takes at most ${MAX_BATCH_SIZE} expenses`)
  .meta({ id: 'ExpenseBatch' });

/**
 * The filters shared by listing and export. A plain object of zod schemas, to spread into
 * a query schema of your own.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { expenseFilterFields } from './schema.js'; // internal to core
 *
 * const reportQuerySchema = z.strictObject({ ...expenseFilterFields, title: z.string().default('Report') });
 * reportQuerySchema.parse({ from: '2026-11-01', tag: 'work' });
 * // { from: '2026-11-01', tag: ['work'], title: 'Report' }
 * ```
 */
export const expenseFilterFields = {
  from: localDateSchema.optional(),
  to: localDateSchema.optional(),
  categoryId: oneOrMany(z.union([z.literal('none'), idSchema])).optional(),
  tag: oneOrMany(tagSchema).optional(),
  q: storableText(z.string().trim().min(1).max(200)).optional(),
  minAmount: decimalAmountSchema.optional(),
  maxAmount: decimalAmountSchema.optional(),
  currency: currencySchema.optional(),
  kind: expenseKindSchema.optional(),
};

/**
 * Query of `owner.expenses.list()`. `kind` lists only expenses or only refunds (both by
 * default). `categoryId` and `tag` take one value or several (any matches; `categoryId: 'none'` is uncategorized). `q` matches description, merchant and
 * notes case-insensitively, with `%` and `_` taken literally. `minAmount`/`maxAmount` are
 * decimal amounts in `currency`; when they are given without `currency`, the listing is
 * limited to the owner's currency, because amounts in different currencies do not compare.
 *
 * @example
 * ```ts
 * import { expenseListQuerySchema } from '@expense-tracker/core';
 *
 * expenseListQuerySchema.parse({}); // { sort: 'date', order: 'desc', limit: 50 }
 * expenseListQuerySchema.parse({ categoryId: 'none', limit: '20' });
 * // { categoryId: ['none'], sort: 'date', order: 'desc', limit: 20 }
 * expenseListQuerySchema.safeParse({ from: '2026-12-01', to: '2026-11-01' }).success; // false
 * ```
 */
export const expenseListQuerySchema = z
  .strictObject({
    ...expenseFilterFields,
    sort: z.enum(['date', 'amount']).default('date'),
    order: z.enum(['desc', 'asc']).default('desc'),
    limit: limitSchema.default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .refine((value) => !(value.from && value.to && value.from > value.to), {
    path: ['from'],
    message: 'from must not be after to',
  })
  .meta({ id: 'ExpenseListQuery' });

/**
 * Query of `owner.expenses.list()`.
 *
 * @example
 * ```ts
 * import type { ExpenseListQuery } from '@expense-tracker/core';
 *
 * // The ten largest uncategorized expenses in euros this year.
 * const query: ExpenseListQuery = { categoryId: 'none', currency: 'EUR', from: '2026-01-01', sort: 'amount', order: 'desc', limit: 10 };
 * const { items } = await owner.expenses.list(query);
 * ```
 */
export type ExpenseListQuery = z.input<typeof expenseListQuerySchema>;

/**
 * One page of a listing. Pass `nextCursor` back as `cursor` for the next; `null` at the end.
 *
 * @example
 * ```ts
 * import { expensePageSchema } from '@expense-tracker/core';
 *
 * // A REST client checking `GET /expenses` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * const page = expensePageSchema.parse(await api('/expenses?tag=work&limit=20'));
 * if (page.nextCursor) await api(`/expenses?tag=work&limit=20&cursor=${encodeURIComponent(page.nextCursor)}`);
 * ```
 */
export const expensePageSchema = z
  .object({ items: z.array(expenseSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ExpensePage' });

/**
 * One page of expenses.
 *
 * @example
 * ```ts
 * import type { Expense, ExpensePage } from '@expense-tracker/core';
 *
 * const all: Expense[] = [];
 * let page: ExpensePage = await owner.expenses.list({ limit: 200 });
 * all.push(...page.items);
 * while (page.nextCursor) {
 *   page = await owner.expenses.list({ limit: 200, cursor: page.nextCursor });
 *   all.push(...page.items);
 * }
 * ```
 */
export type ExpensePage = z.output<typeof expensePageSchema>;
