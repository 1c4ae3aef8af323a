import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A database of its own for one test file, so files running in parallel never see each other's rows. */
export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database, disconnecting anyone still connected. Close your pools first. */
  readonly drop: () => Promise<void>;
}

/**
 * Creates an empty database named `et_test_<random>` on the server at `baseUrl`.
 *
 * @example
 * const db = await createTestDatabase(inject('pgUrl'));
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `et_test_${randomBytes(8).toString('hex')}`;
  await onServer(baseUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(baseUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** Runs one statement over a short-lived connection (CREATE/DROP DATABASE cannot run in a transaction or pool). */
async function onServer(baseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
