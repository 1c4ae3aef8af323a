/**
 * What the import pipeline stores (SPEC §7.1): an import, its rows, and the owner's saved
 * CSV mappings. Every method is scoped to `ownerId` and MUST NOT read or change another
 * owner's rows.
 */

/** The life of an import: parsed into a preview, then committed (in chunks), maybe reverted. */
export const IMPORT_STATES = ['parsing', 'previewed', 'committing', 'committed', 'reverted'] as const;

/** One of {@link IMPORT_STATES}. */
export type ImportState = (typeof IMPORT_STATES)[number];

/**
 * What a row of a bank file is, once compared with what is stored:
 * `new` (nothing like it), `duplicate` (the same bank line is stored already),
 * `possible_duplicate` (an expense not imported looks like it), `invalid` (unreadable: see
 * `reason`), `inflow_ignored` (money in, which is not spending).
 */
export const IMPORT_ROW_STATES = ['new', 'duplicate', 'possible_duplicate', 'invalid', 'inflow_ignored'] as const;

/** One of {@link IMPORT_ROW_STATES}. */
export type ImportRowState = (typeof IMPORT_ROW_STATES)[number];

/** What commit does with a row: create an expense, skip it, or link it to an existing expense. */
export const IMPORT_DECISIONS = ['create', 'skip', 'link'] as const;

/** One of {@link IMPORT_DECISIONS}. */
export type ImportDecision = (typeof IMPORT_DECISIONS)[number];

/** An import as stored. */
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

/** A row of an import as stored; `n` counts from 1 in file order. */
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
}

/** A saved CSV mapping of an owner. */
export interface ImportProfileRecord {
  id: string;
  ownerId: string;
  name: string;
  /** The CSV profile, as `csvProfileSchema` reads it. */
  profile: unknown;
  createdAt: string;
  updatedAt: string;
}

/** How many rows of an import have a state, a decision and an outcome. */
export interface ImportRowCount {
  state: ImportRowState;
  decision: ImportDecision | null;
  applied: boolean;
  count: number;
}

/** Imports, their rows and profiles. Every method is scoped to `ownerId`. */
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
