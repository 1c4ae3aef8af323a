import { inject } from 'vitest';
import { KyselyStore, Tracker } from '../src/index.js';
import { defineStoreConformance, kyselyRawQuery } from '../src/testing/index.js';
import { createTestDatabase } from './setup/pg-database';

let drop: (() => Promise<void>) | undefined;

defineStoreConformance({
  name: 'postgres',
  openStore: async () => {
    const database = await createTestDatabase(inject('pgUrl'));
    drop = database.drop;
    // Enough connections that concurrent writes really run at once.
    return (await Tracker.open({ database: database.url, poolSize: 20 })).store;
  },
  rawQuery: (store) => kyselyRawQuery(store as KyselyStore),
  cleanup: async () => drop?.(),
});
