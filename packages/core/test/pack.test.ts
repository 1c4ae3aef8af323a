/**
 * "npm pack works for a consumer": builds core, packs it, installs the tarball into an empty
 * project outside the repository with the peer dependencies a consumer installs (at the lowest
 * versions core's ranges allow, so the ranges are true), and uses every entry point from
 * JavaScript and TypeScript the way an app that found it on the registry would: first on SQLite
 * without `pg` installed, then on PostgreSQL once it is.
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './setup/pg-database.js';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const coreDir = join(repoRoot, 'packages', 'core');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const tempDirs: string[] = [];
let pgDatabase: TestDatabase | undefined;

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  await pgDatabase?.drop();
});

describe('npm pack', () => {
  it('gives a tarball a fresh project can install with its peers, import from every entry, run on each engine and typecheck against', async () => {
    await run('npm', ['run', 'build', '-w', '@expense-tracker/core'], { cwd: repoRoot });

    const packDir = await tempDir('et-pack-');
    const packed = await run('npm', ['pack', '--pack-destination', packDir, '--json', '--ignore-scripts'], {
      cwd: coreDir,
    });
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/store/index.d.ts',
        'dist/kysely/index.js',
      ]),
    );
    expect(files.filter((path) => path.startsWith('test/'))).toEqual([]);
    expect(files).toContain('src/index.ts'); // for source maps and the `source` condition
    // Every entry point whose source exists is shipped built, under each condition a consumer resolves.
    for (const path of shippedExportTargets()) expect(files).toContain(path);

    const consumer = await tempDir('et-consumer-');
    expect(relative(repoRoot, consumer).startsWith('..')).toBe(true);
    await writeFile(
      join(consumer, 'package.json'),
      // npm 11 asks the project to allow install scripts; better-sqlite3 compiles its addon in one.
      JSON.stringify({ type: 'module', private: true, allowScripts: { 'better-sqlite3': true } }),
    );
    const tarball = join(packDir, info.filename);
    // What a SQLite app installs (the README's install section): the package, its required peers
    // and SQLite's driver, with the driver types core's own types name (for a full typecheck).
    const sqlitePeers = lowestPeers(['kysely', 'zod', 'better-sqlite3', '@types/better-sqlite3', '@types/pg']);
    await run(
      'npm',
      ['install', tarball, ...sqlitePeers, '--no-audit', '--no-fund', '--prefix', consumer],
      consumerOptions(consumer),
    );
    expect(lstatSync(join(consumer, 'node_modules', '@expense-tracker', 'core')).isSymbolicLink()).toBe(false);
    expect(existsSync(join(consumer, 'node_modules', 'pg'))).toBe(false);

    await writeFile(
      join(consumer, 'check.mjs'),
      [
        "import { join } from 'node:path';",
        "import { Tracker } from '@expense-tracker/core';",
        "import { defineHostTables, hostDatabase, openKyselyStore } from '@expense-tracker/core/kysely';",
        "import { toStoreError } from '@expense-tracker/core/store';",
        "const tracker = await Tracker.open({ database: join(process.cwd(), 'check.db') });",
        'await tracker.migrate();',
        "const owner = tracker.forOwner('consumer');",
        "const created = await owner.expenses.create({ amount: '19.99', description: 'Packed' });",
        'const read = await owner.expenses.get(created.id);',
        "const notes = defineHostTables({ prefix: 'app_', migrations: { '0001': { up: (db) => db.schema.createTable('app_note').addColumn('id', 'text').execute() } } });",
        'const db = hostDatabase(tracker, notes);',
        'await notes.migrate(db);',
        "await db.insertInto('app_note').values({ id: 'n1' }).execute();",
        "const notesRead = await db.selectFrom('app_note').selectAll().execute();",
        'await tracker.close();',
        "const store = await openKyselyStore({ database: ':memory:' });",
        'await store.close();',
        // pg is not installed: opening PostgreSQL says which package to install.
        "const missing = await Tracker.open({ database: 'postgres://localhost/none' }).then(() => null, (error) => ({ code: error.code, message: error.message }));",
        "console.log(JSON.stringify({ read, notes: notesRead, missing, wrapped: toStoreError(new Error('x')).code }));",
      ].join('\n'),
    );
    const sqliteRun = lastJsonLine((await run(process.execPath, ['check.mjs'], consumerOptions(consumer))).stdout);
    expect(sqliteRun.read).toMatchObject({
      amountMinor: 1999,
      amount: '19.99',
      currency: 'USD',
      description: 'Packed',
    });
    expect(sqliteRun.notes).toEqual([{ id: 'n1' }]);
    expect(sqliteRun.missing).toEqual({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('`npm install pg`'),
    });
    expect(sqliteRun.wrapped).toBe('STORE_FAILED');

    // A PostgreSQL app installs pg too, and nothing else changes.
    await run(
      'npm',
      ['install', ...lowestPeers(['pg']), '--no-audit', '--no-fund', '--prefix', consumer],
      consumerOptions(consumer),
    );
    pgDatabase = await createTestDatabase(inject('pgUrl'));
    await writeFile(
      join(consumer, 'check-pg.mjs'),
      [
        "import { Tracker } from '@expense-tracker/core';",
        'const tracker = await Tracker.open({ database: process.env.PG_URL });',
        'await tracker.migrate();',
        "const created = await tracker.forOwner('consumer').expenses.create({ amount: '5.10', currency: 'EUR' });",
        "const read = await tracker.forOwner('consumer').expenses.get(created.id);",
        'await tracker.ping();',
        'await tracker.close();',
        'console.log(JSON.stringify({ read }));',
      ].join('\n'),
    );
    const pgOptions = consumerOptions(consumer);
    const pgRun = lastJsonLine(
      (
        await run(process.execPath, ['check-pg.mjs'], {
          ...pgOptions,
          env: { ...pgOptions.env, PG_URL: pgDatabase.url },
        })
      ).stdout,
    );
    expect(pgRun.read).toMatchObject({ amountMinor: 510, amount: '5.10', currency: 'EUR' });

    await writeFile(
      join(consumer, 'check.ts'),
      [
        "import { Tracker, isTrackerError, type Expense, type ErrorCode } from '@expense-tracker/core';",
        "import { defineHostTables, hostDatabase, openKyselyStore, type KyselyStore } from '@expense-tracker/core/kysely';",
        "import type { Store } from '@expense-tracker/core/store';",
        "const store: KyselyStore = await openKyselyStore({ database: ':memory:' });",
        'const bundled: Store = store;',
        'const tracker: Tracker = await Tracker.open({ store: bundled });',
        'await tracker.migrate();',
        "const expense: Expense = await tracker.forOwner('consumer').expenses.create({ amount: '19.99' });",
        'const minor: number = expense.amountMinor;',
        "const code: ErrorCode = 'NOT_FOUND';",
        'interface Notes { app_note: { id: string; text: string } }',
        "const notes = defineHostTables<Notes>({ prefix: 'app_', migrations: {} });",
        "const rows: { id: string; text: string }[] = await hostDatabase(tracker, notes).selectFrom('app_note').selectAll().execute();",
        'console.log(minor, code, rows, isTrackerError(null));',
        'await tracker.close();',
      ].join('\n'),
    );
    // Deliberate type errors: they only fail to compile if the package's types really resolve
    // (were they `any`, each line would pass). The tracker has no way to its store, and a host's
    // handle has only the host's tables.
    await writeFile(
      join(consumer, 'wrong.ts'),
      [
        "import { Tracker } from '@expense-tracker/core';",
        "import { defineHostTables, hostDatabase } from '@expense-tracker/core/kysely';",
        "const tracker = await Tracker.open({ database: ':memory:' });",
        "const expense = await tracker.forOwner('consumer').expenses.create({ amount: '19.99' });",
        'const wrong: string = expense.amountMinor;',
        'console.log(wrong, tracker.store);',
        "const notes = defineHostTables<{ app_note: { id: string } }>({ prefix: 'app_', migrations: {} });",
        "await hostDatabase(tracker, notes).selectFrom('et_expense').selectAll().execute();",
      ].join('\n'),
    );
    const typecheck = (file: string, skipLibCheck: boolean) =>
      run(process.execPath, [tsc, ...tscFlags(skipLibCheck), file], consumerOptions(consumer));

    // The consumer as it is: only the package and what it installed.
    await typecheck('check.ts', true);
    const failure = await typecheck('wrong.ts', true).then(
      () => new Error('tsc accepted wrong.ts'),
      (error: unknown) => error as Error,
    );
    expect(failure.message).toMatch(/wrong\.ts\(5,7\): error TS2322: Type 'number' is not assignable to type 'string'/);
    expect(failure.message).toMatch(
      /wrong\.ts\(6,28\): error TS2339: Property 'store' does not exist on type 'Tracker'/,
    );
    expect(failure.message).toMatch(
      /wrong\.ts\(8,47\): error TS2345: Argument of type '"et_expense"' is not assignable/,
    );

    // Our own .d.ts checked in full too, with the driver types they name.
    await typecheck('check.ts', false);
  }, 900_000); // ~230 s alone; up to 360 s seen while other suites ran on the same 2 cores
});

/** `name@version` for each peer: the lowest version its range in core's package.json allows. */
function lowestPeers(names: string[]): string[] {
  const manifest = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as {
    peerDependencies: Record<string, string>;
  };
  return names.map((name) => {
    const range = manifest.peerDependencies[name];
    const lowest = range?.match(/^\^(\d+\.\d+\.\d+)/)?.[1];
    if (!lowest) throw new Error(`core's peer range for ${name} (${range}) does not start with ^x.y.z`);
    return `${name}@${lowest}`;
  });
}

/** The JSON object a check script printed last. */
function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
}

/** The files the package's `exports` point at, outside the workspace-only `source` condition, for entries whose source exists. */
function shippedExportTargets(): string[] {
  const manifest = JSON.parse(readFileSync(join(coreDir, 'package.json'), 'utf8')) as {
    exports: Record<string, Record<string, string>>;
  };
  return Object.values(manifest.exports)
    .filter((conditions) => conditions.source === undefined || existsSync(join(coreDir, conditions.source)))
    .flatMap((conditions) => Object.entries(conditions).filter(([condition]) => condition !== 'source'))
    .map(([, target]) => target.replace(/^\.\//, ''));
}

function tscFlags(skipLibCheck: boolean): string[] {
  return [
    '--noEmit',
    '--strict',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--target',
    'es2022',
    '--skipLibCheck',
    String(skipLibCheck),
  ];
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Runs in the consumer's directory with the npm variables of the surrounding `npm test`
 * removed, so nothing points npm back at the repository (`npm_config_local_prefix` would).
 */
function consumerOptions(cwd: string): { cwd: string; env: NodeJS.ProcessEnv } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^npm_(package_|lifecycle_|config_(local_prefix|prefix|workspaces?|include_workspace_root)$)/i.test(name) &&
        name !== 'INIT_CWD',
    ),
  );
  return { cwd, env };
}

/** execFile that fails with the command's output in the message. */
async function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  try {
    return await execFileAsync(file, args, { ...options, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${[file, ...args].join(' ')} failed in ${options.cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}
