import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

const run = promisify(execFile);
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));

describe("the README's curl walk-through", () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer('sqlite');
  });
  afterAll(async () => {
    await api.close();
  });

  it('runs as written against a real server and ends with the budget status', async () => {
    const text = await readFile(readme, 'utf8');
    const match = /<!-- walkthrough -->\n```sh\n([\s\S]*?)```/.exec(text);
    expect(match).not.toBeNull();
    // Only the address changes: the test server listens on a free port.
    const script = match![1]!.replace('BASE=http://localhost:8000', `BASE=${api.url}`);
    expect(script).not.toBe(match![1]);
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { timeout: 30_000 });
    const lines = stdout.replace(/}{/g, '}\n{').trim().split('\n');
    const status = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    expect(status).toMatchObject({ spentMinor: 4250, availableMinor: 50000, state: 'ok', currency: 'USD' });
    const expense = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.description === 'Weekly shop');
    expect(expense).toMatchObject({ amountMinor: 4250, amount: '42.50' });
  });
});
