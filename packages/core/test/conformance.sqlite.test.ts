import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyselyStore, Tracker } from '../src/index.js';
import { defineStoreConformance, kyselyRawQuery } from '../src/testing/index.js';

// A real file (WAL mode), as applications use it, rather than :memory:.
const dir = mkdtempSync(join(tmpdir(), 'et-conformance-'));

defineStoreConformance({
  name: 'sqlite',
  openStore: async () => (await Tracker.open({ database: join(dir, 'conformance.db') })).store,
  rawQuery: (store) => kyselyRawQuery(store as KyselyStore),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
