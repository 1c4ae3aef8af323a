import { LRUCache } from 'lru-cache';
import type { Client, ClientConfig, Notification } from 'pg';
import type { TrackerEvent } from '../events.js';
import { OrderedDelivery } from './ordered-delivery.js';
import { EVENTS_CHANNEL, type EventsNotification } from './kysely-repository.js';
import type { Store } from '../store/store.js';

/**
 * Options of the PostgreSQL listener that brings other processes' events to this tracker
 * (`Tracker.open({ listen })`).
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { Tracker, type RemoteEventsOptions } from '@expense-tracker/core';
 * import type { Database } from '@expense-tracker/core/kysely';
 *
 * // With a Kysely instance as `database`, say where to LISTEN.
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * const listen: RemoteEventsOptions = { connection: process.env.DATABASE_URL, applicationName: 'api-eu-1', maxReconnectDelayMs: 10_000 };
 * const tracker = await Tracker.open({ database: db, listen });
 * tracker.on('*', (event) => console.log(event.ownerId, event.seq, event.type)); // this and other instances' commits
 * ```
 */
export interface RemoteEventsOptions {
  /**
   * How to open the dedicated LISTEN connection (never taken from the pool). Defaults to the
   * `postgres://` URL, or the `pg.Pool`'s settings, that `database` was given as; required
   * when `database` is a `Kysely` instance.
   */
  connection?: string | ClientConfig;
  /** The LISTEN connection's `application_name`, as `pg_stat_activity` shows it. @default 'et-listen' */
  applicationName?: string;
  /** How many owners' last emitted seq are remembered (least recently used are forgotten). @default 10000 */
  maxOwners?: number;
  /** First delay before reconnecting a dropped LISTEN connection; doubles up to `maxReconnectDelayMs`. @default 100 */
  minReconnectDelayMs?: number;
  /** Longest delay between reconnection attempts. @default 5000 */
  maxReconnectDelayMs?: number;
}

/** What a {@link RemoteEvents} needs from its tracker. */
export interface RemoteEventsContext {
  store: Store;
  /** The id the store's own notifications carry; those are skipped (the tracker emits them itself). */
  instanceId: string | undefined;
  client: ClientConfig;
  /** Emits one event to the tracker's listeners. */
  emit(event: TrackerEvent): void;
  /** Told about connection and read failures (the tracker's `onError`, source 'database'). */
  onError(error: unknown): void;
}

/** Owners caught up at once after a reconnection, so live traffic keeps most of the pool. */
const CATCH_UP_CONCURRENCY = 4;

/**
 * Delivers every owner's events, local and remote, to the tracker's listeners in seq order
 * and at most once, for trackers that listen on PostgreSQL (`Tracker.open({ listen: true })`).
 * Each owner's order is kept by an {@link OrderedDelivery}; this class brings it the events:
 *
 * - Local commits ({@link local}) are pushed to it: emitted at once when they follow the
 *   owner's last emitted seq (or the owner is not known yet); when they skip a seq (another
 *   process wrote in between and its notification is still on the way), the owner's change
 *   feed is read from the last emitted seq, which returns both, in order.
 * - A notification from another process makes it read that owner's feed up to the notified
 *   seq (for an owner it does not know yet, from the notification's first seq).
 * - When the LISTEN connection drops it reconnects with backoff, LISTENs again, and then
 *   reads the feed of every owner it remembers to its end: nothing committed meanwhile is
 *   missed for those owners. Owners it has never emitted for are not read (their next event
 *   is emitted with its seq; a consumer that tracks seqs, like `OwnerHandle.follow`, fills the
 *   gap from the feed).
 */
export class RemoteEvents {
  readonly #ctx: RemoteEventsContext;
  readonly #applicationName: string;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  /** Owner → its ordered delivery; the least recently used are forgotten past `maxOwners`. */
  readonly #owners: LRUCache<string, OrderedDelivery>;
  /** Forgotten owners whose feed read still runs: kept until it ends, so no second one starts beside it. */
  readonly #busy = new Map<string, OrderedDelivery>();
  #client: Client | undefined;
  #closed = false;
  // eslint-disable-next-line no-unused-private-class-members -- read by `??=` in #dropped: one reconnect at a time
  #reconnecting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(ctx: RemoteEventsContext, options: RemoteEventsOptions = {}) {
    this.#ctx = ctx;
    this.#applicationName = options.applicationName ?? 'et-listen';
    this.#minDelay = Math.max(1, options.minReconnectDelayMs ?? 100);
    this.#maxDelay = Math.max(this.#minDelay, options.maxReconnectDelayMs ?? 5000);
    this.#owners = new LRUCache({
      max: Math.max(1, options.maxOwners ?? 10_000),
      dispose: (delivery, owner, reason) => {
        if (reason !== 'evict' || !delivery.reading) return;
        this.#busy.set(owner, delivery);
        void delivery.idle.then(() => this.#busy.get(owner) === delivery && this.#busy.delete(owner));
      },
    });
  }

  /** Opens the LISTEN connection; rejects when the first attempt fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  /** Whether the LISTEN connection is up. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Takes the events of a local commit, in seq order. */
  local(events: readonly TrackerEvent[]): void {
    for (const event of events) this.#delivery(event.ownerId).push(event);
  }

  /** Stops listening and reading; resolves once the connection is closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#wake?.();
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
    const deliveries = [...this.#owners.values(), ...this.#busy.values()];
    for (const delivery of deliveries) delivery.close();
    await Promise.allSettled(deliveries.map((delivery) => delivery.idle));
  }

  async #connect(): Promise<void> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ ...this.#ctx.client, application_name: this.#applicationName, keepAlive: true });
    client.on('notification', (message) => this.#notified(message));
    client.on('error', (error) => this.#dropped(client, error));
    client.on('end', () => this.#dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
  }

  #dropped(client: Client, error?: unknown): void {
    if (client !== this.#client || this.#closed) return;
    this.#client = undefined;
    this.#ctx.onError(error ?? new Error('The PostgreSQL LISTEN connection ended; reconnecting'));
    void client.end().catch(() => undefined);
    this.#reconnecting ??= this.#reconnect().finally(() => (this.#reconnecting = undefined));
  }

  async #reconnect(): Promise<void> {
    let delay = this.#minDelay;
    while (!this.#closed) {
      await this.#sleep(delay);
      if (this.#closed) return;
      try {
        await this.#connect();
        break;
      } catch (error) {
        this.#ctx.onError(error);
        delay = Math.min(delay * 2, this.#maxDelay);
      }
    }
    if (this.#closed) return;
    // LISTEN is back: what was committed while it was down is in the feed.
    await this.#catchUpAll();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.#timer);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      // Some jitter, so instances that lost the database together do not come back in lockstep.
      this.#timer = setTimeout(done, ms * (0.75 + Math.random() * 0.5));
    });
  }

  async #catchUpAll(): Promise<void> {
    const owners = [...this.#owners.keys()];
    let next = 0;
    const worker = async () => {
      while (next < owners.length && !this.#closed) {
        const delivery = this.#owners.peek(owners[next++]!);
        if (delivery?.lastSeq === undefined) continue;
        delivery.request(Infinity);
        await delivery.idle;
      }
    };
    await Promise.all(Array.from({ length: CATCH_UP_CONCURRENCY }, worker));
  }

  #notified(message: Notification): void {
    if (this.#closed || message.channel !== EVENTS_CHANNEL || !message.payload) return;
    let note: EventsNotification;
    try {
      note = JSON.parse(message.payload) as EventsNotification;
    } catch (error) {
      this.#ctx.onError(error);
      return;
    }
    if (typeof note.ownerId !== 'string' || !Number.isSafeInteger(note.seq) || !Number.isSafeInteger(note.first))
      return;
    if (note.instance !== undefined && note.instance === this.#ctx.instanceId) return;
    const known = this.#owners.peek(note.ownerId) ?? this.#busy.get(note.ownerId);
    if (known?.lastSeq !== undefined && note.seq <= known.lastSeq && !known.reading) return;
    this.#delivery(note.ownerId).request(note.seq, note.first - 1);
  }

  /** The owner's ordered delivery, made on first use. */
  #delivery(owner: string): OrderedDelivery {
    const delivery =
      this.#owners.get(owner) ??
      this.#busy.get(owner) ??
      new OrderedDelivery({
        read: async (after, limit) =>
          (await this.#ctx.store.events.list(owner, after, limit)).map((record) => record as TrackerEvent),
        deliver: (event) => this.#ctx.emit(event),
        onError: (error) => this.#ctx.onError(error),
      });
    if (!this.#owners.has(owner)) {
      this.#busy.delete(owner);
      this.#owners.set(owner, delivery);
    }
    return delivery;
  }
}
