import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKyselyStore } from '../src/kysely/index.js';
import { defineStoreConformance, kyselyRawQuery } from '../src/testing/index.js';

// A real file (WAL mode), as applications use it, rather than :memory:.
const dir = mkdtempSync(join(tmpdir(), 'et-conformance-'));

// No openPeer: better-sqlite3 is synchronous, so a second connection in this process would
// block the event loop while it waits for the file's write lock, which the first connection
// could then never release. The one connection runs transactions one after the other, which
// is what the concurrency checks then see.
defineStoreConformance({
  name: 'sqlite',
  openStore: () => openKyselyStore({ database: join(dir, 'conformance.db') }),
  rawQuery: (store) => kyselyRawQuery(store),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('the SQLite store', () => {
  it('writes listings’ JSON itself (`listJson`), which the conformance case holds to list()', async () => {
    const store = await openKyselyStore({ database: ':memory:' });
    try {
      expect(typeof store.expenses.listJson).toBe('function');
    } finally {
      await store.close();
    }
  });
});
