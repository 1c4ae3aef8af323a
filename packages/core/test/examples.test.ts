import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('examples', () => {
  it('the README quickstart runs and prints exact amounts, the total and the change feed', async () => {
    // execFile rejects on a non-zero exit code, so reaching the assertions means it exited 0.
    const { stdout } = await run('npm', ['run', '--silent', 'example:quickstart'], {
      cwd: repoRoot,
      timeout: 55_000,
    });

    expect(stdout).toContain('event #2: expense.created 12.50 USD');
    expect(stdout).toContain('event #4: expense.created 45.00 USD');
    // The filtered listing: only the two Food expenses, newest first.
    expect(stdout).toMatch(/2026-11-03 {2}3\.99 USD {2}coffee\n2026-11-02 {2}12\.50 USD {2}Lunch\n/);
    expect(stdout).not.toContain('Train ticket');
    expect(stdout).toContain('Food total: 16.49 USD (1649 cents)');
    expect(stdout).toContain(
      'changes: 1:category.created 2:expense.created 3:expense.created 4:expense.created (lastSeq 4)',
    );
  }, 60_000);

  it('the budgets example fires the 80 % alert once and prints the status, forecast, months and a neutralised CSV', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'example:budgets'], { cwd: repoRoot, timeout: 55_000 });
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'ALERT Groceries: 80 % of 400.00 EUR spent (375.50 EUR), 4 days left',
      '2026-10-25..2026-11-24: 375.50 EUR of 400.00 EUR (93.88 %), warning',
      'forecast 415.73 EUR, over budget on 2026-11-23, 6.12 EUR a day left',
      '2026-10: 120.40 EUR',
      '2026-11: 255.10 EUR',
    ]);
    expect(lines[5]).toBe(
      'id,date,amount,currency,category,categoryId,description,merchant,tags,notes,createdAt,updatedAt,kind\r',
    );
    expect(lines.slice(6).map((line) => line.split(',').slice(1, 5).join(','))).toEqual([
      '2026-11-18,110.00,EUR,Groceries',
      '2026-11-20,50.00,EUR,Groceries',
    ]);
    expect(lines[6]).toContain(",'=Deli,");
    expect(stdout.match(/ALERT/g)).toHaveLength(1);
  }, 60_000);

  /** Runs `npm run example:<name>` (it must exit 0) and returns its output lines. */
  async function example(name: string, ...args: string[]): Promise<string[]> {
    const { stdout } = await run(
      'npm',
      ['run', '--silent', `example:${name}`, ...(args.length ? ['--', ...args] : [])],
      {
        cwd: repoRoot,
        timeout: 55_000,
      },
    );
    return stdout.trimEnd().split('\n');
  }

  it('embed-sqlite keeps expenses in a SQLite file that a new tracker reopens, and lists and summarises them', async () => {
    expect(await example('embed-sqlite')).toEqual([
      '2026-11-19    61.05 USD  Market',
      '2026-11-12     8.15 USD  Lunch',
      '2026-11-04    23.40 USD  Corner shop',
      '2026-11-01   950.00 USD  November rent',
      '2026-11-01..2026-11-30: 1042.60 USD in 4 expenses, 34.75 a day',
      '  Rent: 950.00 (91.12 %)',
      '  Food: 92.60 (8.88 %)',
      'after reopening expenses.db: 4 expenses',
    ]);
  }, 60_000);

  it('alerts-in-process prints each alert once with the webhook request it would send', async () => {
    const lines = await example('alerts-in-process');
    expect(lines.filter((line) => line.startsWith('alert #'))).toEqual([
      'alert #4 for carol: Eating out: on course to spend 100 % of 200.00 USD by 2026-11-30 (forecast 315.00 USD), 21 days left',
      'alert #6 for carol: Eating out: 80 % of 200.00 USD spent (175.00 USD), 21 days left',
      'alert #8 for carol: Eating out: 100 % of 200.00 USD spent (215.00 USD), 21 days left',
    ]);
    const requests = lines.filter((line) => line.startsWith('  would POST https://hooks.example.com/expense-alerts '));
    expect(requests).toHaveLength(3);
    expect(JSON.parse(requests[1]!.slice(requests[1]!.indexOf('{')))).toEqual({
      text: 'Eating out: 80 % of 200.00 USD spent (175.00 USD), 21 days left',
      owner: 'carol',
      budget: 'Eating out',
      threshold: 80,
      spent: '175.00',
      currency: 'USD',
    });
    expect(lines.at(-1)).toBe('3 unread notifications: spent 100 %, spent 80 %, forecast 100 %');
  }, 60_000);

  it('mount-in-koa serves the API under /api with the host deciding the owner', async () => {
    expect(await example('mount-in-koa')).toEqual([
      'POST /api/expenses as alice: 201 12.50 USD Team lunch',
      'GET /api/expenses as bob: 200, 0 expenses',
      'GET /api/expenses without a key: 401',
      "alice's ledger in core: 12.50 Team lunch",
    ]);
  }, 60_000);

  it('client logs in over HTTP and receives the alert on the WebSocket', async () => {
    expect(await example('client')).toEqual([
      'logged in as dana',
      'ws: #1 budget.created',
      'ws: #2 expense.created',
      'ws: #3 alert.triggered',
      'ws: Fun: 80 % of 100.00 EUR spent (85.00 EUR), 10 days left',
      'status: 85 % used, warning',
    ]);
  }, 60_000);

  it('import-csv imports the sample, reporting rejected rows by line and reason', async () => {
    expect(await example('import-csv')).toEqual([
      'imported 25/30',
      'done: 25 imported, 5 rejected',
      '  line 11: amount: 45.123 has 3 decimals but EUR allows 2',
      '  line 14: amount: An amount is required (amount or amountMinor)',
      '  line 19: currency: Expected an ISO 4217 currency code such as USD, EUR or JPY',
      '  line 23: date: Expected a calendar date written YYYY-MM-DD',
      '  line 27: amount: "twelve" is not a decimal amount such as 12.50',
      '2026-10: 1328.14 EUR, 2400 JPY',
      '2026-11: 1192.95 EUR',
    ]);
  }, 60_000);

  it('import-csv takes a path and imports a larger file in batches of 500 with progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-csv-'));
    try {
      const rows = Array.from(
        { length: 1200 },
        (_, i) => `2026-11-${String((i % 28) + 1).padStart(2, '0')},1.00,EUR,Cat${i % 3},row ${i},,`,
      );
      rows[700] = '2026-11-01,1.999,EUR,,bad,,';
      await writeFile(
        join(dir, 'big.csv'),
        ['date,amount,currency,category,description,merchant,tags', ...rows, ''].join('\n'),
      );
      expect(await example('import-csv', join(dir, 'big.csv'))).toEqual([
        'imported 500/1200',
        'imported 999/1200',
        'imported 1199/1200',
        'done: 1199 imported, 1 rejected',
        '  line 702: amount: 1.999 has 3 decimals but EUR allows 2',
        '2026-11: 1199.00 EUR',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.each(['quickstart', 'budgets'])('the README shows examples/%s.ts exactly', async (name) => {
    const source = await readFile(`${repoRoot}examples/${name}.ts`, 'utf8');
    const readme = await readFile(`${repoRoot}README.md`, 'utf8');
    // The file's first line only says how to run it; the README says that in prose.
    const code = source.split('\n').slice(1).join('\n');
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``);
  });
});
