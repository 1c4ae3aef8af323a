import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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
    expect(lines[5]).toBe('id,date,amount,currency,category,categoryId,description,merchant,tags,notes,createdAt,updatedAt\r');
    expect(lines.slice(6).map((line) => line.split(',').slice(1, 5).join(','))).toEqual([
      '2026-11-18,110.00,EUR,Groceries',
      '2026-11-20,50.00,EUR,Groceries',
    ]);
    expect(lines[6]).toContain(",'=Deli,");
    expect(stdout.match(/ALERT/g)).toHaveLength(1);
  }, 60_000);

  it.each(['quickstart', 'budgets'])('the README shows examples/%s.ts exactly', async (name) => {
    const source = await readFile(`${repoRoot}examples/${name}.ts`, 'utf8');
    const readme = await readFile(`${repoRoot}README.md`, 'utf8');
    // The file's first line only says how to run it; the README says that in prose.
    const code = source.split('\n').slice(1).join('\n');
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``);
  });
});
