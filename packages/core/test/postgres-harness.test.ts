import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './setup/pg-database';

describe('the PostgreSQL test harness', () => {
  let db: TestDatabase | undefined;
  afterAll(() => db?.drop());

  it('gives each test file a real, writable database that drop() removes', async () => {
    db = await createTestDatabase(inject('pgUrl'));

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows: versionRows } = await client.query<{ version: string }>('select version()');
      expect(versionRows[0]?.version).toMatch(/^PostgreSQL /);

      await client.query('create table harness_probe (id int primary key, label text not null)');
      await client.query('insert into harness_probe (id, label) values ($1, $2)', [1, 'written']);
      const { rows } = await client.query('select id, label from harness_probe');
      expect(rows).toEqual([{ id: 1, label: 'written' }]);
    } finally {
      await client.end();
    }

    await db.drop();
    const afterDrop = new pg.Client({ connectionString: db.url });
    await expect(afterDrop.connect()).rejects.toThrow(/does not exist/);
    await afterDrop.end().catch(() => {});
  });
});
