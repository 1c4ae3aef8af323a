import { LRUCache } from 'lru-cache';
import type { Client, ClientConfig, Notification } from 'pg';
import type { TrackerEvent } from '../events.js';
import { EVENTS_CHANNEL, type EventsNotification } from './kysely-events.js';
import type { Store } from './store.js';

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

/** Change feed page size while catching up. */
const PAGE = 200;
/** Owners caught up at once after a reconnection, so live traffic keeps most of the pool. */
const CATCH_UP_CONCURRENCY = 4;

/**
 * Delivers every owner's events, local and remote, to the tracker's listeners in seq order
 * and at most once, for trackers that listen on PostgreSQL (`Tracker.open({ listen: true })`).
 *
 * - Local commits ({@link local}) are emitted at once when they follow the owner's last
 *   emitted seq (or the owner is not known yet); when they skip a seq (another process wrote
 *   in between and its notification is still on the way), the owner's change feed is read
 *   from the last emitted seq instead, which returns both, in order.
 * - A notification from another process makes it read that owner's feed after the last
 *   emitted seq (for an owner it does not know yet, from the notification's first seq).
 * - Reads of one owner never overlap; while one runs, the owner's local events wait for it.
 * - When the LISTEN connection drops it reconnects with backoff, LISTENs again, and then
 *   reads the feed of every owner it remembers after their last emitted seq: nothing
 *   committed meanwhile is missed for those owners. Owners it has never emitted for are
 *   not read (their next event is emitted with its seq; a consumer that tracks seqs, like
 *   the server's sockets, fills the gap from the feed).
 */
export class RemoteEvents {
  readonly #ctx: RemoteEventsContext;
  readonly #applicationName: string;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  /** Owner → last emitted seq; the least recently emitted for are forgotten past `maxOwners`. */
  readonly #last: LRUCache<string, number>;
  /** Owner → the seq a running feed read must reach (Infinity: the feed's end). */
  readonly #want = new Map<string, number>();
  /** Owner → its running feed read. */
  readonly #running = new Map<string, Promise<void>>();
  #client: Client | undefined;
  #closed = false;
  #reconnecting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(ctx: RemoteEventsContext, options: RemoteEventsOptions = {}) {
    this.#ctx = ctx;
    this.#applicationName = options.applicationName ?? 'et-listen';
    this.#last = new LRUCache({ max: Math.max(1, options.maxOwners ?? 10_000) });
    this.#minDelay = Math.max(1, options.minReconnectDelayMs ?? 100);
    this.#maxDelay = Math.max(this.#minDelay, options.maxReconnectDelayMs ?? 5000);
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
    for (const event of events) {
      const owner = event.ownerId;
      if (this.#running.has(owner)) {
        this.#request(owner, event.seq, event.seq - 1);
        continue;
      }
      const last = this.#last.peek(owner);
      if (last === undefined || event.seq === last + 1) {
        this.#remember(owner, event.seq);
        this.#ctx.emit(event);
      } else if (event.seq > last) {
        this.#request(owner, event.seq, last);
      }
      // event.seq <= last: a feed read already emitted it.
    }
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
    await Promise.allSettled([...this.#running.values()]);
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
    const owners = [...this.#last.keys()];
    let next = 0;
    const worker = async () => {
      while (next < owners.length && !this.#closed) {
        const owner = owners[next++]!;
        const last = this.#last.peek(owner);
        if (last === undefined) continue;
        this.#request(owner, Infinity, last);
        await this.#running.get(owner);
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
    if (typeof note.ownerId !== 'string' || !Number.isSafeInteger(note.seq) || !Number.isSafeInteger(note.first)) return;
    if (note.instance !== undefined && note.instance === this.#ctx.instanceId) return;
    const last = this.#last.peek(note.ownerId);
    if (last !== undefined && note.seq <= last && !this.#running.has(note.ownerId)) return;
    this.#request(note.ownerId, note.seq, note.first - 1);
  }

  /**
   * Makes the owner's feed be read up to `target`, starting after its last emitted seq
   * (or after `from` when it has none): joins the running read, or starts one.
   */
  #request(owner: string, target: number, from: number): void {
    this.#want.set(owner, Math.max(this.#want.get(owner) ?? 0, target));
    if (this.#running.has(owner)) return;
    // #read yields before anything else, so it is in #running before it can finish.
    this.#running.set(owner, this.#read(owner, this.#last.peek(owner) ?? from));
  }

  async #read(owner: string, after: number): Promise<void> {
    try {
      await Promise.resolve();
      while (!this.#closed) {
        const want = this.#want.get(owner) ?? 0;
        if (after >= want) return;
        const page = await this.#ctx.store.events.list(owner, after, PAGE);
        if (this.#closed) return;
        for (const record of page) {
          if (record.seq <= after) continue;
          after = record.seq;
          this.#remember(owner, after);
          this.#ctx.emit(record as TrackerEvent);
        }
        // The end of the feed, and nobody asked for more meanwhile.
        if (page.length < PAGE && want === this.#want.get(owner)) return;
      }
    } catch (error) {
      // The owner's next event finds the gap and reads the feed again.
      if (!this.#closed) this.#ctx.onError(error);
    } finally {
      // Synchronously with the last check above: a local event that comes later finds the
      // owner idle and is emitted (or starts a new read) itself.
      this.#running.delete(owner);
      this.#want.delete(owner);
    }
  }

  #remember(owner: string, seq: number): void {
    this.#last.set(owner, seq);
  }
}
