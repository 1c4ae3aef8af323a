import { readPropertySeed } from '../../src/testing/property-seed.js';

/**
 * The fast-check seed of this vitest run, for the project configs: `FC_SEED` when set,
 * otherwise one drawn here and printed once, at the top of the run's output. It is kept in
 * `process.env.FC_SEED`, so the second project's config gets the same one, and each config
 * hands it to its test files as `test.env.FC_SEED` (read by `fast-check-seed.ts`).
 */
export function runPropertySeed(): string {
  const { seed, drawn } = readPropertySeed(process.env);
  process.env.FC_SEED = String(seed);
  if (drawn) console.info(`fast-check seed ${seed} for this run (replay with FC_SEED=${seed})`);
  return String(seed);
}
