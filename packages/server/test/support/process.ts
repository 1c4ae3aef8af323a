import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A real server process (`src/main.ts` from source through tsx, as `multi-instance.test.ts`
 * starts it, or the built `dist/main.js` that `npm start` runs), for tests that stop its
 * database or kill it.
 */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const PROCESS_JWT_SECRET = 'fault-test-secret-that-is-at-least-32-characters';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
  /** Sends a request; JSON bodies are encoded, JSON answers decoded. */
  request(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Starts `main.ts` on a free port over `databaseUrl`; resolves once it listens. `preload`
 * names test-only modules (paths from the repository root) loaded with `--import` before
 * `main.ts`, e.g. `test/support/kill-after-commit.ts`: they change the process for a test
 * without any production code path knowing. `entry: 'dist'` runs the built
 * `packages/server/dist/main.js` over the built core instead (what `npm start` runs; build
 * it first, see `ensureBuilt` in `acceptance.ts`): tsx is then loaded only for `.ts` preloads.
 */
export async function startServerProcess(
  databaseUrl: string,
  env: Record<string, string> = {},
  preload: readonly string[] = [],
  { entry = 'source' }: { entry?: 'source' | 'dist' } = {},
): Promise<ServerProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'et-proc-'));
  const imports = preload.flatMap((path) => ['--import', pathToFileURL(join(repoRoot, path)).href]);
  const tsx = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href];
  const args =
    entry === 'dist'
      ? [
          ...(preload.some((path) => path.endsWith('.ts')) ? tsx : []),
          ...imports,
          join(repoRoot, 'packages/server/dist/main.js'),
        ]
      : ['--conditions=source', ...tsx, ...imports, join(repoRoot, 'packages/server/src/main.ts')];
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      DATA_DIR: cwd,
      JWT_SECRET: PROCESS_JWT_SECRET,
      LOG_LEVEL: 'info',
      SCRYPT_LOG_N: '12',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      rmSync(cwd, { recursive: true, force: true }); // the process's working dir, not its database
      resolve(code);
    }),
  );
  const instance: ServerProcess = {
    url: '',
    child,
    exited,
    output: () => out,
    async request(method, path, { token, body, headers = {} } = {}) {
      const response = await fetch(`${instance.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text,
      };
    },
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listening = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; url?: string })
      .find((l) => l.msg === 'listening');
    if (listening) {
      instance.url = listening.url!;
      return instance;
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Registers and logs in a user on a server process. */
export async function processUser(server: ServerProcess, username: string): Promise<{ id: string; token: string }> {
  const credentials = { username, password: 'correct horse battery staple' };
  const registered = await server.request('POST', '/auth/register', { body: credentials });
  if (registered.status !== 201) throw new Error(`register failed: ${JSON.stringify(registered.body)}`);
  const login = await server.request('POST', '/auth/login', { body: credentials });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { id: registered.body.id, token: login.body.access_token };
}

/** Polls `get` until `done` holds, or fails after `ms`. */
export async function waitFor<T>(
  what: string,
  get: () => T | Promise<T>,
  done: (value: T) => boolean,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
