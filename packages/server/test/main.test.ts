import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the server's main from source with `env`, in a temp working directory. */
function startMain(env: Record<string, string>) {
  const cwd = mkdtempSync(join(tmpdir(), 'et-main-'));
  dirs.push(cwd);
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href,
      join(repoRoot, 'packages/server/src/main.ts'),
    ],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'info',
        SCRYPT_LOG_N: '12',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = async (msg: string, timeoutMs = 20_000): Promise<Record<string, unknown>> => {
    const start = Date.now();
    for (;;) {
      const found = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.msg === msg);
      if (found) return found;
      if (Date.now() - start > timeoutMs) throw new Error(`no "${msg}" log line; stdout: ${stdout}\nstderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, cwd, exited, line, output: () => ({ stdout, stderr }) };
}

describe('the server process', () => {
  it('starts from the environment, logs structured JSON with request ids, and stops cleanly on SIGTERM', async () => {
    const run = startMain({ PORT: '0', DATABASE_URL: 'sqlite:./data/expense-tracker.db' });
    const listening = await run.line('listening');
    const url = String(listening.url);
    const health = await fetch(`${url}/health`, { headers: { 'x-request-id': 'req-123' } });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBe('req-123');
    const logged = await run.line('request');
    expect(logged).toMatchObject({ requestId: 'req-123', method: 'GET', path: '/health', status: 200 });
    // The SQLite file and the generated development secret are in ./data.
    expect(statSync(join(run.cwd, 'data/expense-tracker.db')).isFile()).toBe(true);
    expect(readFileSync(join(run.cwd, 'data/jwt-secret'), 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await run.line('stopped');
  }, 60_000);

  it('fails fast on bad configuration, naming the variable', async () => {
    const badPort = startMain({ PORT: 'eighty' });
    expect(await badPort.exited).toBe(1);
    expect(badPort.output().stderr).toMatch(/PORT/);
    const production = startMain({ NODE_ENV: 'production', PORT: '0' });
    expect(await production.exited).toBe(1);
    expect(production.output().stderr).toMatch(/JWT_SECRET is required in production/);
    const shortKey = startMain({ PORT: '0', WEBHOOK_ENCRYPTION_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` });
    expect(await shortKey.exited).toBe(1);
    expect(shortKey.output().stderr).toMatch(/WEBHOOK_ENCRYPTION_KEYS must be comma-separated id:key pairs/);
  }, 60_000);

  it('accepts the seed’s JWT_SECRET_KEY in production', async () => {
    const run = startMain({
      NODE_ENV: 'production',
      PORT: '0',
      JWT_SECRET_KEY: 'a-production-secret-of-at-least-32-chars!',
      DATABASE_URL: 'sqlite::memory:',
    });
    await run.line('listening');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  }, 60_000);
});
