import { LRUCache } from 'lru-cache';
import { DEFAULT_OWNER_SETTINGS, type OwnerSettings } from './schema.js';
import type { AlertRuleRecord, BudgetRecord, CategoryRecord, StoreSession } from '../store/store.js';
import type { ServiceContext } from '../write-context.js';
import { lazyRuleSet, type RuleSet } from '../rules/rule-set.js';

/** What alert evaluation needs of an owner, kept in memory between writes. */
export interface OwnerConfig {
  categories: CategoryRecord[];
  budgets: BudgetRecord[];
  rules: AlertRuleRecord[];
  /** Auto-categorisation rules, compiled on first use: once per config version. */
  categoryRules: RuleSet;
  /** Rule ids already fired, per `budgetId|periodStart`, filled as they are asked for. */
  fired: Map<string, Set<string>>;
  /**
   * Whether the owner has any schedule: without one, budget status and forecast alerts read
   * no schedules (a schedule's create and delete change the config version).
   */
  hasSchedules: boolean;
}

/** Reads an owner's config in a transaction. */
export async function loadOwnerConfig(tx: StoreSession, ownerId: string): Promise<OwnerConfig> {
  const [categories, budgets, rules, categoryRules, schedules] = [
    await tx.categories.list(ownerId),
    await tx.budgets.list(ownerId),
    await tx.alertRules.list(ownerId),
    await tx.rules.list(ownerId),
    await tx.schedules.list(ownerId),
  ];
  return {
    categories,
    budgets,
    rules,
    categoryRules: lazyRuleSet(categoryRules),
    fired: new Map(),
    hasSchedules: schedules.length > 0,
  };
}

/**
 * Owners' configs by the `config_version` they were read at (one cache per tracker; no
 * module state). A write reads the version under the owner's lock, so an entry with the
 * same version is exactly what the database holds, even with other processes writing.
 */
export class OwnerConfigCache {
  readonly #entries: LRUCache<string, { version: number; config: OwnerConfig }>;

  /** @param max - owners kept; the least recently used goes first */
  constructor(max = 1000) {
    this.#entries = new LRUCache({ max });
  }

  /** The config read at `version`, if kept. */
  get(ownerId: string, version: number): OwnerConfig | undefined {
    const entry = this.#entries.get(ownerId);
    return entry?.version === version ? entry.config : undefined;
  }

  /** Keeps a config read at `version` (only ever one that was committed). */
  set(ownerId: string, version: number, config: OwnerConfig): void {
    this.#entries.set(ownerId, { version, config });
  }
}

/** What a read sees of an owner: settings, categories, budgets and rules. */
export interface OwnerView {
  settings: OwnerSettings;
  categories: readonly CategoryRecord[];
  budgets: readonly BudgetRecord[];
  rules: readonly AlertRuleRecord[];
  /** Auto-categorisation rules, compiled on first use (an import preview's rows read them). */
  categoryRules: RuleSet;
  /** Whether the owner has any schedule (see `OwnerConfig.hasSchedules`). */
  hasSchedules: boolean;
}

/**
 * An owner's settings and config for a read (budget status, analytics, lists): one row read
 * for the settings and the config version, and the config from the cache when it holds that
 * version, so a read of a budget's status costs that row and its totals.
 *
 * On a miss the config is read outside any transaction, after the version: it is at least as
 * new as that version. It is kept only when the version read again afterwards is unchanged
 * (no config change committed in between, so it is exactly that version's); either way it is
 * as fresh as separate reads are.
 */
export async function readOwner(ctx: ServiceContext, ownerId: string): Promise<OwnerView> {
  const state = await ctx.store.owners.getState(ownerId);
  // No row: the owner never wrote anything, so has no categories, budgets or rules.
  if (!state)
    return {
      settings: { ...DEFAULT_OWNER_SETTINGS },
      categories: [],
      budgets: [],
      rules: [],
      categoryRules: lazyRuleSet([]),
      hasSchedules: false,
    };
  const cached = ctx.configCache.get(ownerId, state.configVersion);
  if (cached) return { settings: state.settings, ...cached };
  const config = await loadOwnerConfig(ctx.store, ownerId);
  const after = await ctx.store.owners.getState(ownerId);
  if (after?.configVersion === state.configVersion) ctx.configCache.set(ownerId, state.configVersion, config);
  return { settings: state.settings, ...config };
}
