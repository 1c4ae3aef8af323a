import { z } from 'zod';
import { idSchema, instantSchema, limitSchema, localDateSchema } from '../common-schemas.js';
import { currencySchema } from '../common-schemas.js';
import { BANK_FILE_FORMATS } from './bank-row.js';
import { DATE_ORDERS } from './date-text.js';
import { IMPORT_DECISIONS, IMPORT_ROW_STATES, IMPORT_STATES } from './repository.js';
import { TEXT_ENCODINGS } from './text-decoding.js';

/**
 * An import as returned, with how many rows are in each state, what commit will do or did.
 *
 * @example
 * ```ts
 * import type { Import } from '@expense-tracker/core';
 *
 * declare const ofxText: string;
 * const preview: Import = await owner.imports.preview(new TextEncoder().encode(ofxText), { sourceKey: 'checking' });
 * preview.counts.new; // rows in no way stored yet: commit creates them
 * ```
 */
export const importSchema = z
  .object({
    id: idSchema,
    sourceKey: z.string(),
    format: z.string().meta({ description: '`csv`, `ofx`, `camt053`, `qif`, or `rows` (expenses.import)' }),
    fileName: z.string().nullable(),
    state: z.enum(IMPORT_STATES),
    counts: z.object({
      total: z.int(),
      new: z.int(),
      duplicate: z.int(),
      possibleDuplicate: z.int(),
      invalid: z.int(),
      inflowIgnored: z.int(),
      toCreate: z.int().meta({ description: 'Rows whose decision is create' }),
      toLink: z.int().meta({ description: 'Rows whose decision is link' }),
      created: z.int().meta({ description: 'Expenses commit created' }),
      linked: z.int().meta({ description: 'Expenses commit linked to a bank line' }),
    }),
    createdAt: instantSchema,
    updatedAt: instantSchema,
    committedAt: instantSchema.nullable(),
    revertedAt: instantSchema.nullable(),
  })
  .meta({ id: 'Import' });

/**
 * An import; see {@link importSchema}.
 *
 * @example
 * ```ts
 * import type { Import } from '@expense-tracker/core';
 *
 * const imports: Import[] = await owner.imports.list({ limit: 10 });
 * imports.filter((imp) => imp.state === 'previewed'); // previews still waiting for a commit
 * ```
 */
export type Import = z.output<typeof importSchema>;

/**
 * What the owner's rules (SPEC §7.2) would make of an import row: computed when the row is
 * read, so it follows the rules as they are now. `ruleId` is the rule that set the category;
 * `ruleIds` every rule that changed a field.
 *
 * @example
 * ```ts
 * import { importRowRulesSchema } from '@expense-tracker/core';
 *
 * importRowRulesSchema.parse({ categoryId: 'cat_food', merchant: 'REWE', notes: null, tags: ['groceries'],
 *   ruleId: 'rul_rewe', ruleIds: ['rul_rewe', 'rul_tags'] });
 * ```
 */
export const importRowRulesSchema = z
  .object({
    categoryId: idSchema.nullable(),
    merchant: z.string().nullable(),
    notes: z.string().nullable(),
    tags: z.array(z.string()),
    ruleId: idSchema.nullable(),
    ruleIds: z.array(idSchema),
  })
  .meta({ id: 'ImportRowRules' });

/**
 * A row of an import as returned: what the file said, its state, the decision commit
 * applies (`create`, `skip`, `link` to `linkExpenseId`; `create` on an `inflow_ignored`
 * credit stores a refund), and what the rules would give it.
 *
 * @example
 * ```ts
 * import type { ImportRow } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const { items } = await owner.imports.rows(importId, { state: 'possible_duplicate' });
 * const row: ImportRow | undefined = items[0];
 * row?.candidateIds; // the hand-typed expenses it may be
 * ```
 */
export const importRowSchema = z
  .object({
    n: z.int().min(1),
    line: z.int().min(1),
    state: z.enum(IMPORT_ROW_STATES),
    reason: z.object({ code: z.string(), message: z.string() }).nullable(),
    date: localDateSchema.nullable(),
    amountMinor: z.int().nullable(),
    amount: z.string().nullable(),
    currency: z.string().nullable(),
    description: z.string().nullable(),
    merchant: z.string().nullable(),
    originalText: z.string(),
    externalId: z.string().nullable(),
    occurrence: z.int().nullable(),
    candidateIds: z.array(idSchema),
    decision: z.enum(IMPORT_DECISIONS).nullable(),
    linkExpenseId: idSchema.nullable(),
    expenseId: idSchema.nullable().meta({ description: 'The expense commit created' }),
    applied: z.boolean().meta({ description: 'Whether commit applied the decision' }),
    bill: z
      .object({
        scheduleId: idSchema,
        name: z.string(),
        nominal: localDateSchema,
        due: localDateSchema,
      })
      .nullable()
      .meta({
        id: 'ImportRowBill',
        description:
          'The bill (an occurrence of an `expect` schedule, not yet settled) the line would settle: its amount is within the schedule’s tolerance and its date within the match window of the due date. Committing a `create` links the new expense to it, so the due work posts nothing more for it.',
      }),
    rules: importRowRulesSchema.nullable().meta({
      description: 'What the owner’s rules would give the row now (null for an invalid row); commit runs them again',
    }),
  })
  .meta({ id: 'ImportRow' });

/**
 * A row of an import; see {@link importRowSchema}.
 *
 * @example
 * ```ts
 * import type { ImportRow } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const row: ImportRow = await owner.imports.decide(importId, 3, { decision: 'skip' });
 * row.decision; // 'skip'
 * ```
 */
export type ImportRow = z.output<typeof importRowSchema>;

/**
 * Query of `owner.imports.rows()`: a state, and a page (`limit` 1–200, default 50; `cursor`
 * from the previous page).
 *
 * @example
 * ```ts
 * import { importRowsQuerySchema } from '@expense-tracker/core';
 *
 * importRowsQuerySchema.parse({ state: 'new', limit: '100' }); // { state: 'new', limit: 100 }
 * importRowsQuerySchema.parse({}); // { limit: 50 }
 * ```
 */
export const importRowsQuerySchema = z
  .strictObject({
    state: z.enum(IMPORT_ROW_STATES).optional(),
    limit: limitSchema.default(50),
    cursor: z.string().regex(/^\d+$/, 'A cursor from a previous page').optional(),
  })
  .meta({ id: 'ImportRowsQuery' });

/**
 * Query of `owner.imports.rows()`; see {@link importRowsQuerySchema}.
 *
 * @example
 * ```ts
 * import type { ImportRowsQuery } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const query: ImportRowsQuery = { state: 'invalid', limit: 200 };
 * const { items } = await owner.imports.rows(importId, query); // each with its reason
 * ```
 */
export type ImportRowsQuery = z.input<typeof importRowsQuerySchema>;

/**
 * A page of import rows, as a schema (the REST answer of `GET /imports/{id}/rows`).
 *
 * @example
 * ```ts
 * import { importRowPageSchema } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const res = await fetch(`http://localhost:8000/imports/${importId}/rows?state=new`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } });
 * const { items, nextCursor } = importRowPageSchema.parse(await res.json());
 * ```
 */
export const importRowPageSchema = z
  .object({ items: z.array(importRowSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ImportRowPage' });

/**
 * Query of `owner.imports.list()`: newest first, `limit` 1–200 (default 50), `before` an
 * import id of the previous page's last.
 *
 * @example
 * ```ts
 * import { importListQuerySchema } from '@expense-tracker/core';
 *
 * importListQuerySchema.parse({ limit: '20' }); // { limit: 20 }
 * importListQuerySchema.parse({ before: 'imp_01JD…' }); // { limit: 50, before: 'imp_01JD…' }
 * ```
 */
export const importListQuerySchema = z
  .strictObject({ limit: limitSchema.default(50), before: z.string().optional() })
  .meta({ id: 'ImportListQuery' });

/**
 * How an uploaded bank file is read, as text (a query string or form fields): the options
 * of `owner.imports.preview()` that travel over the wire. `profile` is a saved profile's id.
 *
 * @example
 * ```ts
 * import { importUploadOptionsSchema } from '@expense-tracker/core';
 *
 * importUploadOptionsSchema.parse({ sourceKey: 'checking', format: 'csv', profile: 'ipr_01JD…' });
 * ```
 */
export const importUploadOptionsSchema = z
  .strictObject({
    sourceKey: z.string().trim().min(1).max(200).meta({ description: 'The bank account the file is from' }),
    profile: idSchema.optional().meta({ description: 'A saved import profile’s id (CSV mapping)' }),
    format: z.enum(BANK_FILE_FORMATS).optional().meta({ description: 'Sniffed from the content when absent' }),
    encoding: z.enum(TEXT_ENCODINGS).optional().meta({ description: 'Detected when absent' }),
    currency: currencySchema.optional().meta({ description: 'The currency of a QIF file' }),
    dateOrder: z.enum(DATE_ORDERS).optional().meta({ description: 'The order of day, month and year of a QIF file' }),
    fileName: z.string().trim().min(1).max(255).optional(),
  })
  .meta({ id: 'ImportUploadOptions' });

/**
 * How an uploaded bank file is read; see {@link importUploadOptionsSchema}.
 *
 * @example
 * ```ts
 * import { importUploadOptionsSchema, type ImportUploadOptions } from '@expense-tracker/core';
 *
 * const query = new URLSearchParams({ sourceKey: 'checking', format: 'qif', currency: 'USD', dateOrder: 'MDY' });
 * const options: ImportUploadOptions = importUploadOptionsSchema.parse(Object.fromEntries(query));
 * ```
 */
export type ImportUploadOptions = z.output<typeof importUploadOptionsSchema>;

/**
 * A page of import rows.
 *
 * @example
 * ```ts
 * import type { ImportRowPage } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const page: ImportRowPage = await owner.imports.rows(importId, { limit: 100 });
 * ```
 */
export interface ImportRowPage {
  items: ImportRow[];
  nextCursor: string | null;
}

/**
 * A decision on one row: `create`, `skip`, or `link` to one of the owner's expenses
 * (`expenseId`, by default the row's only candidate).
 *
 * @example
 * ```ts
 * import { importDecisionSchema } from '@expense-tracker/core';
 *
 * importDecisionSchema.parse({ decision: 'link', expenseId: 'exp_01JD…' });
 * ```
 */
export const importDecisionSchema = z
  .strictObject({
    decision: z.enum(IMPORT_DECISIONS),
    expenseId: idSchema.optional(),
  })
  .meta({ id: 'ImportDecisionInput' });

/**
 * A decision on one row; see {@link importDecisionSchema}.
 *
 * @example
 * ```ts
 * import type { ImportDecisionInput } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const input: ImportDecisionInput = { decision: 'link', expenseId: lunch.id }; // the hand-typed expense row 7 is
 * await owner.imports.decide(importId, 7, input);
 * ```
 */
export type ImportDecisionInput = z.input<typeof importDecisionSchema>;

/**
 * A source key: the bank account a file is from. External ids and fingerprints are unique
 * per (owner, source key), so use the same key for every statement of one account.
 */
export const sourceKeySchema = z.string().trim().min(1).max(200);

/**
 * A saved CSV mapping as returned.
 *
 * @example
 * ```ts
 * import type { ImportProfile } from '@expense-tracker/core';
 *
 * const profile: ImportProfile = await owner.imports.profiles.create({
 *   name: 'My bank',
 *   profile: { date: { column: 'Date' }, amount: { kind: 'signed', column: 'Amount' }, currency: { default: 'EUR' } },
 * });
 * ```
 */
export const importProfileSchema = z
  .object({
    id: idSchema,
    name: z.string(),
    profile: z.record(z.string(), z.unknown()),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'ImportProfile' });

/**
 * A saved CSV mapping; see {@link importProfileSchema}.
 *
 * @example
 * ```ts
 * import type { ImportProfile } from '@expense-tracker/core';
 *
 * const profiles: ImportProfile[] = await owner.imports.profiles.list();
 * const myBank = profiles.find((p) => p.name === 'My bank'); // its id is the profileId of a preview
 * ```
 */
export type ImportProfile = z.output<typeof importProfileSchema>;
