import { addDays } from '../dates.js';
import { billsForLines } from '../schedules/bill-for-line.js';
import type { StoreSession } from '../store/store.js';
import type { BankDirection } from './bank-row.js';
import type { ImportDecision, ImportRowRecord, ImportRowState } from './repository.js';

/** How far from a bank line's date a hand-typed expense may be and still be a possible duplicate. */
export const LINK_WINDOW_DAYS = 3;

/** At most this many candidates are kept for a possible duplicate. */
const MAX_CANDIDATES = 10;

/**
 * What an import does with money coming in: every credit is `inflow_ignored` with no
 * decision, so salary and transfers are never stored (SPEC §7.0). A credit becomes a refund
 * only when the person decides `create` on its row; no credit defaults to a refund, not even
 * one whose merchant the owner has bought from (see `docs/design-decisions.md`, "Import
 * decisions"). Return `null` here for credits that should be classified like debits.
 */
export function inflowState(direction: BankDirection): ImportRowState | null {
  return direction === 'credit' ? 'inflow_ignored' : null;
}

/** The decision a row starts with: see `docs/design-decisions.md`, "Import decisions". */
export function defaultDecision(state: ImportRowState, candidates: readonly string[]): ImportDecision | null {
  switch (state) {
    case 'new':
      return 'create';
    case 'possible_duplicate':
      // One candidate: link it (the bank line's id goes onto the typed expense). Several:
      // nothing is merged or created until the person chooses, since either could be wrong.
      return candidates.length === 1 ? 'link' : 'skip';
    case 'duplicate':
      return 'skip';
    default:
      return null;
  }
}

/**
 * Classifies a chunk of parsed rows (state `new` so far) against what is stored, in the
 * three tiers of SPEC §7.1: (1) the same external id of the source account is stored, or
 * (2) the same fingerprint with the same occurrence number is: `duplicate`; (3) an expense
 * that was not imported nor linked has the amount and currency within ±3 days:
 * `possible_duplicate` with it as candidate. `seen` carries the external ids of the file
 * read so far (a repeated one is a duplicate), `claimed` the candidates earlier rows link to.
 *
 * Then the importer asks schedules before calling a line new (SPEC §7.3): a `new` row that
 * fits a bill's occurrence not yet settled gets it as `bill` (state and decision stay `new`
 * and `create`); commit settles that occurrence with the expense it creates. `bills` carries
 * the occurrences earlier rows took, so two lines never settle one bill.
 */
export async function classifyChunk(
  tx: StoreSession,
  ownerId: string,
  sourceKey: string,
  rows: ImportRowRecord[],
  memory: { seen: Set<string>; claimed: Set<string>; bills: Set<string> },
): Promise<void> {
  const fresh = rows.filter((r) => r.state === 'new');
  const stored = await tx.expenses.findByIdentity(ownerId, sourceKey, {
    externalIds: fresh.flatMap((r) => (r.externalId === null ? [] : [r.externalId])),
    fingerprints: fresh.flatMap((r) => (r.fingerprint === null ? [] : [r.fingerprint])),
  });
  const externalIds = new Set(stored.map((e) => e.externalId));
  const fingerprints = new Set(stored.map((e) => e.fingerprint));
  for (const row of fresh) {
    const repeated = row.externalId !== null && memory.seen.has(row.externalId);
    if (row.externalId !== null) memory.seen.add(row.externalId);
    if (repeated || (row.externalId !== null && externalIds.has(row.externalId)) || fingerprints.has(row.fingerprint)) {
      row.state = 'duplicate';
    } else {
      await findCandidates(tx, ownerId, row, memory.claimed);
    }
    row.decision = defaultDecision(row.state, row.candidateIds);
    row.linkExpenseId = row.decision === 'link' ? (row.candidateIds[0] ?? null) : null;
    if (row.linkExpenseId !== null) memory.claimed.add(row.linkExpenseId);
  }
  const lines = rows.map((r) =>
    r.state === 'new' && r.date !== null && r.amountMinor !== null && r.currency !== null
      ? { date: r.date, amountMinor: r.amountMinor, currency: r.currency }
      : null,
  );
  if (lines.every((line) => line === null)) return;
  const bills = await billsForLines(tx, ownerId, lines, memory.bills);
  for (const [i, bill] of bills.entries()) {
    if (bill === null) continue;
    const { schedule, occurrence } = bill;
    rows[i]!.bill = { scheduleId: schedule.id, name: schedule.name, nominal: occurrence.nominal, due: occurrence.due };
  }
}

async function findCandidates(tx: StoreSession, ownerId: string, row: ImportRowRecord, claimed: Set<string>) {
  if (row.date === null || row.amountMinor === null || row.currency === null) return;
  const found = await tx.expenses.findLinkCandidates(ownerId, {
    amountMinor: row.amountMinor,
    currency: row.currency,
    from: addDays(row.date, -LINK_WINDOW_DAYS),
    to: addDays(row.date, LINK_WINDOW_DAYS),
    limit: MAX_CANDIDATES + claimed.size,
  });
  const candidates = found.map((e) => e.id).filter((id) => !claimed.has(id));
  if (candidates.length === 0) return;
  row.state = 'possible_duplicate';
  row.candidateIds = candidates.slice(0, MAX_CANDIDATES);
}
