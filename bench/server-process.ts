/**
 * The built server (`packages/server/dist/main.js`, as deployed) as a child process for the
 * load benchmarks: a free port, its own working directory, the environment it reads, and
 * small HTTP helpers. Build it first (`npm run build`; the bench:* scripts do).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './lib.js';

export const JWT_SECRET = 'bench-secret-that-is-at-least-32-characters-long';
export const PASSWORD = 'correct horse battery staple';

/** A running server process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The child's pid, for reading its CPU time. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node packages/server/dist/main.js` with `LOG_LEVEL=silent` on a free port over
 * `databaseUrl` (`null`: a SQLite file in a temporary directory); resolves once `/health` answers.
 * `nodeArgs` go to node before the script (e.g. `--cpu-prof` to profile the server under load).
 */
export async function startServerProcess(options: {
  databaseUrl: string | null;
  /** The checkout whose build to start (another worktree, for `bench:ab`); this one by default. */
  root?: string;
  scryptLogN?: number;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const main = join(options.root ?? repoRoot, 'packages/server/dist/main.js');
  if (!existsSync(main)) throw new Error('packages/server/dist/main.js is missing: run `npm run build` first');
  const cwd = mkdtempSync(join(tmpdir(), 'et-bench-server-'));
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), main], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl ?? `sqlite:${join(cwd, 'bench.db')}`,
      JWT_SECRET,
      LOG_LEVEL: 'silent',
      SCRYPT_LOG_N: String(options.scryptLogN ?? 12),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited during start:\n${out}`);
    }
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /health within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, child, pid: child.pid!, output: () => out, stop };
}

/** Sends a request; JSON bodies are encoded, JSON answers decoded; throws on an unexpected status. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; expect?: number } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of any route
): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const expected = options.expect ?? (method === 'POST' ? 201 : 200);
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Registers and logs in a user; their account id and access token. */
export async function registerAndLogin(url: string, username: string): Promise<{ id: string; token: string }> {
  const registered = await call(url, 'POST', '/auth/register', { body: { username, password: PASSWORD } });
  const login = await call(url, 'POST', '/auth/login', { body: { username, password: PASSWORD }, expect: 200 });
  return { id: registered.id as string, token: login.access_token as string };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 elsewhere. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine so far, from /proc/stat (Linux). */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** The p-th percentile (0–100) of numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The fraction (0–1) of the machine's CPU busy over the next `ms`. */
export async function busyFraction(ms = 1000): Promise<number> {
  const a = machineCpu();
  await new Promise((r) => setTimeout(r, ms));
  const b = machineCpu();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/**
 * Waits (up to `maxMs`) until the machine is mostly idle, since other work on a 2-core machine
 * skews every figure; returns the busy fraction last seen, for the results.
 */
export async function waitForQuietMachine(maxMs = 45_000, threshold = 0.2): Promise<number> {
  const deadline = Date.now() + maxMs;
  let busy = await busyFraction();
  while (busy > threshold && Date.now() < deadline) {
    console.log(`waiting for a quieter machine: ${Math.round(busy * 100)} % busy`);
    busy = await busyFraction(2000);
  }
  return busy;
}

/**
 * Accounts CPU during a measurement: the machine's busy share and how much of it the
 * benchmark's own process and the given server processes used (the rest is PostgreSQL and
 * anything else running on the machine).
 */
export function cpuMeter(pids: () => number[]): { stop(): { machineBusy: number; ours: number; cores: number } } {
  const startMachine = machineCpu();
  const startSelf = process.cpuUsage();
  const startChildren = new Map(pids().map((pid) => [pid, cpuSeconds(pid)]));
  return {
    stop() {
      const end = machineCpu();
      const self = process.cpuUsage(startSelf);
      let ours = (self.user + self.system) / 1e6;
      for (const [pid, start] of startChildren) ours += cpuSeconds(pid) - start;
      const total = end.total - startMachine.total;
      return {
        machineBusy: total > 0 ? (end.busy - startMachine.busy) / total : 0,
        ours: total > 0 ? ours / total : 0,
        cores: total,
      };
    },
  };
}
