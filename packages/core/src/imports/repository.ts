/**
 * What the import pipeline stores (SPEC §7.1): an import, its rows, and the owner's saved
 * CSV mappings. Every method is scoped to `ownerId` and MUST NOT read or change another
 * owner's rows.
 */

/**
 * The life of an import: parsed into a preview, then committed (in chunks), maybe reverted.
 *
 * @example
 * ```ts
 * import { IMPORT_STATES } from '@expense-tracker/core';
 *
 * IMPORT_STATES; // ['parsing', 'previewed', 'committing', 'committed', 'reverted']
 * ```
 */
export const IMPORT_STATES = ['parsing', 'previewed', 'committing', 'committed', 'reverted'] as const;

/**
 * One of {@link IMPORT_STATES}: where an import is in its life.
 *
 * @example
 * ```ts
 * import type { ImportState } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const state: ImportState = (await owner.imports.get(importId)).state;
 * if (state === 'committing') await owner.imports.commit(importId); // resumes a commit cut off by a crash
 * ```
 */
export type ImportState = (typeof IMPORT_STATES)[number];

/**
 * What a row of a bank file is, once compared with what is stored:
 * `new` (nothing like it), `duplicate` (the same bank line is stored already),
 * `possible_duplicate` (an expense not imported looks like it), `invalid` (unreadable: see
 * `reason`), `inflow_ignored` (money in, which is not spending).
 *
 * @example
 * ```ts
 * import { IMPORT_ROW_STATES } from '@expense-tracker/core';
 *
 * IMPORT_ROW_STATES; // ['new', 'duplicate', 'possible_duplicate', 'invalid', 'inflow_ignored']
 * ```
 */
export const IMPORT_ROW_STATES = ['new', 'duplicate', 'possible_duplicate', 'invalid', 'inflow_ignored'] as const;

/**
 * One of {@link IMPORT_ROW_STATES}: what a row of a bank file is, once compared with what is stored.
 *
 * @example
 * ```ts
 * import type { ImportRowState } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const state: ImportRowState = 'possible_duplicate'; // the rows a person should look at before commit
 * const { items } = await owner.imports.rows(importId, { state });
 * ```
 */
export type ImportRowState = (typeof IMPORT_ROW_STATES)[number];

/**
 * What commit does with a row: create an expense, skip it, or link it to an existing expense.
 *
 * @example
 * ```ts
 * import { IMPORT_DECISIONS } from '@expense-tracker/core';
 *
 * IMPORT_DECISIONS; // ['create', 'skip', 'link']
 * ```
 */
export const IMPORT_DECISIONS = ['create', 'skip', 'link'] as const;

/**
 * One of {@link IMPORT_DECISIONS}: what commit does with one row.
 *
 * @example
 * ```ts
 * import type { ImportDecision } from '@expense-tracker/core';
 *
 * declare const importId: string;
 * const decision: ImportDecision = 'skip'; // row 3 is a transfer between own accounts
 * await owner.imports.decide(importId, 3, { decision });
 * ```
 */
export type ImportDecision = (typeof IMPORT_DECISIONS)[number];

/**
 * An import as stored: the record `owner.imports` reads and writes through the store.
 *
 * @example
 * ```ts
 * import type { ImportRecord } from '@expense-tracker/core/store';
 *
 * declare const importId: string;
 * const record: ImportRecord | null = await store.imports.findById(owner.ownerId, importId);
 * record?.rowCount; // transactions and invalid lines; balance lines are not rows
 * ```
 */
export interface ImportRecord {
  id: string;
  ownerId: string;
  /** The source key: the bank account the file is from; external ids and fingerprints are unique per key. */
  sourceKey: string;
  /** `csv`, `ofx`, `camt053`, `qif`, or `rows` for `owner.expenses.import()`. */
  format: string;
  fileName: string | null;
  state: ImportState;
  /** Rows stored (transactions and invalid lines; balance and other non-transaction lines are not rows). */
  rowCount: number;
  createdAt: string;
  updatedAt: string;
  committedAt: string | null;
  revertedAt: string | null;
}

/**
 * A row of an import as stored; `n` counts from 1 in file order.
 *
 * @example
 * ```ts
 * import type { ImportRowRecord } from '@expense-tracker/core/store';
 *
 * declare const importId: string;
 * const row: ImportRowRecord | null = await store.imports.findRow(owner.ownerId, importId, 1);
 * row?.appliedAt; // null until commit applies the row's decision
 * ```
 */
export interface ImportRowRecord {
  ownerId: string;
  importId: string;
  n: number;
  /** The line of the file the row starts on. */
  line: number;
  state: ImportRowState;
  /** Why an `invalid` row is: a code and words. */
  reasonCode: string | null;
  reason: string | null;
  date: string | null;
  amountMinor: number | null;
  currency: string | null;
  description: string | null;
  merchant: string | null;
  originalText: string;
  externalId: string | null;
  /** The fingerprint with its occurrence number, as stored on the expense. */
  fingerprint: string | null;
  occurrence: number | null;
  /** The expenses a `possible_duplicate` may be. */
  candidateIds: string[];
  decision: ImportDecision | null;
  /** The expense a `link` decision links to. */
  linkExpenseId: string | null;
  /** The expense commit created for the row. */
  expenseId: string | null;
  /** When commit applied the decision (the instant of the chunk's transaction); `null` until then. */
  appliedAt: string | null;
  /** The bill (an `expect` schedule's occurrence) the row would settle, found by preview; `null` for none. */
  bill: ImportRowBill | null;
}

/**
 * The occurrence of an `expect` schedule (a bill) that an import row would settle: the
 * schedule, its name when preview found it, and the occurrence's nominal and due dates.
 *
 * @example
 * ```ts
 * import type { ImportRowBill } from '@expense-tracker/core/store';
 *
 * const bill: ImportRowBill = { scheduleId: 'sch_01J…', name: 'Rent', nominal: '2027-01-31', due: '2027-01-31' };
 * ```
 */
export interface ImportRowBill {
  scheduleId: string;
  name: string;
  nominal: string;
  due: string;
}

/**
 * A saved CSV mapping of an owner, as stored: the mapping as given, so later defaults apply when it is used.
 *
 * @example
 * ```ts
 * import type { ImportProfileRecord } from '@expense-tracker/core/store';
 *
 * const mapping = { date: { column: 'Date' }, amount: { kind: 'signed', column: 'Amount' }, currency: { default: 'EUR' } } as const;
 * const saved = await owner.imports.profiles.create({ name: 'My bank', profile: mapping });
 * const record: ImportProfileRecord | null = await store.imports.findProfile(owner.ownerId, saved.id);
 * record?.profile; // the mapping as given, its defaults left out
 * ```
 */
export interface ImportProfileRecord {
  id: string;
  ownerId: string;
  name: string;
  /** The CSV profile, as `csvProfileSchema` reads it. */
  profile: unknown;
  createdAt: string;
  updatedAt: string;
}

/**
 * How many rows of an import have a state, a decision and an outcome: what the counts of an import are made of.
 *
 * @example
 * ```ts
 * import type { ImportRowCount } from '@expense-tracker/core/store';
 *
 * declare const importId: string;
 * const counts: ImportRowCount[] = await store.imports.countRows(owner.ownerId, importId);
 * counts.filter((c) => c.decision === 'create' && !c.applied).reduce((sum, c) => sum + c.count, 0); // left to create
 * ```
 */
export interface ImportRowCount {
  state: ImportRowState;
  decision: ImportDecision | null;
  applied: boolean;
  count: number;
}

/**
 * Imports, their rows and profiles. Every method is scoped to `ownerId`.
 *
 * @example
 * ```ts
 * import type { ImportRepository } from '@expense-tracker/core/store';
 *
 * declare const importId: string;
 * const imports: ImportRepository = store.imports;
 * (await imports.list(owner.ownerId, { limit: 10 })).map((record) => record.state); // newest first
 * await imports.findById('someone-else', importId); // null: scoped by owner
 * ```
 */
export interface ImportRepository {
  insert(record: ImportRecord): Promise<void>;
  /** Replaces the mutable fields; `false` when there is no such import. */
  update(record: ImportRecord): Promise<boolean>;
  findById(ownerId: string, id: string): Promise<ImportRecord | null>;
  /** Deletes an import and its rows (a preview whose file turned out unreadable); `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** The owner's imports, newest first, before the id `before` when given. */
  list(ownerId: string, query: { limit: number; before?: string }): Promise<ImportRecord[]>;
  insertRows(rows: readonly ImportRowRecord[]): Promise<void>;
  /**
   * Rows in `n` order after `afterN`: of one state when `state` is given; with `pending`,
   * only rows whose decision is `create` or `link` and that are not applied yet.
   */
  listRows(
    ownerId: string,
    importId: string,
    query: { state?: ImportRowState; afterN?: number; limit: number; pending?: boolean; applied?: boolean },
  ): Promise<ImportRowRecord[]>;
  findRow(ownerId: string, importId: string, n: number): Promise<ImportRowRecord | null>;
  /** Replaces the mutable fields of a row; `false` when there is none. */
  updateRow(row: ImportRowRecord): Promise<boolean>;
  countRows(ownerId: string, importId: string): Promise<ImportRowCount[]>;
  insertProfile(record: ImportProfileRecord): Promise<void>;
  findProfile(ownerId: string, id: string): Promise<ImportProfileRecord | null>;
  listProfiles(ownerId: string): Promise<ImportProfileRecord[]>;
  updateProfile(record: ImportProfileRecord): Promise<boolean>;
  deleteProfile(ownerId: string, id: string): Promise<boolean>;
}
