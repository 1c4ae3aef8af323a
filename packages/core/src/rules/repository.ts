import type { ExpenseRecord } from '../store/store.js';
import type { RuleAction, RuleDefinition } from './rule-schema.js';

/**
 * An auto-categorisation rule as stored: its definition as core validated it, with its id
 * and instants. The SDK returns it to you as a {@link index!SavedRule}, without `ownerId`.
 *
 * @example
 * ```ts
 * import type { RuleRecord } from '@expense-tracker/core/store';
 *
 * const rule = await owner.rules.create({ conditions: [{ field: 'merchant', op: 'contains', value: 'cafe' }], actions: [{ type: 'addTags', tags: ['coffee'] }] });
 * const record: RuleRecord | null = await store.rules.findById(owner.ownerId, rule.id);
 * record?.position; // 0 for the owner's first rule
 * ```
 */
export interface RuleRecord extends RuleDefinition {
  id: string;
  ownerId: string;
  actions: RuleAction[];
  createdAt: string;
  updatedAt: string;
}

/**
 * One `apply` of a rule to existing expenses.
 *
 * @example
 * ```ts
 * import type { RuleRunRecord } from '@expense-tracker/core/store';
 *
 * const run = await owner.rules.apply(ruleId);
 * const record: RuleRunRecord | null = await store.rules.findRun(owner.ownerId, run.id);
 * record?.revertedAt; // null until owner.rules.revertRun(run.id)
 * ```
 */
export interface RuleRunRecord {
  id: string;
  ownerId: string;
  ruleId: string;
  /** The date range the run covered (inclusive); `null` for open ends. */
  from: string | null;
  to: string | null;
  startedAt: string;
  revertedAt: string | null;
}

/**
 * One expense a run changed: the whole stored record before and after, so a revert can put
 * back exactly what the run changed and can tell an expense edited since (its record is no
 * longer `after`).
 *
 * @example
 * ```ts
 * import type { RuleRunChangeRecord } from '@expense-tracker/core/store';
 *
 * const run = await owner.rules.apply(ruleId);
 * const changes: RuleRunChangeRecord[] = await store.rules.listRunChanges(owner.ownerId, run.id);
 * changes.map((c) => [c.before.categoryId, c.after.categoryId]);
 * ```
 */
export interface RuleRunChangeRecord {
  runId: string;
  expenseId: string;
  before: ExpenseRecord;
  after: ExpenseRecord;
}

/**
 * Auto-categorisation rules and their runs. Every method is scoped to `ownerId` and MUST NOT
 * read or change another owner's rows. It is the `rules` repository of a {@link Store}; use
 * `owner.rules` in applications. The service bumps the owner's config version with every
 * rule write, so rules compiled from `list` can be kept per version.
 *
 * @example
 * ```ts
 * import type { RuleRepository } from '@expense-tracker/core/store';
 *
 * const rules: RuleRepository = store.rules;
 * (await rules.list(owner.ownerId)).map((rule) => rule.position); // ascending
 * await rules.findById('someone-else', ruleId); // null: scoped by owner
 * ```
 */
export interface RuleRepository {
  /** Inserts a rule; an id the owner already has is a `CONFLICT`. */
  insert(record: RuleRecord): Promise<void>;
  /** The owner's rule, or `null`. */
  findById(ownerId: string, id: string): Promise<RuleRecord | null>;
  /** All the owner's rules, by position, then id. */
  list(ownerId: string): Promise<RuleRecord[]>;
  /** Replaces the stored fields of the owner's rule; `false` when there is none. */
  update(record: RuleRecord): Promise<boolean>;
  /** Deletes the owner's rule (its runs stay, so they can still be reverted); `false` when there is none. */
  delete(ownerId: string, id: string): Promise<boolean>;
  /** Inserts a run and the changes it made (in the caller's transaction). */
  insertRun(run: RuleRunRecord, changes: readonly RuleRunChangeRecord[]): Promise<void>;
  /** The owner's run, or `null`. */
  findRun(ownerId: string, id: string): Promise<RuleRunRecord | null>;
  /** The changes of the owner's run, by expense id. */
  listRunChanges(ownerId: string, runId: string): Promise<RuleRunChangeRecord[]>;
  /**
   * The owner's runs, newest first (by id, descending: run ids start with their time), of one
   * rule when `ruleId` is given, those whose id is below `before` when given, at most `limit`;
   * each with the ids of the expenses it changed, in order.
   */
  listRuns(
    ownerId: string,
    query: { ruleId?: string; before?: string; limit: number },
  ): Promise<{ run: RuleRunRecord; expenseIds: string[] }[]>;
  /**
   * Sets the run's `revertedAt` if unset: `true` when this call set it, `false` when the run
   * is absent or was already reverted. Decided by the update itself (`where reverted_at is
   * null`), so two reverts cannot both succeed.
   */
  markReverted(ownerId: string, id: string, at: string): Promise<boolean>;
}
