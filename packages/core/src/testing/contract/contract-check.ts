import type { Store } from '../../store/store.js';

/** What every contract check runs against. */
export interface ContractEnv {
  /** The store under test, migrated. */
  readonly store: Store;
  /**
   * A second store over the same database, as another process would open it, for the checks
   * of concurrent writers; the store itself when the harness has no `openPeer`.
   */
  readonly peer: Store;
}

/** One rule of the Store interface, checked by calling the store directly (never the SDK). */
export interface ContractCheck {
  /** The sentence the check proves; it is the test's name. */
  readonly name: string;
  /** Resolves when the store keeps the rule; throws an assertion error when it breaks it. */
  readonly run: (env: ContractEnv) => Promise<void>;
}

/** The checks of one repository (or of the store itself). */
export interface ContractGroup {
  readonly name: string;
  readonly checks: readonly ContractCheck[];
}

/** A check's outcome when run outside vitest's runner. */
export interface ContractOutcome {
  readonly group: string;
  readonly check: string;
  /** What the check threw; `undefined` when it passed. */
  readonly error: unknown;
}

/** Declares a check. */
export function check(name: string, run: (env: ContractEnv) => Promise<void>): ContractCheck {
  return { name, run };
}

/**
 * Runs the checks one after another and reports each outcome, without vitest's runner: the
 * test of the suite runs them against deliberately broken stores and asserts which fail.
 */
export async function runContractChecks(
  env: ContractEnv,
  groups: readonly ContractGroup[],
): Promise<ContractOutcome[]> {
  const outcomes: ContractOutcome[] = [];
  for (const group of groups) {
    for (const { name, run } of group.checks) {
      const error = await run(env).then(
        () => undefined,
        (reason: unknown) => reason ?? new Error('rejected without a reason'),
      );
      outcomes.push({ group: group.name, check: name, error });
    }
  }
  return outcomes;
}
