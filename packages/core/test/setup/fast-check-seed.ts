// Vitest setup file (core's and server's projects): every property test of the file runs from
// the run's seed, FC_SEED, which the project config put in the environment (see run-seed.ts).
import { configurePropertySeed } from '../../src/testing/property-seed.js';

configurePropertySeed();
