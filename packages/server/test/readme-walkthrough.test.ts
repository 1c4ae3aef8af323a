import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './support/server.js';

const run = promisify(execFile);
const readme = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The walk-through's script, addressed to `url`. */
async function walkthrough(url: string): Promise<string> {
  const text = await readFile(readme, 'utf8');
  const match = /<!-- walkthrough -->\n```sh\n([\s\S]*?)```/.exec(text);
  expect(match).not.toBeNull();
  // Only the address changes: the test server listens on a free port.
  const script = match![1]!.replace('BASE=http://localhost:8000', `BASE=${url}`);
  expect(script).not.toBe(match![1]);
  return script;
}

/** Runs the walk-through against `api`; returns the budget status it ends with, and the expense it created. */
async function runWalkthrough(
  api: TestServer,
): Promise<{ status: Record<string, unknown>; expense: Record<string, unknown> | undefined }> {
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', await walkthrough(api.url)], { timeout: 30_000 });
  const lines = stdout.replace(/}{/g, '}\n{').trim().split('\n');
  const status = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
  const expense = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.description === 'Weekly shop');
  return { status, expense };
}

describe("the README's curl walk-through", () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer('sqlite');
  });
  afterAll(async () => {
    await api.close();
  });

  it('runs as written against a real server and ends with the budget status', async () => {
    const { status, expense } = await runWalkthrough(api);
    expect(status).toMatchObject({ spentMinor: 4250, availableMinor: 50000, state: 'ok', currency: 'USD' });
    expect(expense).toMatchObject({ amountMinor: 4250, amount: '42.50' });
  });

  // What the README promises must hold whatever day a reader tries it: the first days of a
  // month (a two-day pace must not turn the budget to warning), mid-month, and every possible
  // last day of a month.
  const DAYS = [
    '2027-01-01',
    '2027-01-02',
    '2027-01-15',
    '2027-01-28',
    '2027-01-29',
    '2027-01-30',
    '2027-01-31',
    '2027-02-28',
    '2028-02-29',
    '2027-04-30',
  ];
  it.each(DAYS)('ends with the budget ok on %s', async (day) => {
    const dated = await startServer('sqlite', { clock: { now: () => new Date(`${day}T12:00:00Z`) } });
    try {
      const { status } = await runWalkthrough(dated);
      const month = day.slice(0, 7);
      expect(status).toMatchObject({ spentMinor: 4250, availableMinor: 50000, state: 'ok', currency: 'USD' });
      expect((status.period as { start: string }).start).toBe(`${month}-01`);
      expect(status.daysElapsed).toBe(Number(day.slice(8, 10)));
    } finally {
      await dated.close();
    }
  });
});
