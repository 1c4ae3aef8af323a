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
  noNul,
} from './common.js';

/** The most expenses one batch create takes. */
export const MAX_BATCH_SIZE = 1000;

const tagSchema = z
  .string()
  .trim()
  .min(1, 'A tag must not be empty')
  .max(50, 'A tag must be at most 50 characters')
  .refine(noNul, 'Must not contain NUL (U+0000) characters');

const tagsSchema = z
  .array(tagSchema)
  .max(20, 'At most 20 tags')
  // Tags are a set: a repeated tag (compared case-insensitively) is kept once, first spelling wins.
  .transform((tags) => tags.filter((tag, i) => tags.findIndex((t) => t.toLowerCase() === tag.toLowerCase()) === i));

/** An expense as returned. `amount` is `amountMinor` as an exact decimal string. */
export const expenseSchema = z
  .object({
    id: idSchema,
    amountMinor: amountMinorSchema,
    amount: z.string().meta({ description: 'Exact decimal amount', example: '12.50' }),
    currency: z.string(),
    date: localDateSchema,
    categoryId: idSchema.nullable(),
    description: z.string().nullable(),
    merchant: z.string().nullable(),
    tags: z.array(z.string()),
    notes: z.string().nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Expense' });

/** An expense. */
export type Expense = z.output<typeof expenseSchema>;

const expenseFields = {
  amountMinor: amountMinorSchema.optional(),
  amount: decimalAmountSchema.optional(),
  currency: currencySchema.optional(),
  date: localDateSchema.optional(),
  categoryId: idSchema.nullable().optional(),
  description: optionalText(500),
  merchant: optionalText(200),
  tags: tagsSchema.optional(),
  notes: optionalText(2000),
};

const oneAmountMessage = 'Give the amount either as amountMinor (integer minor units) or as amount (decimal), not both';

/**
 * Input of `owner.expenses.create()`, and what a full update (`replace`) takes: exactly one
 * of `amountMinor` and `amount`; `currency` defaults to the owner's, `date` to today in the
 * owner's time zone.
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

/** Input of `owner.expenses.create()`. */
export type ExpenseInput = z.input<typeof expenseInputSchema>;

/** Input of `owner.expenses.update()`: any subset of the fields; `null` clears an optional one. */
export const expensePatchSchema = z
  .strictObject(expenseFields)
  .superRefine((value, ctx) => {
    if (value.amount !== undefined && value.amountMinor !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amount'], message: oneAmountMessage });
    }
  })
  .meta({ id: 'ExpensePatch' });

/** Input of `owner.expenses.update()`. */
export type ExpensePatch = z.input<typeof expensePatchSchema>;

/** Input of `owner.expenses.createMany()`: 1 to 1,000 expenses, stored all or none. */
export const expenseBatchSchema = z
  .array(expenseInputSchema)
  .min(1, 'A batch needs at least one expense')
  .max(MAX_BATCH_SIZE, `A batch takes at most ${MAX_BATCH_SIZE} expenses`)
  .meta({ id: 'ExpenseBatch' });

/** The filters shared by listing and export. */
export const expenseFilterFields = {
  from: localDateSchema.optional(),
  to: localDateSchema.optional(),
  categoryId: oneOrMany(z.union([z.literal('none'), idSchema])).optional(),
  tag: oneOrMany(tagSchema).optional(),
  q: z.string().trim().min(1).max(200).refine(noNul, 'Must not contain NUL (U+0000) characters').optional(),
  minAmount: decimalAmountSchema.optional(),
  maxAmount: decimalAmountSchema.optional(),
  currency: currencySchema.optional(),
};

/**
 * Query of `owner.expenses.list()`. `categoryId` and `tag` take one value or several (any
 * matches; `categoryId: 'none'` is uncategorized). `q` matches description, merchant and
 * notes case-insensitively, with `%` and `_` taken literally. `minAmount`/`maxAmount` are
 * decimal amounts in `currency`; when they are given without `currency`, the listing is
 * limited to the owner's currency, because amounts in different currencies do not compare.
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

/** Query of `owner.expenses.list()`. */
export type ExpenseListQuery = z.input<typeof expenseListQuerySchema>;

/** One page of a listing. Pass `nextCursor` back as `cursor` for the next; `null` at the end. */
export const expensePageSchema = z
  .object({ items: z.array(expenseSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ExpensePage' });

/** One page of expenses. */
export type ExpensePage = z.output<typeof expensePageSchema>;
