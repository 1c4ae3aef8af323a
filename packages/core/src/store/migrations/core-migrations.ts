import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { budgets } from './0002-budgets.js';
import { ownerConfigVersion } from './0003-owner-config-version.js';
import { currencyTotals } from './0004-currency-totals.js';

/**
 * Core's migrations, in order. Names sort lexically; never rename or edit one that has
 * shipped, add a new one instead.
 */
export const coreMigrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-budgets': budgets,
  '0003-owner-config-version': ownerConfigVersion,
  '0004-currency-totals': currencyTotals,
};
