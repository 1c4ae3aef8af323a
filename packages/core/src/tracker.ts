import { randomUUID } from 'node:crypto';
import mitt, { type Emitter } from 'mitt';
import { systemClock, type Clock } from './clock.js';
import type { TrackerEvent, TrackerEventType } from './events.js';
import { OwnerHandle } from './owner.js';
import { ownerIdSchema } from './common-schemas.js';
import { parseInput, type ServiceContext } from './write-context.js';
import { Followers } from './changes/follow.js';
import { OwnerConfigCache } from './owners/config.js';
import { TrackerError } from './errors.js';
import { openKyselyStore, postgresClientConfig, type DatabaseInput } from './store/open-database.js';
import { RemoteEvents, type RemoteEventsOptions } from './changes/remote-events.js';
import type { Dialect, Store } from './store/store.js';
import { createWebhookRuntime, type WebhookOptions, type WebhookRuntime } from './webhooks/webhook-runtime.js';
import { actorSchema, type Actor } from './actor.js';
import { runDueWork, type DueWorkReport } from './due-work.js';

/**
 * Options of `tracker.forOwner()`.
 *
 * @example
 * ```ts
 * import type { OwnerHandleOptions } from '@expense-tracker/core';
 *
 * const options: OwnerHandleOptions = { actor: { kind: 'system' } };
 * const ticker = tracker.forOwner('alice', options);
 * ```
 */
export interface OwnerHandleOptions {
  /** Who makes the handle's writes. @default `{ kind: 'account', id: ownerId }` */
  actor?: Actor;
}

/**
 * Options of {@link Tracker.open}. Give `database` or `store`.
 *
 * @example
 * ```ts
 * import { Tracker, type TrackerOptions } from '@expense-tracker/core';
 *
 * const options: TrackerOptions = {
 *   database: process.env.DATABASE_URL ?? './data/expenses.db',
 *   poolSize: 20, // PostgreSQL only
 *   onError: (error, context) => console.error(`expense-tracker ${context.source} error`, error),
 * };
 * const tracker = await Tracker.open(options);
 * ```
 */
export interface TrackerOptions {
  /**
   * `':memory:'`, a SQLite file path (or `sqlite:<path>`), a `postgres://` URL, or a
   * better-sqlite3 `Database`, `pg.Pool` or `Kysely` instance your app already has
   * (the tracker uses it and leaves it open on `close()`).
   */
  database?: DatabaseInput;
  /**
   * A store instead of `database`: one of your own for another engine (see
   * `@expense-tracker/core/store`), or the bundled one you opened yourself with
   * `openKyselyStore` from `@expense-tracker/core/kysely`. The tracker closes it on `close()`.
   */
  store?: Store;
  /** The engine behind a `Kysely` instance given as `database`, when its adapter does not tell. */
  dialect?: Dialect;
  /** Most connections of a PostgreSQL pool the tracker opens itself. @default 10 */
  poolSize?: number;
  /** Where "now" comes from. @default the system clock */
  clock?: Clock;
  /**
   * Receives errors that cannot be thrown to a caller: a listener that threw, or an idle
   * database connection that failed. @default writes to `console.error`
   */
  onError?: (error: unknown, context: { source: 'listener' | 'database'; event?: TrackerEvent }) => void;
  /**
   * On PostgreSQL, also emit the events other processes commit to the same database (other
   * server instances behind a load balancer), through the same listeners as local ones.
   *
   * Every append on PostgreSQL announces itself with `NOTIFY et_events` in its own
   * transaction (payload `{ instance, ownerId, first, seq, type }`, never the data). With
   * `listen`, the tracker keeps one dedicated connection (not from the pool, shown as
   * `application_name` `'et-listen'`) that `LISTEN`s, and reads the announced events from the
   * change feed. Listeners then get each owner's events, local and remote, **in seq order and
   * at most once**: a local commit that skips a seq waits for the feed read that brings the
   * missing one. When the connection drops, it reconnects with backoff (errors go to
   * `onError` with source `'database'`) and reads the feed of every owner it remembers (the
   * last 10,000 by default) after their last emitted seq, so nothing committed meanwhile is
   * missed. An owner it has not emitted any event for yet starts at the seq of the first
   * notification or local commit it sees.
   *
   * `true` uses the `postgres://` URL or `pg.Pool` given as `database`; with a `Kysely`
   * instance, pass `{ connection }`. Ignored on SQLite, which is single-process.
   * @default false: only this tracker's own commits are emitted
   * @example
   * ```ts
   * const tracker = await Tracker.open({ database: process.env.DATABASE_URL, listen: true });
   * tracker.on('*', (event) => console.log(event.ownerId, event.seq, event.type)); // from any instance
   * ```
   */
  listen?: boolean | RemoteEventsOptions;
  /**
   * Webhooks (`owner.webhooks`, `createWebhookDispatcher`): the keys that encrypt signing
   * secrets at rest, and how deliveries go out. @default no keys: creating an endpoint is refused
   */
  webhooks?: WebhookOptions;
}

/**
 * A listener of one event type.
 *
 * @example
 * ```ts
 * import type { TrackerListener } from '@expense-tracker/core';
 *
 * const onExpense: TrackerListener<'expense.created'> = (event) =>
 *   console.log(`${event.ownerId}: ${event.data.expense.amount} ${event.data.expense.currency}`);
 * const off = tracker.on('expense.created', onExpense);
 * off(); // stop listening
 * ```
 */
export type TrackerListener<T extends TrackerEventType> = (event: TrackerEvent<T>) => void;

type EmitterEvents = { [K in TrackerEventType]: TrackerEvent<K> };

/**
 * What core's other entry points reach of a tracker: `hostDatabase()` in
 * `@expense-tracker/core/kysely` runs on its store. Kept off the class so that the public
 * type of `Tracker` has no way to the store; never exported from an entry point.
 */
export interface TrackerInternals {
  readonly store: Store;
  readonly isClosed: () => boolean;
  /** The services' context, for the webhook dispatcher. */
  readonly context: ServiceContext;
}

const internals = new WeakMap<Tracker, TrackerInternals>();

/**
 * The internals of `tracker`.
 *
 * @throws `VALIDATION_FAILED` for anything that is not a tracker of this copy of the package
 */
export function internalsOf(tracker: Tracker): TrackerInternals {
  const found = internals.get(tracker);
  if (!found) {
    throw new TrackerError('VALIDATION_FAILED', 'Expected a Tracker opened by this copy of @expense-tracker/core', {
      issues: [
        { path: ['tracker'], code: 'invalid_type', message: 'Not a Tracker of this copy of @expense-tracker/core' },
      ],
    });
  }
  return found;
}

/**
 * The embeddable expense tracker: open it over SQLite or PostgreSQL, migrate, and work
 * through owner-scoped handles. Two trackers in one process never share state.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 *
 * const tracker = await Tracker.open({ database: './data/expenses.db' });
 * await tracker.migrate();
 * const alice = tracker.forOwner('alice');
 * await alice.expenses.create({ amount: '12.50', description: 'Lunch' });
 * await tracker.close();
 * ```
 */
export class Tracker {
  readonly #store: Store;
  readonly #emitter: Emitter<EmitterEvents> = mitt<EmitterEvents>();
  readonly #ctx: ServiceContext;
  readonly #onError: NonNullable<TrackerOptions['onError']>;
  readonly #clock: Clock;
  readonly #followers = new Followers();
  #remote: RemoteEvents | undefined;
  #closed = false;

  private constructor(
    store: Store,
    clock: Clock,
    onError: NonNullable<TrackerOptions['onError']>,
    webhooks: WebhookRuntime,
  ) {
    this.#store = store;
    this.#onError = onError;
    this.#clock = clock;
    this.#ctx = {
      store,
      clock,
      emit: (events) => this.#emit(events),
      isClosed: () => this.#closed,
      configCache: new OwnerConfigCache(),
      followers: this.#followers,
      webhooks,
    };
    internals.set(this, { store, isClosed: () => this.#closed, context: this.#ctx });
  }

  /**
   * Opens a tracker. Call {@link Tracker.migrate} once before first use of a new database.
   *
   * @example
   * ```ts
   * const tracker = await Tracker.open({ database: process.env.DATABASE_URL ?? ':memory:' });
   * ```
   * @throws `VALIDATION_FAILED` for an unsupported `database`; `STORE_UNAVAILABLE` when it cannot be
   * opened, or its engine's driver (`better-sqlite3`, `pg`) is not installed
   */
  static async open(options: TrackerOptions): Promise<Tracker> {
    const onError: NonNullable<TrackerOptions['onError']> =
      // eslint-disable-next-line no-console -- the documented default when the host passes no onError
      options.onError ?? ((error, context) => console.error(`[expense-tracker] ${context.source} error:`, error));
    const instanceId = randomUUID();
    // Before the store opens: a malformed encryption key fails here with nothing to clean up.
    const webhooks = createWebhookRuntime(options.webhooks);
    const store =
      options.store ??
      (await openKyselyStore({
        database: options.database ?? ':memory:',
        dialect: options.dialect,
        poolSize: options.poolSize,
        onError: (error) => onError(error, { source: 'database' }),
        instanceId,
      }));
    const tracker = new Tracker(store, options.clock ?? systemClock, onError, webhooks);
    if (options.listen && store.dialect === 'postgres') {
      try {
        // The store's own notifications carry its instance id (the bundled store's, or one of yours that has it).
        await tracker.#listen(
          options,
          'instanceId' in store && typeof store.instanceId === 'string' ? store.instanceId : undefined,
        );
      } catch (error) {
        await tracker.close().catch(() => undefined);
        throw error;
      }
    }
    return tracker;
  }

  async #listen(options: TrackerOptions, instanceId: string | undefined): Promise<void> {
    const listen = typeof options.listen === 'object' ? options.listen : {};
    const client =
      typeof listen.connection === 'string'
        ? { connectionString: listen.connection }
        : (listen.connection ?? (options.database === undefined ? undefined : postgresClientConfig(options.database)));
    if (!client) {
      throw new TrackerError(
        'VALIDATION_FAILED',
        'listen needs a connection: pass listen: { connection } with this database',
        {
          issues: [
            {
              path: ['listen', 'connection'],
              code: 'required',
              message: 'Pass the PostgreSQL URL or client settings to LISTEN on',
            },
          ],
        },
      );
    }
    const remote = new RemoteEvents(
      {
        store: this.#store,
        instanceId,
        client,
        emit: (event) => this.#publish(event),
        onError: (error) => this.#onError(error, { source: 'database' }),
      },
      listen,
    );
    try {
      await remote.start();
    } catch (error) {
      throw new TrackerError('STORE_UNAVAILABLE', 'Cannot LISTEN for events on the database', { cause: error });
    }
    this.#remote = remote;
  }

  /**
   * Applies the bundled migrations that have not run yet. Core's tables are prefixed `et_`
   * and its bookkeeping lives in `et_migration`, so it can share a host app's database.
   * Safe to call on every start, and from several processes at once.
   *
   * @example
   * ```ts
   * await tracker.migrate();
   * ```
   */
  async migrate(): Promise<void> {
    await this.#store.migrate();
  }

  /**
   * Where this tracker reads "now" (`TrackerOptions.clock`, or the system clock). Code that
   * works alongside the tracker reads it too, so that one clock decides every time: the
   * server's token expiry, throttle windows and socket timers, for instance, move with it.
   *
   * @example
   * ```ts
   * const tracker = await Tracker.open({ database: ':memory:', clock: { now: () => new Date('2026-03-01T12:00:00Z') } });
   * tracker.clock.now().toISOString(); // '2026-03-01T12:00:00.000Z'
   * ```
   */
  get clock(): Clock {
    return this.#clock;
  }

  /**
   * Resolves when the database answers: a readiness check (the server's `/health/ready`).
   *
   * @example
   * ```ts
   * try {
   *   await tracker.ping();
   *   console.log('ready');
   * } catch (error) {
   *   if (isTrackerError(error, 'STORE_UNAVAILABLE')) console.log('the database does not answer; try again shortly');
   *   else throw error;
   * }
   * ```
   * @throws `STORE_UNAVAILABLE` when the database does not answer; `TRACKER_CLOSED` after {@link Tracker.close}
   */
  async ping(): Promise<void> {
    if (this.#closed) throw new TrackerError('TRACKER_CLOSED', 'The tracker was closed');
    await this.#store.ping();
  }

  /**
   * Does the work that has come due at `now` (SPEC §7.0): today, fanning the owners' change
   * feeds out into webhook messages and attempting those due (first deliveries and retries);
   * schedules and token-expiry notices join it as they land. Call it on a timer (the server
   * does, every second) and at start: nothing needs an external cron, and after downtime the
   * next call does everything due since. Safe on several processes over one database at once:
   * each piece of work is claimed in the database (`FOR UPDATE SKIP LOCKED`, lease tokens,
   * unique keys), so each webhook message is attempted by one of them at a time.
   *
   * @param options - `now`: the instant to run at. @default the tracker's clock
   * @returns what each kind of due work did
   * @example
   * ```ts
   * const report = await tracker.runDue();
   * console.log(`${report.webhooks.delivered} delivered, ${report.webhooks.retrying} to retry`);
   * // A test moves time instead of sleeping: retries due within the hour are made now.
   * await tracker.runDue({ now: new Date(Date.now() + 3_600_000) });
   * ```
   * @throws `TRACKER_CLOSED` after {@link Tracker.close}; the first error a kind of due work
   *   met (the others still ran), e.g. `STORE_UNAVAILABLE`
   */
  async runDue(options: { now?: Date } = {}): Promise<DueWorkReport> {
    if (this.#closed) throw new TrackerError('TRACKER_CLOSED', 'The tracker was closed');
    return runDueWork(this.#ctx, options.now ?? this.#clock.now());
  }

  /**
   * The handle of one owner: every method on it is scoped to that owner.
   *
   * @param ownerId - an opaque id chosen by your app (1–200 characters), e.g. your user id
   * @param options - `actor`: who makes the handle's writes, recorded on every event they
   *   append (the change feed, `follow()`, `tracker.on()`). @default `{ kind: 'account', id: ownerId }`
   * @example
   * ```ts
   * const alice = tracker.forOwner('user_42');
   * const viaToken = tracker.forOwner('user_42', { actor: { kind: 'token', id: 'tok_ci' } });
   * ```
   * @throws `VALIDATION_FAILED` for an empty or too long id, or a malformed actor
   */
  forOwner(ownerId: string, options: OwnerHandleOptions = {}): OwnerHandle {
    const id = parseInput(ownerIdSchema, ownerId, ['ownerId']);
    if (options.actor === undefined) return new OwnerHandle(this.#ctx, id);
    return new OwnerHandle({ ...this.#ctx, actor: parseInput(actorSchema, options.actor, ['actor']) }, id);
  }

  /**
   * Listens to committed events of one type, or of every type with `'*'`. Listeners run
   * after commit; one that throws is reported to `onError` and never fails the write.
   * They get this tracker's commits, and with {@link TrackerOptions.listen} on PostgreSQL,
   * those of other processes too, in seq order per owner.
   *
   * @returns a function that removes the listener
   * @example
   * ```ts
   * const off = tracker.on('expense.created', (event) => console.log(event.ownerId, event.data.expense.amount));
   * const offAll = tracker.on('*', (event) => console.log(event.seq, event.type));
   * off();
   * ```
   */
  on<T extends TrackerEventType>(type: T, listener: TrackerListener<T>): () => void;
  on(type: '*', listener: (event: TrackerEvent) => void): () => void;
  on(type: TrackerEventType | '*', listener: (event: never) => void): () => void {
    const call = listener as (event: TrackerEvent) => void;
    const guard = (event: TrackerEvent) => {
      try {
        call(event);
      } catch (error) {
        this.#onError(error, { source: 'listener', event });
      }
    };
    if (type === '*') {
      const wildcard = (_type: TrackerEventType, event: TrackerEvent) => guard(event);
      this.#emitter.on('*', wildcard);
      return () => this.#emitter.off('*', wildcard);
    }
    const handler = guard;
    this.#emitter.on(type, handler);
    return () => this.#emitter.off(type, handler);
  }

  /**
   * Closes the tracker and the connections it opened (a connection your app passed in stays
   * open). Later calls on it fail with `TRACKER_CLOSED`.
   *
   * @example
   * ```ts
   * await tracker.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#emitter.all.clear();
    this.#followers.close();
    await this.#ctx.webhooks.close();
    await this.#remote?.close();
    await this.#store.close();
  }

  #emit(events: readonly TrackerEvent[]): void {
    // Listening: local and remote events are put in seq order per owner together.
    if (this.#remote) return this.#remote.local(events);
    for (const event of events) this.#publish(event);
  }

  /** One event, in its owner's seq order: to the listeners, then to the owner's followers. */
  #publish(event: TrackerEvent): void {
    this.#emitter.emit<TrackerEventType>(event.type, event);
    this.#followers.dispatch(event);
  }
}
