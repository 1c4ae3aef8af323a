/**
 * "npm pack works for a consumer": builds core, packs it, installs the tarball into an empty
 * project outside the repository, and uses it from JavaScript and TypeScript the way an app
 * that found it on the registry would.
 */
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const coreDir = join(repoRoot, 'packages', 'core');
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('npm pack', () => {
  it('gives a tarball a fresh project can install, import, run and typecheck against', async () => {
    await run('npm', ['run', 'build', '-w', '@expense-tracker/core'], { cwd: repoRoot });

    const packDir = await tempDir('et-pack-');
    const packed = await run('npm', ['pack', '--pack-destination', packDir, '--json', '--ignore-scripts'], { cwd: coreDir });
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const files = info.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts']));
    expect(files.filter((path) => /^test\//.test(path))).toEqual([]);
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
    await run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefix', consumer], consumerOptions(consumer));
    expect(lstatSync(join(consumer, 'node_modules', '@expense-tracker', 'core')).isSymbolicLink()).toBe(false);

    await writeFile(
      join(consumer, 'check.mjs'),
      [
        "import { join } from 'node:path';",
        "import { Tracker } from '@expense-tracker/core';",
        "const tracker = await Tracker.open({ database: join(process.cwd(), 'check.db') });",
        'await tracker.migrate();',
        "const owner = tracker.forOwner('consumer');",
        "const created = await owner.expenses.create({ amount: '19.99', description: 'Packed' });",
        'const read = await owner.expenses.get(created.id);',
        'await tracker.close();',
        'console.log(JSON.stringify(read));',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, ['check.mjs'], consumerOptions(consumer));
    const expense = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(expense).toMatchObject({ amountMinor: 1999, amount: '19.99', currency: 'USD', description: 'Packed' });

    await writeFile(
      join(consumer, 'check.ts'),
      [
        "import { Tracker, isTrackerError, type Expense, type ErrorCode } from '@expense-tracker/core';",
        "const tracker: Tracker = await Tracker.open({ database: ':memory:' });",
        'await tracker.migrate();',
        "const expense: Expense = await tracker.forOwner('consumer').expenses.create({ amount: '19.99' });",
        'const minor: number = expense.amountMinor;',
        "const code: ErrorCode = 'NOT_FOUND';",
        'console.log(minor, code, isTrackerError(null));',
        'await tracker.close();',
      ].join('\n'),
    );
    // A deliberate type error: it only fails to compile if the package's types really resolve
    // (were they `any`, the assignment would pass).
    await writeFile(
      join(consumer, 'wrong.ts'),
      [
        "import { Tracker } from '@expense-tracker/core';",
        "const tracker = await Tracker.open({ database: ':memory:' });",
        "const expense = await tracker.forOwner('consumer').expenses.create({ amount: '19.99' });",
        'const wrong: string = expense.amountMinor;',
        'console.log(wrong);',
      ].join('\n'),
    );
    const typecheck = (file: string, skipLibCheck: boolean) =>
      run(process.execPath, [tsc, ...tscFlags(skipLibCheck), file], consumerOptions(consumer));

    // The consumer as it is: only the package and what it depends on.
    await typecheck('check.ts', true);
    const failure = await typecheck('wrong.ts', true).then(
      () => new Error('tsc accepted wrong.ts'),
      (error: unknown) => error as Error,
    );
    expect(failure.message).toMatch(/wrong\.ts\(4,7\): error TS2322: Type 'number' is not assignable to type 'string'/);

    // Our own .d.ts checked in full too, driver types included (core depends on them).
    await typecheck('check.ts', false);
  }, 300_000);
});

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
    '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022',
    '--skipLibCheck', String(skipLibCheck),
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
