import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configurePropertySeed, readPropertySeed } from '../src/testing/index.js';

/**
 * Property tests replay: every `fc.assert` runs from the run's seed (FC_SEED, or one drawn and
 * printed), and a failure names the seed and path that reproduce its counterexample.
 */

/** The values a tiny property is given, in order, under fast-check's global configuration. */
function generatedValues(): number[][] {
  const seen: number[][] = [];
  fc.assert(
    fc.property(fc.array(fc.integer(), { maxLength: 5 }), (values) => {
      seen.push(values);
    }),
    { numRuns: 20 },
  );
  return seen;
}

describe('the fast-check seed of a run', () => {
  let saved: ReturnType<typeof fc.readConfigureGlobal>;
  beforeEach(() => {
    saved = fc.readConfigureGlobal();
  });
  afterEach(() => {
    fc.resetConfigureGlobal();
    fc.configureGlobal(saved);
  });

  it('reaches every test file: fast-check’s global seed is this run’s FC_SEED', () => {
    expect(process.env.FC_SEED).toMatch(/^-?\d+$/);
    expect(fc.readConfigureGlobal().seed).toBe(Number(process.env.FC_SEED));
  });

  it('the same FC_SEED generates the same values, run after run; another seed, other values', () => {
    const run = (seed: string) => {
      fc.resetConfigureGlobal();
      expect(configurePropertySeed({ env: { FC_SEED: seed } })).toBe(Number(seed));
      return generatedValues();
    };
    const first = run('1234');
    expect(first).toHaveLength(20);
    expect(run('1234')).toEqual(first);
    expect(run('-98765')).not.toEqual(first);
  });

  it('without FC_SEED a seed is drawn, used and printed on one line that says how to replay it', () => {
    fc.resetConfigureGlobal();
    const lines: string[] = [];
    const seed = configurePropertySeed({ env: {}, log: (line) => lines.push(line) });
    expect(fc.readConfigureGlobal().seed).toBe(seed);
    expect(lines).toEqual([`fast-check seed ${seed} (replay with FC_SEED=${seed})`]);
    // Replaying that seed gives what the drawn one gave.
    const values = generatedValues();
    fc.resetConfigureGlobal();
    configurePropertySeed({ env: { FC_SEED: String(seed) }, log: (line) => lines.push(line) });
    expect(generatedValues()).toEqual(values);
    expect(lines).toHaveLength(1); // a given seed is not printed again
  });

  it('a seed already configured wins, so a second call in the same file changes nothing', () => {
    fc.resetConfigureGlobal();
    fc.configureGlobal({ seed: 42, numRuns: 7 });
    expect(configurePropertySeed({ env: { FC_SEED: '1' } })).toBe(42);
    expect(fc.readConfigureGlobal()).toMatchObject({ seed: 42, numRuns: 7 });
  });

  it('a failing property’s message names the seed and path, and they replay its counterexample', () => {
    fc.resetConfigureGlobal();
    configurePropertySeed({ env: { FC_SEED: '20261202' } });
    const property = fc.property(fc.integer(), fc.string(), (n, text) => {
      expect(n + text.length).toBeLessThan(1000);
    });
    let message = '';
    try {
      fc.assert(property);
    } catch (error) {
      message = (error as Error).message;
    }
    const found = /\{ seed: (-?\d+), path: "([\d:]+)"/.exec(message);
    expect(found, message).not.toBeNull();
    expect(Number(found![1])).toBe(20261202);
    const counterexample = /Counterexample: (.*)/.exec(message)![1];
    // fast-check's replay: the seed and path of the report, one run, the same counterexample.
    const replay = fc.check(property, { seed: Number(found![1]), path: found![2], numRuns: 1 });
    expect(replay.failed).toBe(true);
    expect(fc.stringify(replay.counterexample)).toBe(counterexample);
  });

  it('an FC_SEED that is not an integer is refused, naming the variable', () => {
    for (const bad of ['abc', '1.5', '1e3', '0x10', '99999999999999999999']) {
      expect(() => readPropertySeed({ FC_SEED: bad }), bad).toThrow(/^FC_SEED must be an integer/);
    }
    expect(readPropertySeed({ FC_SEED: ' -17 ' })).toEqual({ seed: -17, drawn: false });
    expect(readPropertySeed({ FC_SEED: '' }).drawn).toBe(true);
  });
});
