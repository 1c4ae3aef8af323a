import type { z } from 'zod';
import type { Clock } from '../clock.js';
import { TrackerError, validationError, type ValidationIssue } from '../errors.js';
import type { PendingEvent, TrackerEvent } from '../events.js';
import type { OwnerSettings } from '../schemas/owner.js';
import type { Store, StoreSession } from '../store/store.js';

/** What every service needs: the store, the clock, and the after-commit emitter. */
export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  /** Emits committed events in-process. */
  emit(events: readonly TrackerEvent[]): void;
  /** Whether the tracker was closed. */
  isClosed(): boolean;
}

/** Turns zod issues into the SDK's validation issues, under `prefix`. */
export function toIssues(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): ValidationIssue[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))],
    message: issue.message,
    code: issue.code,
  }));
}

/** Parses `input` with `schema`, or throws `VALIDATION_FAILED` naming every offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: (string | number)[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(toIssues(result.error.issues, prefix));
  return result.data;
}

/** Throws `TRACKER_CLOSED` once the tracker is closed. */
export function assertOpen(ctx: ServiceContext): void {
  if (ctx.isClosed()) throw new TrackerError('TRACKER_CLOSED', 'The tracker was closed');
}

/** A write's working set: the transaction, the events it will append, and its instant. */
export interface WriteScope {
  readonly tx: StoreSession;
  /** The instant of the write, ISO 8601 UTC: `createdAt`/`updatedAt` and the events' `at`. */
  readonly at: string;
  /** The owner's settings, read under the owner's write lock. */
  readonly settings: OwnerSettings;
  /** Queues an event; it is appended to the outbox before commit and emitted after. */
  record(event: PendingEvent): void;
}

/**
 * Runs one write for an owner: the owner's write lock first (so writes of one owner run one
 * at a time, which keeps budget sums, alerts and seqs exact), then `fn`, then its events
 * appended to the outbox, all in one transaction; after commit, the events are emitted
 * in-process.
 */
export async function write<T>(ctx: ServiceContext, ownerId: string, fn: (scope: WriteScope) => Promise<T>): Promise<T> {
  assertOpen(ctx);
  const at = ctx.clock.now().toISOString();
  const { result, events } = await ctx.store.transaction(async (tx) => {
    const pending: PendingEvent[] = [];
    const settings = await tx.owners.lock(ownerId, at);
    const result = await fn({ tx, at, settings, record: (event) => pending.push(event) });
    const events = await tx.events.append(ownerId, pending, at);
    return { result, events };
  });
  ctx.emit(events as TrackerEvent[]);
  return result;
}
