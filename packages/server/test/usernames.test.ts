import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Tracker } from '@expense-tracker/core';
import { defineHostTables, hostDatabase } from '@expense-tracker/core/kysely';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../core/test/setup/pg-database.js';
import { PasswordHasher } from '../src/auth/passwords.js';
import { SERVER_MIGRATIONS, SERVER_TABLES, type ServerDatabase } from '../src/auth/server-tables.js';
import { skeletonOf, usernameForms } from '../src/auth/usernames.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/**
 * Issue 11, item 8 (registration part): look-alike usernames (fullwidth, Cyrillic, mathematical
 * letters) made separate accounts. Usernames are now stored NFKC-normalised, unique by their
 * case-folded key and by their UTS #39 skeleton; accounts made before keep logging in.
 */

const PASSWORD = 'correct horse battery staple';

/** The server's tables as the release before normalised usernames left them: its first migration only. */
type LegacyDatabase = Omit<ServerDatabase, 'srv_account'> & {
  srv_account: Omit<ServerDatabase['srv_account'], 'username_skeleton'>;
};
const LEGACY_TABLES = defineHostTables<LegacyDatabase>({
  prefix: 'srv_',
  migrations: { '0001-accounts': SERVER_MIGRATIONS['0001-accounts']! },
});

describe('username forms', () => {
  it('NFKC folds fullwidth and mathematical letters; the skeleton maps look-alikes from other scripts', () => {
    expect(usernameForms('  Ａｌｉｃｅ ')).toEqual({ display: 'Alice', key: 'alice', skeleton: 'alice' });
    expect(usernameForms('𝐚𝐥𝐢𝐜𝐞')?.key).toBe('alice');
    expect(usernameForms('\u0430lice')?.key).toBe('\u0430lice'); // Cyrillic а: another key…
    expect(usernameForms('\u0430lice')?.skeleton).toBe('alice'); // …but the same skeleton
    expect(skeletonOf('paypal')).toBe(skeletonOf('\u0440\u0430\u0443\u0440\u0430l')); // р а у р а (Cyrillic) + l
    expect(skeletonOf('m')).toBe(skeletonOf('rn'));
    expect(skeletonOf('ivan')).not.toBe(skeletonOf('иван')); // a name in another script is its own
    // NFKC can turn an allowed character into a forbidden one: ½ is a number, its NFKC form has a fraction slash.
    expect(usernameForms('half½')).toBeNull();
  });
});

describe.each(DIALECTS)('look-alike usernames at registration on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  const register = (username: string) =>
    api.request('POST', '/auth/register', { body: { username, password: PASSWORD } });
  const login = (username: string) => api.request('POST', '/auth/login', { body: { username, password: PASSWORD } });
  const accounts = () =>
    hostDatabase(api.tracker, SERVER_TABLES).selectFrom('srv_account').select(['username', 'username_key']);

  it('a name equal to a taken one after NFKC and case folding, or looking like it (UTS #39 skeleton), is refused 409', async () => {
    // Before: each of these made a separate account.
    expect((await register('alice')).status).toBe(201);
    // upper case, fullwidth, mathematical bold, Cyrillic а, Ukrainian і, Cyrillic а with a Roman numeral fifty for l
    for (const lookalike of ['ALICE', 'ａｌｉｃｅ', '𝐚𝐥𝐢𝐜𝐞', '\u0430lice', 'al\u0456ce', '\u0430\u217Cice']) {
      expectProblem(await register(lookalike), 409, 'CONFLICT');
    }
    expect((await accounts().execute()).filter((a) => a.username_key.includes('ice'))).toEqual([
      { username: 'alice', username_key: 'alice' },
    ]);
    expect((await register('mallory')).status).toBe(201);
    expectProblem(await register('rnallory'), 409, 'CONFLICT'); // rn looks like m
  });

  it('stores the NFKC form, and logs in by any form with the same key', async () => {
    const made = await register('Ｂｏｂｂｙ');
    expect(made.status).toBe(201);
    expect(made.body.username).toBe('Bobby');
    for (const typed of ['Bobby', 'bobby', 'ＢＯＢＢＹ', ' 𝐛𝐨𝐛𝐛𝐲 '])
      expect((await login(typed)).status, typed).toBe(200);
    // A look-alike from another script is not a way in: it is another (unknown) name.
    expectProblem(await login('b\u043Ebby'), 401, 'UNAUTHORIZED');
  });

  it('names in other scripts are names of their own', async () => {
    expect((await register('иван')).status).toBe(201);
    expect((await register('ivan')).status).toBe(201);
    expect((await register('José')).status).toBe(201);
    expect((await register('jose')).status).toBe(201);
  });

  it('two look-alikes registered at once: exactly one is made (the unique skeleton decides)', async () => {
    const answers = await Promise.all(
      ['carol', '\u0441arol', 'c\u0430rol', 'car\u043El'].map((name) => register(name)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await accounts().execute()).filter((a) => skeletonOf(a.username_key) === 'carol')).toHaveLength(1);
  });

  it('a name that breaks the rules once NFKC-normalised is a 422 naming the username', async () => {
    const answer = await register('half½');
    expectProblem(answer, 422, 'VALIDATION_FAILED');
    expect(answer.body.issues.map((i: { path: string[] }) => i.path)).toEqual([['username']]);
  });
});

describe.each(DIALECTS)('accounts made before usernames were normalised, on %s', (dialect) => {
  let database: string;
  let pg: TestDatabase | null = null;
  let api: TestServer;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    if (dialect === 'postgres') {
      pg = await createTestDatabase(inject('pgUrl'));
      database = pg.url;
    } else {
      database = join(mkdtempSync(join(tmpdir(), 'et-usernames-')), 'legacy.db');
    }
    // The database as the previous release left it: only the first server migration, keys lower-cased.
    const tracker = await Tracker.open({ database });
    await tracker.migrate();
    const db = hostDatabase(tracker, LEGACY_TABLES);
    await LEGACY_TABLES.migrate(db);
    const hash = await new PasswordHasher({ logN: 10, r: 8, p: 1 }).hash(PASSWORD);
    // In order of creation: 'Ｂｏｂ' normalises to bob's key, 'd\u0430ve' (Cyrillic а) looks like dave.
    const legacy = ['bob', 'Ｂｏｂ', 'Ｃａｒｏｌ', 'dave', 'd\u0430ve'];
    for (const [i, username] of legacy.entries()) {
      ids[username] = `acc_legacy_${i}`;
      const at = new Date(Date.UTC(2026, 0, 1 + i)).toISOString();
      await db
        .insertInto('srv_account')
        .values({
          id: ids[username],
          username,
          username_key: username.toLowerCase(),
          email: null,
          password_hash: hash,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    await tracker.close();
    // The new release starts: startServer migrates (0002–0004 run here).
    api = await startServer(dialect, { database });
  });
  afterAll(async () => {
    await api?.close();
    await pg?.drop();
    if (!pg) rmSync(dirname(database), { recursive: true, force: true });
  });

  const loginAs = async (username: string) => {
    const answer = await api.request('POST', '/auth/login', { body: { username, password: PASSWORD } });
    expect(answer.status, `${username}: ${JSON.stringify(answer.body)}`).toBe(200);
    return decodeJwt(answer.body.access_token).sub;
  };

  it('every account still logs in with what its owner typed, to its own account', async () => {
    expect(await loginAs('bob')).toBe(ids.bob);
    expect(await loginAs('Ｂｏｂ')).toBe(ids['Ｂｏｂ']); // its normalised key was bob's: it kept its old one
    expect(await loginAs('Ｃａｒｏｌ')).toBe(ids['Ｃａｒｏｌ']);
    expect(await loginAs('carol')).toBe(ids['Ｃａｒｏｌ']); // normalised: the plain form works now too
    expect(await loginAs('dave')).toBe(ids.dave);
    expect(await loginAs('d\u0430ve')).toBe(ids['d\u0430ve']);
  });

  it('new look-alikes of the old accounts are refused', async () => {
    for (const name of ['ＤＡＶＥ', 'CAROL', 'B\u043Eb', 'd\u0430v\u0435']) {
      expectProblem(
        await api.request('POST', '/auth/register', { body: { username: name, password: PASSWORD } }),
        409,
        'CONFLICT',
      );
    }
  });

  it('running the migrations again changes nothing', async () => {
    const db = hostDatabase(api.tracker, SERVER_TABLES);
    const before = await db.selectFrom('srv_account').selectAll().orderBy('id').execute();
    await SERVER_TABLES.migrate(db);
    expect(await db.selectFrom('srv_account').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
