import type { OwnerHandle, TrackerEvent } from '@expense-tracker/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { OwnerSubscriber } from './notification-hub.js';
import { NOTIFICATION_TYPES, type NotificationMessage } from './notification-message.js';

const FORWARDED: ReadonlySet<string> = new Set(NOTIFICATION_TYPES);
/** Change feed page size while replaying. */
const PAGE = 200;
/** How often a paced replay looks at the socket's queue. */
const DRAIN_POLL_MS = 10;
/** Live events held during a catch-up, beyond which only the highest seq is kept. */
const MAX_HELD = 1000;

/** Options of a {@link NotificationStream}. */
export interface NotificationStreamOptions {
  socket: WebSocket;
  /** The socket's user: the feed it replays and the only events it forwards. */
  owner: OwnerHandle;
  /** Above this many bytes queued on the socket, the client is too slow and is dropped. */
  maxBufferedBytes: number;
  logger: Logger;
}

/**
 * One socket's view of its user's events: replays the change feed, then goes live, sending
 * every forwarded event exactly once and in `seq` order.
 *
 * While it reads the feed (at start, or to fill a gap), live events are held back; afterwards
 * those already sent are dropped and the rest sent in order. A live event that skips a seq
 * (emitted out of order, or committed by another process) makes it read the feed again from
 * the last seq it handled, since the feed is gapless. It never sends a seq at or below one
 * it already handled.
 */
export class NotificationStream implements OwnerSubscriber {
  readonly ownerId: string;
  readonly #socket: WebSocket;
  readonly #owner: OwnerHandle;
  readonly #maxBufferedBytes: number;
  readonly #logger: Logger;
  /** The highest seq handled, forwarded or not (other types advance it too). */
  #lastSeq = 0;
  #catchingUp = true;
  /** Live events that arrived during a catch-up, at most MAX_HELD. */
  #held: TrackerEvent[] = [];
  /** The highest seq not held because the cap was reached. */
  #behind = 0;

  constructor(options: NotificationStreamOptions) {
    this.#socket = options.socket;
    this.#owner = options.owner;
    this.ownerId = options.owner.ownerId;
    this.#maxBufferedBytes = options.maxBufferedBytes;
    this.#logger = options.logger;
  }

  /** The highest seq this stream has handled. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /**
   * Replays what came after `after` (`null`: nothing, start from now), then goes live. The
   * stream MUST already receive live events (be in the hub), so nothing committed during the
   * replay is missed. An `after` beyond the feed's end is taken as its end. Never throws: a
   * failure closes the socket with 1011.
   */
  async start(after: number | null): Promise<void> {
    try {
      const { lastSeq } = await this.#owner.changes({ after: 0, limit: 1 });
      this.#lastSeq = after === null ? lastSeq : Math.min(after, lastSeq);
    } catch (error) {
      this.#fail(error);
      return;
    }
    await this.#catchUp();
  }

  push(event: TrackerEvent): void {
    if (this.#catchingUp) {
      this.#hold(event);
    } else if (event.seq === this.#lastSeq + 1) {
      this.#deliver(event);
    } else if (event.seq > this.#lastSeq) {
      this.#hold(event);
      void this.#catchUp();
    }
  }

  #hold(event: TrackerEvent): void {
    // Past the cap keep only its seq: the feed has the event, and the catch-up reads it again.
    if (this.#held.length < MAX_HELD) this.#held.push(event);
    else this.#behind = Math.max(this.#behind, event.seq);
  }

  async #catchUp(): Promise<void> {
    this.#catchingUp = true;
    try {
      for (;;) {
        const before = this.#lastSeq;
        // The feed, page by page.
        for (;;) {
          if (this.#socket.readyState !== WebSocket.OPEN) return;
          const { events } = await this.#owner.changes({ after: this.#lastSeq, limit: PAGE });
          for (const event of events) if (!(await this.#paced(event))) return;
          if (events.length < PAGE) break;
        }
        // Then what arrived meanwhile, in seq order, up to a gap (which the feed fills next round).
        for (;;) {
          const next = this.#held.sort((a, b) => a.seq - b.seq)[0];
          if (!next || next.seq > this.#lastSeq + 1) break;
          this.#held.shift();
          if (!(await this.#paced(next))) return;
        }
        // Checked with no await before going live, so nothing pushed in between is missed.
        if (this.#held.length === 0 && this.#behind <= this.#lastSeq) return;
        if (this.#lastSeq === before) {
          // The feed has nothing new, yet a seq is missing. Events are emitted after commit, so
          // this should not happen; send what is held rather than wait for it forever.
          this.#logger.warn({ owner: this.ownerId, lastSeq: this.#lastSeq, held: this.#held[0]?.seq }, 'notification feed gap left unfilled');
          for (const event of this.#held.splice(0)) this.#deliver(event);
          this.#behind = 0;
          return;
        }
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#catchingUp = false;
    }
  }

  /**
   * Delivers one replayed event, first waiting until the client has taken most of what was
   * sent before: a long backlog to a healthy but distant client is paced, not mistaken for a
   * slow consumer. A client that stops reading stops answering pings too, and is terminated
   * for that.
   *
   * @returns whether the socket is still open
   */
  async #paced(event: TrackerEvent): Promise<boolean> {
    while (this.#socket.readyState === WebSocket.OPEN && this.#socket.bufferedAmount > this.#maxBufferedBytes / 2) await sleep(DRAIN_POLL_MS);
    this.#deliver(event);
    return this.#socket.readyState === WebSocket.OPEN;
  }

  #deliver(event: TrackerEvent): void {
    if (event.seq <= this.#lastSeq) return;
    this.#lastSeq = event.seq;
    if (!FORWARDED.has(event.type) || this.#socket.readyState !== WebSocket.OPEN) return;
    // What the kernel has not taken yet: a client that does not read lets it grow without bound.
    const buffered = this.#socket.bufferedAmount;
    if (buffered > this.#maxBufferedBytes) {
      this.#logger.warn({ owner: this.ownerId, buffered, limit: this.#maxBufferedBytes, seq: event.seq }, 'notification socket too slow: dropped');
      this.#socket.terminate();
      return;
    }
    const message = { type: event.type, seq: event.seq, at: event.at, data: event.data } as NotificationMessage;
    this.#socket.send(JSON.stringify(message));
  }

  #fail(error: unknown): void {
    this.#logger.error({ err: error, owner: this.ownerId, lastSeq: this.#lastSeq }, 'notification replay failed');
    if (this.#socket.readyState === WebSocket.OPEN) this.#socket.close(1011, 'Server error; reconnect with ?after=<last seq>');
  }
}
