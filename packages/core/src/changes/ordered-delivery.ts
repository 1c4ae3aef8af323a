import type { TrackerEvent } from '../events.js';

/** Change feed page size while catching up. */
const PAGE = 200;

/** Options of an {@link OrderedDelivery}. */
export interface OrderedDeliveryOptions {
  /** Reads the owner's change feed: at most `limit` events after seq `after`, in seq order. */
  read(after: number, limit: number): Promise<readonly TrackerEvent[]>;
  /** Takes the next event: called once per seq, in seq order. */
  deliver(event: TrackerEvent): void;
  /**
   * Awaited before each event a catch-up delivers, so a consumer can pace a long replay (a
   * socket waits for its queue to drain). Answering `false` closes the delivery (the consumer
   * is gone). Live events that follow at once are delivered without it.
   */
  ready?(): boolean | Promise<boolean>;
  /** Told when a feed read fails; what is missing is read again when the next event finds the gap. */
  onError(error: unknown): void;
  /** Told when the feed's end was reached with a seq still missing: the held events are then delivered anyway. */
  onGap?(lastSeq: number, nextHeld: number | undefined): void;
  /** The last seq the consumer has; without it, the first event pushed is delivered as it comes. */
  lastSeq?: number;
  /** Live events held during a catch-up, beyond which only the highest seq is kept (the feed has them). @default 1000 */
  maxHeld?: number;
}

/**
 * One owner's events, delivered in `seq` order, each once, with gaps filled from the change
 * feed: the one component behind every ordered delivery (a tracker listening to other
 * processes, and each follower of an owner, such as the server's notification socket).
 *
 * - A pushed (live) event that follows the last delivered seq is delivered at once; one at or
 *   below it is dropped; one that skips a seq is held, and the feed is read from the last
 *   delivered seq, which returns what is missing, in order.
 * - {@link request} reads the feed up to a seq known to exist (a notification from another
 *   process) or to its end (`Infinity`: a replay, or a catch-up after a reconnection).
 * - Reads never overlap. While one runs, pushed events are held (at most `maxHeld`) and
 *   delivered after it, up to the next gap, which the feed fills in the next round.
 * - When the feed has nothing new yet a seq is still missing (events are emitted after
 *   commit, so this should not happen), the held events are delivered rather than waited
 *   for forever, and `onGap` is told.
 */
export class OrderedDelivery {
  readonly #options: OrderedDeliveryOptions;
  readonly #maxHeld: number;
  #last: number | undefined;
  /** A seq the running read must reach (Infinity: the feed's end); 0 when none is wanted. */
  #want = 0;
  #held: TrackerEvent[] = [];
  /** The highest seq not held because the cap was reached. */
  #behind = 0;
  #reading: Promise<void> | undefined;
  #closed = false;

  constructor(options: OrderedDeliveryOptions) {
    this.#options = options;
    this.#maxHeld = Math.max(1, options.maxHeld ?? 1000);
    this.#last = options.lastSeq;
  }

  /** The last seq delivered (or given as `lastSeq`); `undefined` before the first. */
  get lastSeq(): number | undefined {
    return this.#last;
  }

  /** Whether a feed read is running. */
  get reading(): boolean {
    return this.#reading !== undefined;
  }

  /** Resolves when no feed read is running. */
  get idle(): Promise<void> {
    return this.#reading ?? Promise.resolve();
  }

  /** Takes one live event of the owner. */
  push(event: TrackerEvent): void {
    if (this.#closed) return;
    const last = this.#last;
    if (!this.#reading && this.#held.length === 0 && (last === undefined || event.seq === last + 1)) {
      this.#deliver(event);
    } else if (last === undefined || event.seq > last) {
      this.#hold(event);
      this.request(event.seq);
    }
  }

  /**
   * Makes the feed be read up to `target` (`Infinity`: its end), after the last delivered
   * seq, or after `from` when none is known yet: joins the running read, or starts one.
   */
  request(target: number, from?: number): void {
    if (this.#closed) return;
    this.#want = Math.max(this.#want, target);
    if (this.#reading) return;
    if (this.#last === undefined) {
      if (from === undefined) return;
      this.#last = from;
    }
    this.#reading = this.#catchUp();
  }

  /** Stops delivering: a running read ends before its next event. */
  close(): void {
    this.#closed = true;
    this.#held = [];
  }

  #hold(event: TrackerEvent): void {
    // Past the cap keep only its seq: the feed has the event, and the catch-up reads it again.
    if (this.#held.length < this.#maxHeld) this.#held.push(event);
    else this.#behind = Math.max(this.#behind, event.seq);
  }

  async #catchUp(): Promise<void> {
    await Promise.resolve(); // in #reading before it can finish
    try {
      for (;;) {
        const before = this.#last ?? 0;
        if (!(await this.#readFeed()) || !(await this.#deliverHeld())) return;
        // Checked with no await before going live, so nothing pushed in between is missed.
        if (!this.#missing()) return;
        if (this.#last === before) {
          this.#options.onGap?.(this.#last, this.#held[0]?.seq);
          for (const event of this.#held.splice(0).sort((a, b) => a.seq - b.seq)) this.#deliver(event);
          this.#behind = 0;
          return;
        }
      }
    } catch (error) {
      if (!this.#closed) this.#options.onError(error);
    } finally {
      // Synchronously with the last check: a later push finds no read running.
      this.#reading = undefined;
      this.#want = 0;
    }
  }

  /** The feed, page by page, up to the wanted seq or its end. @returns whether to go on */
  async #readFeed(): Promise<boolean> {
    for (;;) {
      const want = this.#want;
      if (this.#closed) return false;
      if ((this.#last ?? 0) >= want) return true;
      const page = await this.#options.read(this.#last ?? 0, PAGE);
      for (const event of page) if (!(await this.#paced(event))) return false;
      // The end of the feed, and nobody asked for more meanwhile.
      if (page.length < PAGE && want === this.#want) return true;
    }
  }

  /** What arrived meanwhile, in seq order, up to a gap. @returns whether to go on */
  async #deliverHeld(): Promise<boolean> {
    for (;;) {
      const next = this.#held.sort((a, b) => a.seq - b.seq)[0];
      if (!next || next.seq > (this.#last ?? 0) + 1) return true;
      this.#held.shift();
      if (!(await this.#paced(next))) return false;
    }
  }

  /** Whether a seq is known to exist past the last delivered one. */
  #missing(): boolean {
    const last = this.#last ?? 0;
    return this.#held.length > 0 || this.#behind > last || (this.#want !== Infinity && this.#want > last);
  }

  /** Delivers one event of a catch-up once the consumer is ready. @returns whether to go on */
  async #paced(event: TrackerEvent): Promise<boolean> {
    if (this.#last !== undefined && event.seq <= this.#last) return !this.#closed;
    if (this.#options.ready && !(await this.#options.ready())) this.close();
    if (this.#closed) return false;
    this.#deliver(event);
    return !this.#closed;
  }

  #deliver(event: TrackerEvent): void {
    if (this.#last !== undefined && event.seq <= this.#last) return;
    this.#last = event.seq;
    this.#options.deliver(event);
  }
}
