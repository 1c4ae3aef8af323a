import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { inject } from 'vitest';
import { WebSocket } from 'ws';
import { createTestDatabase } from '../../../core/test/setup/pg-database.js';
import { startServerProcess, waitFor, type ServerProcess } from './process.js';
import type { TestDialect } from './server.js';
import { messageText } from './ws-text.js';

/**
 * Black-box acceptance tests (issues #13–#15) run what `npm start` runs — the built
 * `packages/server/dist/main.js` over the built core — as a child process configured from
 * the environment, and talk to it only over HTTP and WebSocket.
 */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The test-only preload (`kill-after-commit.ts`): `ET_TEST_CLOCK_FILE` gives the process a clock the test moves,
 * `ET_TEST_KILL_AFTER_COMMIT` kills it right after a commit. No production code reads either.
 * `ensureBuilt` compiles it to plain JavaScript: loading it through tsx would double the
 * server's start-up time (tsx then hooks every module the server loads).
 */
const PRELOAD_SOURCE = 'packages/server/test/support/kill-after-commit.ts';
const TEST_PRELOAD = 'node_modules/.cache/et-acceptance/kill-after-commit.mjs';

/** The newest modification time of the files under `dir` (recursively). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const mtime = (path: string) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** Whether both packages' `dist` is at least as new as their sources. */
function built(): boolean {
  return ['core', 'server'].every((pkg) => {
    const entry = join(repoRoot, `packages/${pkg}/dist/${pkg === 'core' ? 'index' : 'main'}.js`);
    return mtime(entry) >= newest(join(repoRoot, `packages/${pkg}/src`));
  });
}

/** Whether the process that took the build lock still runs (a lock without its pid yet is new). */
function builderAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return Date.now() - mtime(lock) < 10_000;
  }
  try {
    process.kill(pid, 0); // signal 0: only asks whether it exists
    return true;
  } catch {
    return false;
  }
}

/** Compiles the preload when its source is newer (written elsewhere, then renamed into place). */
function compilePreload(): void {
  const out = join(repoRoot, TEST_PRELOAD);
  if (mtime(out) >= mtime(join(repoRoot, PRELOAD_SOURCE))) return;
  mkdirSync(join(out, '..'), { recursive: true });
  buildSync({
    entryPoints: [join(repoRoot, PRELOAD_SOURCE)],
    outfile: `${out}.${process.pid}`,
    format: 'esm',
    logLevel: 'error',
  });
  renameSync(`${out}.${process.pid}`, out);
}

/**
 * Compiles the test preload, and runs `npm run build` when `vitest run` comes without it or after a source changed, as the
 * browser tests build the dashboard. Test files run in parallel: one builds while holding a
 * lock directory, the others wait for it and find the build fresh.
 */
export async function ensureBuilt(): Promise<void> {
  compilePreload();
  if (built()) return;
  const lock = join(repoRoot, 'node_modules/.cache/et-acceptance-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      // Another file is building (however long a loaded machine takes), or one that was
      // killed left its lock behind: that builder's process is gone.
      if (!builderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (!built()) execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The clock of server processes started with `env` (`ET_TEST_CLOCK_FILE`): a file the test rewrites. */
export interface ProcessClock {
  env: { ET_TEST_CLOCK_FILE: string };
  /** Moves every process given `env` to `instant` (from where time runs on). */
  set(instant: string): void;
  remove(): void;
}

/** A {@link ProcessClock} at `instant`. */
export function processClock(instant: string): ProcessClock {
  const dir = mkdtempSync(join(tmpdir(), 'et-clock-'));
  const path = join(dir, 'now');
  const set = (at: string) => {
    if (Number.isNaN(Date.parse(at))) throw new Error(`not an instant: ${at}`);
    writeFileSync(`${path}.next`, at); // then renamed over it: a process never reads half an instant
    renameSync(`${path}.next`, path);
  };
  set(instant);
  return { env: { ET_TEST_CLOCK_FILE: path }, set, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A database of one engine for one test file: a fresh SQLite file or PostgreSQL database. */
export interface AcceptanceDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database on `dialect` (PostgreSQL: the suite's server from `inject('pgUrl')`). */
export async function acceptanceDatabase(dialect: TestDialect): Promise<AcceptanceDatabase> {
  if (dialect === 'postgres') return createTestDatabase(inject('pgUrl'));
  const dir = mkdtempSync(join(tmpdir(), 'et-accept-'));
  return { url: `sqlite:${join(dir, 'tracker.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The built server (`dist/main.js`, as `npm start` runs it) over `database`, with the test
 * preload, so `env` may set `ET_TEST_CLOCK_FILE` or `ET_TEST_KILL_AFTER_COMMIT`.
 */
export function startBuiltServer(
  database: AcceptanceDatabase,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  return startServerProcess(database.url, env, [TEST_PRELOAD], { entry: 'dist' });
}

/** Stops a server with SIGTERM (a clean shutdown) and waits for it; a killed one is left as it is. */
export async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  await server.exited;
}

/** Logs in an account registered earlier (on this or another process over the same database). */
export async function login(server: ServerProcess, username: string): Promise<string> {
  const res = await server.request('POST', '/auth/login', {
    body: { username, password: 'correct horse battery staple' },
  });
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

/** A message of the notification socket. */
export interface SocketMessage {
  type: string;
  seq?: number;
  data: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A connected notification socket that keeps every message it gets. */
export interface Listener {
  messages: SocketMessage[];
  /** Waits for the first kept message `match` accepts. */
  next(match: (message: SocketMessage) => boolean, ms?: number): Promise<SocketMessage>;
  close(): void;
}

/**
 * Opens `/ws/notifications` on `server` as `token`'s owner and waits until it is live (it has
 * received an event of a probe expense, which is then deleted again so it counts in no total).
 */
export async function listen(server: ServerProcess, token: string): Promise<Listener> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/notifications?token=${token}`);
  const messages: SocketMessage[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(messageText(data)) as SocketMessage));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const next = (match: (message: SocketMessage) => boolean, ms = 10_000) =>
    waitFor(
      'a socket message',
      () => messages.find(match),
      (m) => m !== undefined,
      ms,
    ) as Promise<SocketMessage>;
  const probe = await server.request('POST', '/expenses', { token, body: { amount: '0.01', description: 'probe' } });
  if (probe.status !== 201) throw new Error(`probe failed: ${JSON.stringify(probe.body)}`);
  await next((m) => m.type === 'expense.created' && m.data.expense.id === probe.body.id);
  await server.request('DELETE', `/expenses/${probe.body.id}`, { token });
  await next((m) => m.type === 'expense.deleted' && m.data.expense.id === probe.body.id);
  return { messages, next, close: () => socket.terminate() };
}
