import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';

/**
 * Kysely's SQLite driver prepares every statement anew on each execution; preparing costs
 * as much as running a small statement. This wraps a better-sqlite3 database so `prepare`
 * returns a cached statement for SQL it has seen (least recently used dropped past `size`).
 * Safe because Kysely runs one statement at a time on its single SQLite connection, and
 * the SDK never streams (which would hold a statement open).
 */
export function withStatementCache(db: BetterSqlite3.Database, size = 500): SqliteDatabase {
  const cache = new LRUCache<string, BetterSqlite3.Statement>({ max: size });
  return {
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
    close() {
      cache.clear();
      db.close();
    },
  };
}
