import type { z } from 'zod';
import type { Clock } from './clock.js';
import { ownerActor, type Actor } from './actor.js';
import { TrackerError, validationError, type ValidationIssue } from './errors.js';
import type { PendingEvent, TrackerEvent } from './events.js';
import { localDate } from './dates.js';
import type { OwnerSettings } from './owners/schema.js';
import type { Store, StoreSession } from './store/store.js';
import { recordedResult, recordResult, type KeyedWrite } from './idempotency/service.js';
import type { Followers } from './changes/follow.js';
import { loadOwnerConfig, type OwnerConfig, type OwnerConfigCache } from './owners/config.js';
import type { WebhookRuntime } from './webhooks/webhook-runtime.js';

/** What every service needs: the store, the clock, and the after-commit emitter. */
export interface ServiceContext {
  readonly store: Store;
  readonly clock: Clock;
  /** Emits committed events in-process. */
  emit(events: readonly TrackerEvent[]): void;
  /** Whether the tracker was closed. */
  isClosed(): boolean;
  /** Owners' categories, budgets and rules kept between writes. */
  readonly configCache: OwnerConfigCache;
  /** Followers of owners' events (`OwnerHandle.follow`), fed in the tracker's order. */
  readonly followers: Followers;
  /** Webhook settings: the secret box, the deliverer, the retry policy. */
  readonly webhooks: WebhookRuntime;
  /** Set on the context of a write made under an idempotency key (`owner.withIdempotencyKey`). */
  readonly keyed?: KeyedWrite;
  /** Who makes the writes (`tracker.forOwner(id, { actor })`); absent, the owner's account. */
  readonly actor?: Actor;
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
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: (string | number)[] = [],
): z.output<S> {
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
  /** Today in the owner's time zone, at the write's instant. */
  readonly today: string;
  /** Queues an event; it is appended to the outbox before commit and emitted after. */
  readonly record: (event: PendingEvent) => void;
  /** The owner's categories, budgets and rules as this transaction sees them. */
  config(): Promise<OwnerConfig>;
  /** Says the write changed categories, budgets, rules or notifications: the version is bumped. */
  readonly configChanged: () => void;
}

/**
 * Runs one write for an owner: the owner's write lock first (so writes of one owner run one
 * at a time, which keeps budget sums, alerts and seqs exact), then `fn`, then its events
 * appended to the outbox, all in one transaction; after commit, the events are emitted
 * in-process.
 *
 * Under an idempotency key (`ctx.keyed`), the key's record is read under the lock before
 * `fn`: a recorded result is returned without running `fn` (a retry of a committed write),
 * and a new key's result is recorded in the same transaction as the write. A write and its
 * record commit together, so no crash can leave one without the other, and a retry that
 * races the first attempt waits for its lock and then finds its record.
 */
export async function write<T>(
  ctx: ServiceContext,
  ownerId: string,
  fn: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  assertOpen(ctx);
  const keyed = ctx.keyed ? { key: ctx.keyed.key, fingerprint: ctx.keyed.fingerprint() } : undefined;
  const at = ctx.clock.now().toISOString();
  let keep: { version: number; config: OwnerConfig } | undefined;
  const { result, events, replayed } = await ctx.store.transaction(async (tx) => {
    const pending: PendingEvent[] = [];
    const { settings, configVersion } = await tx.owners.lock(ownerId, at);
    if (keyed) {
      const recorded = await recordedResult(tx, ownerId, keyed.key, keyed.fingerprint, at);
      if (recorded) return { result: recorded.value as T, events: [], replayed: true };
    }
    let changed = false;
    let loaded: OwnerConfig | undefined;
    const scope: WriteScope = {
      tx,
      at,
      settings,
      today: localDate(new Date(at), settings.timezone),
      record: (event) => pending.push(event),
      config: async () => {
        // After a change in this transaction, read afresh: the cache holds committed state only.
        if (changed) return loadOwnerConfig(tx, ownerId);
        loaded ??= ctx.configCache.get(ownerId, configVersion) ?? (await loadOwnerConfig(tx, ownerId));
        return loaded;
      },
      configChanged: () => {
        changed = true;
      },
    };
    const result = await fn(scope);
    if (changed) await tx.owners.bumpConfigVersion(ownerId);
    else if (loaded) keep = { version: configVersion, config: loaded };
    if (keyed) await recordResult(tx, ownerId, keyed.key, keyed.fingerprint, result, at);
    const events = await tx.events.append(ownerId, pending, at, ctx.actor ?? ownerActor(ownerId));
    return { result, events, replayed: false };
  });
  if (keep) ctx.configCache.set(ownerId, keep.version, keep.config);
  ctx.keyed?.settled(replayed);
  ctx.emit(events as TrackerEvent[]);
  return result;
}
