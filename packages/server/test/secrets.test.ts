import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('secrets', () => {
  it('no private key, cloud credential or .env file is committed', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.filter((f) => /(^|\/)\.env$|\.pem$|\.key$|id_rsa/.test(f))).toEqual([]);
    const patterns = [
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      /AKIA[0-9A-Z]{16}/,
      /xox[baprs]-[0-9A-Za-z-]{10,}/,
      /ghp_[0-9A-Za-z]{36}/,
    ];
    const offenders = files
      .filter((f) => !/package-lock\.json$|\.png$/.test(f))
      .filter((f) => {
        const text = readFileSync(join(repoRoot, f), 'utf8');
        return patterns.some((p) => p.test(text));
      });
    expect(offenders).toEqual([]);
  });

  it('the server never writes the JWT secret, passwords or tokens to its logs', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'et-secrets-'));
    dirs.push(cwd);
    const secret = 'a-very-recognisable-jwt-secret-0123456789';
    const password = 'my-recognisable-password-42';
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
          PORT: '0',
          LOG_LEVEL: 'trace',
          SCRYPT_LOG_N: '12',
          JWT_SECRET: secret,
          DATABASE_URL: 'sqlite::memory:',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const start = Date.now();
      while (!logs.includes('"msg":"listening"')) {
        if (Date.now() - start > 20_000) throw new Error(`server did not start: ${logs}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = String((JSON.parse(logs.split('\n').find((l) => l.includes('"listening"'))!) as { url: string }).url);
      const post = (path: string, body: unknown, token?: string) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      expect((await post('/auth/register', { username: 'carol', password })).status).toBe(201);
      const pair = (await (await post('/auth/login', { username: 'carol', password })).json()) as {
        access_token: string;
        refresh_token: string;
      };
      await post('/auth/login', { username: 'carol', password: 'wrong-password-here' });
      await post('/expenses', { amount: '1' }, pair.access_token);
      await fetch(`${url}/expenses?token=${pair.access_token}`);
      await post('/auth/refresh', { refresh_token: pair.refresh_token });
      await new Promise((r) => setTimeout(r, 200));
      expect(logs).toMatch(/"msg":"request"/);
      for (const value of [secret, password, 'wrong-password-here', pair.access_token, pair.refresh_token])
        expect(logs).not.toContain(value);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
