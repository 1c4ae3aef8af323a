import { randomInt } from 'node:crypto';
import fc from 'fast-check';

/**
 * The seed of a property-test run: `FC_SEED` when set (an integer, as a failing run printed
 * it), otherwise one drawn at random. `drawn` says which.
 *
 * @throws Error when `FC_SEED` is set but is not an integer.
 *
 * @example
 * ```ts
 * import { readPropertySeed } from '@expense-tracker/core/testing';
 *
 * readPropertySeed({ FC_SEED: '-1418472943' }); // { seed: -1418472943, drawn: false }
 * readPropertySeed({}); // { seed: <a random 32-bit integer>, drawn: true }
 * ```
 */
export function readPropertySeed(env: Record<string, string | undefined> = process.env): {
  seed: number;
  drawn: boolean;
} {
  const given = env.FC_SEED?.trim();
  if (given === undefined || given === '') return { seed: randomInt(-(2 ** 31), 2 ** 31), drawn: true };
  const seed = Number(given);
  if (!/^-?\d+$/.test(given) || !Number.isSafeInteger(seed)) {
    throw new Error(`FC_SEED must be an integer (the seed a failing run printed), not ${JSON.stringify(given)}`);
  }
  return { seed, drawn: false };
}

/**
 * Makes every fast-check property in this test file (every `fc.assert` that passes no `seed`
 * of its own) run from one seed, so that a failure seen anywhere can be replayed:
 * `FC_SEED=<seed> npx vitest run <file>` generates the same values again. The seed is
 * `FC_SEED` when set; otherwise one is drawn and printed (`log`, one line). A seed already
 * configured globally wins, so calling it twice in a file changes nothing. A failing property's
 * message names the seed and the `path` of its counterexample (fast-check's own report).
 * The store conformance suite calls it; call it at the top of any other property-test file,
 * or from a vitest `setupFiles` entry.
 *
 * @returns the seed in use
 * @throws Error when `FC_SEED` is set but is not an integer.
 *
 * @example
 * ```ts
 * // test/setup/fast-check-seed.ts, listed in vitest's `test.setupFiles`
 * import { configurePropertySeed } from '@expense-tracker/core/testing';
 *
 * configurePropertySeed(); // prints "fast-check seed 1234567 (replay with FC_SEED=1234567)" unless FC_SEED is set
 * ```
 */
export function configurePropertySeed(
  options: { env?: Record<string, string | undefined>; log?: (line: string) => void } = {},
): number {
  const current = fc.readConfigureGlobal();
  if (current.seed !== undefined) return current.seed;
  const { seed, drawn } = readPropertySeed(options.env);
  fc.configureGlobal({ ...current, seed });
  // eslint-disable-next-line no-console -- the seed is printed first so a failing run can be replayed
  if (drawn) (options.log ?? console.info)(`fast-check seed ${seed} (replay with FC_SEED=${seed})`);
  return seed;
}
