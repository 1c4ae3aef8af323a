/**
 * The public surface by audience: the root entry for app developers, `/store` for store
 * authors, `/kysely` for the bundled store and a host's own tables, `/testing` for the
 * conformance suite; named exports only; and no way from a tracker to its store.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as root from '../src/index.js';
import * as kysely from '../src/kysely/index.js';
import * as store from '../src/store/index.js';
import * as testing from '../src/testing/index.js';

const coreDir = fileURLToPath(new URL('../', import.meta.url));

/** What the bundled store and its internals export, none of which an app developer needs. */
const STORAGE_NAMES = [
  'KyselyStore',
  'openKyselyStore',
  'hostDatabase',
  'defineHostTables',
  'preparedQuery',
  'MIGRATION_TABLE',
  'EVENTS_CHANNEL',
  'toStoreError',
];
/** Helpers that `export *` once made public by accident. */
const INTERNAL_NAMES = [
  'noNul',
  'optionalText',
  'oneOrMany',
  'limitSchema',
  'expenseFilterFields',
  'neutraliseCell',
  'computeStatus',
  'periodContaining',
  'rolloverChain',
];

describe('the public surface', () => {
  it('root: the tracker, money, errors and schemas, and nothing of the storage or of core’s internals', () => {
    const names = Object.keys(root);
    expect(names).toEqual(
      expect.arrayContaining([
        'Tracker',
        'OwnerHandle',
        'TrackerError',
        'isTrackerError',
        'ERROR_CODES',
        'EVENT_TYPES',
        'formatAmount',
        'parseAmount',
        'expenseSchema',
        'budgetInputSchema',
      ]),
    );
    expect(names.filter((name) => [...STORAGE_NAMES, ...INTERNAL_NAMES].includes(name))).toEqual([]);
  });

  it('/store and /kysely: the store authors’ and the bundled store’s names, and each only its own', () => {
    expect(Object.keys(store)).toEqual(['toStoreError']); // the rest of /store is types: Store, its repositories and records
    expect(Object.keys(kysely).sort()).toEqual([
      'EVENTS_CHANNEL',
      'KyselyStore',
      'MIGRATION_TABLE',
      'defineHostTables',
      'hostDatabase',
      'openKyselyStore',
      'preparedQuery',
    ]);
    expect(Object.keys(kysely).filter((name) => name in root || name in store)).toEqual([]);
    expect(Object.keys(testing)).toEqual(expect.arrayContaining(['defineStoreConformance', 'kyselyRawQuery']));
  });

  it('has no `export *` in any entry point: every public name is chosen', () => {
    const entries = ['src/index.ts', 'src/store/index.ts', 'src/kysely/index.ts', 'src/testing/index.ts'];
    // The bank-file parsers' own index, kept until the import step decides their public surface (issue 13).
    const moduleIndexes = ['src/imports/index.ts'];
    expect(
      [...entries, ...moduleIndexes].filter((entry) => readFileSync(join(coreDir, entry), 'utf8').includes('export *')),
    ).toEqual([]);
    // And those are all the entry points there are.
    const indexFiles = readdirSync(join(coreDir, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('index.ts'))
      .map((path) => `src/${path}`)
      .sort();
    expect(indexFiles).toEqual([...entries, ...moduleIndexes].sort());
  });

  it('gives a tracker no way to its store: no property, at runtime or in its type', async () => {
    const tracker = await root.Tracker.open({ database: ':memory:' });
    try {
      expect(Object.keys(tracker)).toEqual([]);
      expect('store' in tracker).toBe(false);
      expect(Object.getOwnPropertyNames(root.Tracker.prototype).sort()).toEqual([
        'clock',
        'close',
        'constructor',
        'forOwner',
        'migrate',
        'on',
        'ping',
        'runDue',
      ]);
      expectTypeOf<keyof root.Tracker>().toEqualTypeOf<
        'clock' | 'close' | 'forOwner' | 'migrate' | 'on' | 'ping' | 'runDue'
      >();
    } finally {
      await tracker.close();
    }
  });
});
