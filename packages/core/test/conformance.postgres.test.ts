import { inject } from 'vitest';
import { KyselyStore, Tracker } from '../src/index.js';
import { defineStoreConformance, kyselyRawQuery } from '../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from './setup/pg-database';

let database: TestDatabase | undefined;

defineStoreConformance({
  name: 'postgres',
  openStore: async () => {
    database = await createTestDatabase(inject('pgUrl'));
    // Enough connections that concurrent writes really run at once.
    return (await Tracker.open({ database: database.url, poolSize: 20 })).store;
  },
  // A second pool on the same database, as another server instance has: concurrent writers
  // in the contract checks run on two real connections of two stores.
  openPeer: async () => (await Tracker.open({ database: database!.url, poolSize: 5 })).store,
  rawQuery: (store) => kyselyRawQuery(store as KyselyStore),
  cleanup: async () => database?.drop(),
});
