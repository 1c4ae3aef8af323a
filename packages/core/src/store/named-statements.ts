import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type { Pool, PoolClient } from 'pg';

/**
 * The comment `preparedQuery` starts its PostgreSQL SQL with: the statements worth a name of
 * their own, since their text is fixed and they run on every request or write.
 */
export const PREPARED_MARK = '/* prepared */ ';

/**
 * A pg pool as Kysely's `PostgresDialect` takes it, whose connections send `preparedQuery`'s
 * statements as named prepared statements: PostgreSQL parses and plans each once per
 * connection instead of on every call (an unnamed statement is parsed, analysed and planned
 * each time it is sent). Only marked SQL is named, so the server's set of statements per
 * connection stays bounded by the number of prepared queries, never by the shapes of dynamic
 * SQL (`in` lists of any length). The name is a hash of the text: two stores sharing a host's
 * pool agree on it, and no name is ever reused for another text (which pg refuses).
 */
export function withNamedStatements(pool: Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (sql: string): string => {
    let name = names.get(sql);
    if (!name) names.set(sql, (name = `et_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`));
    return name;
  };
  // Kysely keeps one connection object per client it is given: give it the same wrapper each time.
  const wrappers = new WeakMap<PoolClient, PostgresPoolClient>();
  const wrap = (client: PoolClient): PostgresPoolClient => {
    function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(
      sqlOrCursor: string | PostgresCursor<R>,
      parameters?: readonly unknown[],
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      if (typeof sqlOrCursor !== 'string') {
        // Kysely streams through a cursor only when the dialect is given one; ours is not.
        throw new TypeError('A cursor query needs the PostgresDialect cursor option');
      }
      const values = [...(parameters ?? [])];
      const config = sqlOrCursor.startsWith(PREPARED_MARK)
        ? { name: nameOf(sqlOrCursor), text: sqlOrCursor, values }
        : { text: sqlOrCursor, values };
      return client.query(config).then((result) => ({
        command: result.command as PostgresQueryResult<R>['command'],
        rowCount: result.rowCount ?? 0,
        rows: result.rows as R[],
      }));
    }
    return { query, release: (destroy?: boolean) => client.release(destroy) };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) wrappers.set(client, (wrapper = wrap(client)));
      return wrapper;
    },
    end: () => pool.end(),
  };
}
