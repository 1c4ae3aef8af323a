import { formatAmount } from '../money.js';
import type { ImportRecord, ImportRowCount, ImportRowRecord } from './repository.js';
import { rulesForRow, type ImportRules } from './import-rules.js';
import type { Import, ImportRow } from './schema.js';

/** An import as returned, its counts summed from the rows' (state, decision, applied) groups. */
export function toImport(record: ImportRecord, counts: readonly ImportRowCount[]): Import {
  const sum = (keep: (c: ImportRowCount) => boolean) => counts.filter(keep).reduce((n, c) => n + c.count, 0);
  return {
    id: record.id,
    sourceKey: record.sourceKey,
    format: record.format,
    fileName: record.fileName,
    state: record.state,
    counts: {
      total: sum(() => true),
      new: sum((c) => c.state === 'new'),
      duplicate: sum((c) => c.state === 'duplicate'),
      possibleDuplicate: sum((c) => c.state === 'possible_duplicate'),
      invalid: sum((c) => c.state === 'invalid'),
      inflowIgnored: sum((c) => c.state === 'inflow_ignored'),
      toCreate: sum((c) => c.decision === 'create'),
      toLink: sum((c) => c.decision === 'link'),
      created: sum((c) => c.applied && c.decision === 'create'),
      linked: sum((c) => c.applied && c.decision === 'link'),
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    committedAt: record.committedAt,
    revertedAt: record.revertedAt,
  };
}

/** A row as returned, with what the owner's rules would give it. */
export function toImportRow(row: ImportRowRecord, rules: ImportRules): ImportRow {
  return {
    n: row.n,
    line: row.line,
    state: row.state,
    reason: row.reasonCode === null ? null : { code: row.reasonCode, message: row.reason ?? '' },
    date: row.date,
    amountMinor: row.amountMinor,
    amount: row.amountMinor === null || row.currency === null ? null : formatAmount(row.amountMinor, row.currency),
    currency: row.currency,
    description: row.description,
    merchant: row.merchant,
    originalText: row.originalText,
    externalId: row.externalId,
    occurrence: row.occurrence,
    candidateIds: [...row.candidateIds],
    decision: row.decision,
    linkExpenseId: row.linkExpenseId,
    expenseId: row.expenseId,
    applied: row.appliedAt !== null,
    bill: row.bill === null ? null : { ...row.bill },
    rules: rulesForRow(rules, row),
  };
}
