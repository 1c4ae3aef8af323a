/**
 * The test of the conformance suite: its contract checks must reject stores that break the
 * Store interface's MUSTs, and must call every method of the interface.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KyselyStore } from '../src/store/kysely-store.js';
import { openKyselyStore } from '../src/store/open-database.js';
import type { Store, StoreSession } from '../src/store/store.js';
import { runContractChecks, type ContractEnv } from '../src/testing/contract/contract-check.js';
import { contractGroups } from '../src/testing/contract/contract-groups.js';
import { breakStore, type BreakageName } from './support/broken-stores.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

const REPOSITORIES = [
  'owners',
  'categories',
  'expenses',
  'events',
  'totals',
  'budgets',
  'alertRules',
  'notifications',
  'idempotency',
  'imports',
  'rules',
  'schedules',
] as const;

/** The names (`group › check`) of the checks that fail against `env`. */
async function failingChecks(env: ContractEnv): Promise<string[]> {
  const outcomes = await runContractChecks(env, contractGroups);
  expect(outcomes.length).toBeGreaterThan(40);
  return outcomes.filter((o) => o.error !== undefined).map((o) => `${o.group} › ${o.check}`);
}

const INSERT_ONCE_AGAIN =
  'notifications › insertOnce answers false for a (rule, period start) that already has a notification, and keeps the first';
const INSERT_ONCE_RACE =
  'notifications › insertOnce from two concurrent transactions fires once: the second answers false once the first commits';
const IDEMPOTENCY_AGAIN =
  'idempotency › insert of a second record for the same (owner, key) fails with CONFLICT and keeps the first; another owner may use the key';
const IDEMPOTENCY_RACE =
  'idempotency › insert from two concurrent transactions for one key: the second fails with CONFLICT once the first commits';
const LOCK_WAITS =
  'owners › lock makes a second writer of the owner wait until the first commits, and then read what it wrote';
const LOCK_ROLLBACK =
  'owners › lock is released when the holder rolls back, and the waiting writer goes on without its writes';
const IDENTITY_EXTERNAL =
  'expense identity › insert of an external id the (owner, source account) already has is a CONFLICT and keeps the first';
const IDENTITY_FINGERPRINT =
  'expense identity › insert or update to a fingerprint the (owner, source account) already has is a CONFLICT and keeps the first';
const APPEND_WAITS =
  'events › append of a second transaction of the owner waits until the first commits, then takes the next seqs';
const APPEND_MANY =
  'events › 30 concurrent transactions appending for one owner (some rolling back) leave gapless seqs, and a reader only ever sees a prefix';
const REFUND_FIGURES =
  'totals › refund figures add apart from the expense count; a group of refunds only is in query (net below 0) until both counts are back at 0';

describe('the contract checks, on PostgreSQL with two stores on one database', () => {
  let database: TestDatabase;
  let store: KyselyStore;
  let peer: KyselyStore;

  beforeAll(async () => {
    database = await createTestDatabase(inject('pgUrl'));
    store = await openKyselyStore({ database: database.url, poolSize: 10 });
    await store.migrate();
    peer = await openKyselyStore({ database: database.url, poolSize: 10 });
  });

  afterAll(async () => {
    await peer?.close();
    await store?.close();
    await database?.drop();
  });

  it('all pass against the bundled store', async () => {
    expect(await failingChecks({ store, peer })).toEqual([]);
  });

  const cases: [BreakageName, string[]][] = [
    ['insertOnce inserts and reports true', [INSERT_ONCE_AGAIN, INSERT_ONCE_RACE]],
    ['insertOnce checks, then inserts', [INSERT_ONCE_RACE]],
    ['lock takes no lock', [LOCK_WAITS, LOCK_ROLLBACK]],
    ['idempotency insert ignores a taken key', [IDEMPOTENCY_AGAIN, IDEMPOTENCY_RACE]],
    ['append numbers from an unlocked max(seq) + 1', [APPEND_WAITS, APPEND_MANY]],
    ['applyDeltas drops the refund figures', [REFUND_FIGURES]],
    ['expense identity is not unique', [IDENTITY_EXTERNAL, IDENTITY_FINGERPRINT]],
  ];
  for (const [breakage, expected] of cases) {
    it(`reject a store whose ${breakage}, through exactly the checks of that rule`, async () => {
      expect(await failingChecks({ store: breakStore(store, breakage), peer: breakStore(peer, breakage) })).toEqual(
        expected,
      );
    });
  }
});

describe('the contract checks, on SQLite with one connection', () => {
  let store: KyselyStore;

  beforeAll(async () => {
    store = await openKyselyStore({ database: ':memory:' });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
  });

  // The other breakages do no harm here: BEGIN IMMEDIATE already runs write transactions one
  // at a time, so no second writer can read between the first one's read and its commit.
  it('reject a store whose insertOnce inserts and reports true', async () => {
    const broken = breakStore(store, 'insertOnce inserts and reports true');
    expect(await failingChecks({ store: broken, peer: broken })).toEqual([INSERT_ONCE_AGAIN, INSERT_ONCE_RACE]);
  });

  it('reject a store whose idempotency insert ignores a taken key', async () => {
    const broken = breakStore(store, 'idempotency insert ignores a taken key');
    expect(await failingChecks({ store: broken, peer: broken })).toEqual([IDEMPOTENCY_AGAIN, IDEMPOTENCY_RACE]);
  });

  it('reject a store whose expense identity is not unique', async () => {
    const broken = breakStore(store, 'expense identity is not unique');
    expect(await failingChecks({ store: broken, peer: broken })).toEqual([IDENTITY_EXTERNAL, IDENTITY_FINGERPRINT]);
  });

  it('call every method of the Store interface, all 84 repository methods (with the optional listJson) and the store’s own', async () => {
    const called = new Set<string>();
    const recorded = recording(store, called);
    expect(await failingChecks({ store: recorded, peer: recorded })).toEqual([]);
    const repositoryMethods = REPOSITORIES.flatMap((repo) =>
      Object.keys(store[repo]).map((method) => `${repo}.${method}`),
    );
    expect(repositoryMethods).toHaveLength(84);
    expect([...called].sort()).toEqual([...repositoryMethods, 'migrate', 'ping', 'transaction'].sort());
  });
});

/** `store`, noting in `called` every method called on it or on its transactions' sessions. */
function recording(store: Store, called: Set<string>): Store {
  const session = (inner: StoreSession): StoreSession => {
    const wrapped: Partial<Record<keyof StoreSession, unknown>> = {};
    for (const repo of REPOSITORIES) {
      const methods = inner[repo] as unknown as Record<string, (...args: unknown[]) => unknown>;
      wrapped[repo] = Object.fromEntries(
        Object.entries(methods).map(([name, method]) => [
          name,
          (...args: unknown[]) => {
            called.add(`${repo}.${name}`);
            return method.apply(methods, args);
          },
        ]),
      );
    }
    return wrapped as StoreSession;
  };
  return {
    ...session(store),
    dialect: store.dialect,
    transaction: (fn) => {
      called.add('transaction');
      return store.transaction((tx) => fn(session(tx)));
    },
    migrate: () => {
      called.add('migrate');
      return store.migrate();
    },
    ping: () => {
      called.add('ping');
      return store.ping();
    },
    close: () => store.close(),
  };
}
