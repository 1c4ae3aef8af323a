/**
 * Every ```ts block in an `@example` of either package's sources compiles, with the
 * repository's strict settings and the packages imported by name. The convention for what an
 * example may leave undeclared is in ./support/doc-examples.ts and CONTRIBUTING.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileExamples, extractExamples, type DocExample, type DocExampleError } from './support/doc-examples.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGE_DIRS = ['packages/core', 'packages/server'];

/** The examples of every TypeScript source file of the packages (tests are not documentation). */
function sourceExamples(): DocExample[] {
  return PACKAGE_DIRS.flatMap((dir) =>
    readdirSync(join(repoRoot, dir, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts') && !path.endsWith('.test.ts'))
      .sort()
      .flatMap((path) => {
        const file = `${dir}/src/${path}`;
        return extractExamples(file, readFileSync(join(repoRoot, file), 'utf8'));
      }),
  );
}

/** Examples that must not compile, checked in the same program: proof that a broken example fails, at its line. */
const BROKEN: DocExample[] = [
  {
    file: 'broken/wrong-type.ts',
    line: 10,
    code: "const tracker = await Tracker.open({ database: ':memory:' });\nconst wrong: string = (await tracker.forOwner('x').expenses.create({ amount: '1.00' })).amountMinor;",
  },
  {
    file: 'broken/no-such-export.ts',
    line: 20,
    code: "import { openKyselyStore } from '@expense-tracker/core';\nawait openKyselyStore({ database: ':memory:' });",
  },
  { file: 'broken/undeclared.ts', line: 30, code: 'await db.destroy();' },
];

describe('the @example blocks of packages/*/src', () => {
  let examples: DocExample[];
  let errors: DocExampleError[];
  beforeAll(() => {
    examples = sourceExamples();
    errors = compileExamples(repoRoot, PACKAGE_DIRS, [...examples, ...BROKEN]);
  }, 120_000);

  it('finds the examples of both packages', () => {
    // A walk that found none would pass for the wrong reason.
    expect(examples.length).toBeGreaterThan(300);
    expect(examples.some((example) => example.file === 'packages/core/src/tracker.ts')).toBe(true);
    expect(examples.some((example) => example.file === 'packages/server/src/app.ts')).toBe(true);
  });

  it('compiles every one of them', () => {
    const found = errors.filter((error) => !error.file.startsWith('broken/'));
    expect(found.map((error) => `${error.file}:${error.line}: ${error.message}`)).toEqual([]);
  });

  it('fails a broken example with its file and line', () => {
    const found = errors.filter((error) => error.file.startsWith('broken/'));
    expect(found.map(({ file, line, message }) => `${file}:${line}: ${message.split(':')[0]}`)).toEqual([
      'broken/wrong-type.ts:11: TS2322',
      'broken/no-such-export.ts:20: TS2305',
      'broken/undeclared.ts:30: TS2304',
    ]);
  });
});
