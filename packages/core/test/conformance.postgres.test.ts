import { describe, expect, inject, it } from 'vitest';
import { openKyselyStore } from '../src/kysely/index.js';
import { defineStoreConformance, kyselyRawQuery } from '../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database';

let database: TestDatabase | undefined;

defineStoreConformance({
  name: 'postgres',
  openStore: async () => {
    database = await createTestDatabase(inject('pgUrl'));
    // Enough connections that concurrent writes really run at once.
    return openKyselyStore({ database: database.url, poolSize: 20 });
  },
  // A second pool on the same database, as another server instance has: concurrent writers
  // in the contract checks run on two real connections of two stores.
  openPeer: () => openKyselyStore({ database: database!.url, poolSize: 5 }),
  rawQuery: (store) => kyselyRawQuery(store),
  cleanup: async () => database?.drop(),
});

describe('the PostgreSQL store', () => {
  it('leaves listings’ JSON to the SDK (no `listJson`): writing it in PostgreSQL only moved the work into the database', async () => {
    const own = await createTestDatabase(inject('pgUrl'));
    const store = await openKyselyStore({ database: own.url });
    try {
      expect('listJson' in store.expenses).toBe(false);
    } finally {
      await store.close();
      await own.drop();
    }
  });
});
