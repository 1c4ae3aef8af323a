import type { TrackerEvent } from '../events.js';
import { changesQuerySchema, type ChangesQuery } from './schema.js';
import { assertOpen, parseInput, type ServiceContext } from '../write-context.js';

/**
 * A page of the change feed. `owner.changes()` returns one.
 *
 * @example
 * ```ts
 * import type { ChangesPage } from '@expense-tracker/core';
 *
 * const page: ChangesPage = await owner.changes({ after: 0, limit: 100 });
 * const seen = page.events.at(-1)?.seq ?? 0;
 * const behind = page.lastSeq > seen; // true: read again with { after: seen }
 * ```
 */
export interface ChangesPage {
  /** Events with `seq > after`, oldest first. */
  events: TrackerEvent[];
  /** The owner's newest seq: when it is above the last event's seq, there is more to read. */
  lastSeq: number;
}

/** Reads the owner's change feed after a seq. */
export async function readChanges(
  ctx: ServiceContext,
  ownerId: string,
  query: ChangesQuery = {},
): Promise<ChangesPage> {
  const q = parseInput(changesQuerySchema, query);
  assertOpen(ctx);
  // lastSeq first: events committed between the two reads are then at most extra, never missed.
  const lastSeq = await ctx.store.events.lastSeq(ownerId);
  const events = (await ctx.store.events.list(ownerId, q.after, q.limit)) as TrackerEvent[];
  return { events, lastSeq: Math.max(lastSeq, events[events.length - 1]?.seq ?? 0) };
}
