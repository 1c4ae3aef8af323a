import type { Migration } from 'kysely';
import type { Dialect } from '../store.js';
import { initial } from './0001-initial.js';
import { budgets } from './0002-budgets.js';
import { ownerConfigVersion } from './0003-owner-config-version.js';
import { idempotency } from './0004-idempotency.js';
import { ownerLeadingKeys } from './0005-owner-leading-keys.js';
import { currencyTotals } from './0006-currency-totals.js';
import { secondWave } from './0007-second-wave.js';
import { webhooks } from './0008-webhooks.js';
import { imports } from './0009-imports.js';
import { rules } from './0010-rules.js';
import { schedules } from './0011-schedules.js';
import { notices } from './0012-notices.js';
import { importRowBill } from './0013-import-row-bill.js';

/**
 * Core's migrations for a store on `dialect`, in order. Names sort lexically; never rename or
 * edit one that has shipped, add a new one instead. The dialect is the store's own (a
 * migration cannot always tell it from a host's `Kysely` instance).
 */
export function coreMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-initial': initial,
    '0002-budgets': budgets,
    '0003-owner-config-version': ownerConfigVersion,
    '0004-idempotency': idempotency,
    '0005-owner-leading-keys': ownerLeadingKeys(dialect),
    '0006-currency-totals': currencyTotals,
    '0007-second-wave': secondWave,
    '0008-webhooks': webhooks,
    '0009-imports': imports,
    '0010-rules': rules,
    '0011-schedules': schedules,
    '0012-notices': notices(dialect),
    '0013-import-row-bill': importRowBill,
  };
}
