import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { HttpError } from '../http/problem.js';

/**
 * Limits of `GET /analytics/export` (`createApp({ exports })`).
 *
 * @example
 * ```ts
 * import { createApp, type ExportLimits } from '@expense-tracker/server';
 *
 * // Up to 4 exports at once per user; one whose client reads nothing for 2 minutes is cut off.
 * const exports: ExportLimits = { maxPerUser: 4, idleTimeoutMs: 120_000 };
 * createApp({ tracker, jwtSecret: process.env.JWT_SECRET!, exports });
 * ```
 */
export interface ExportLimits {
  /** Exports one user may be receiving at once (per instance); one more is a 429. @default 2 */
  maxPerUser?: number;
  /**
   * A download whose client takes nothing for this long (the socket accepts no byte) is cut
   * off, and its slot freed. @default 30000
   */
  idleTimeoutMs?: number;
}

/**
 * Bytes an export's stream holds before it stops pulling the next chunk from core: below one
 * chunk of 100 expenses, so at most one chunk waits in the stream and one in the socket.
 */
const STREAM_HIGH_WATER_MARK = 16 * 1024;

/** The chunks of an iterator whose first chunk was already read. */
async function* resume(first: IteratorResult<string>, iterator: AsyncIterator<string>): AsyncGenerator<string> {
  try {
    for (let next = first; !next.done; next = await iterator.next()) yield next.value;
  } finally {
    // A client that hangs up (or is cut off) ends the export early: let core release what it holds.
    await iterator.return?.();
  }
}

/**
 * The running exports per user, and how each is streamed: in small chunks, pulled from core
 * only as the socket takes them, and cut off when the client stops reading.
 *
 * What one export holds for a client that stops reading: core's current batch of rows (at
 * most 1,000), one formatted chunk (100 expenses) in the stream, one in the socket's buffer,
 * and what the operating system's socket buffers take. With `maxPerUser` exports per user
 * and the idle timeout, that is bounded per user and in time.
 */
export class ExportStreams {
  readonly #maxPerUser: number;
  readonly #idleTimeoutMs: number;
  readonly #running = new Map<string, number>();

  constructor(limits: ExportLimits = {}) {
    this.#maxPerUser = limits.maxPerUser ?? 2;
    this.#idleTimeoutMs = limits.idleTimeoutMs ?? 30_000;
  }

  /**
   * Takes one of the user's export slots, or throws `TOO_MANY_EXPORTS` (429, with
   * `Retry-After`: the idle timeout, after which a stalled export has let its slot go).
   * Returns the function that gives it back (once, however often it is called).
   */
  acquire(userId: string): () => void {
    const running = this.#running.get(userId) ?? 0;
    if (running >= this.#maxPerUser) {
      throw new HttpError(
        'TOO_MANY_EXPORTS',
        `At most ${this.#maxPerUser} exports per user can run at once; wait for one to finish`,
        {
          'retry-after': String(Math.max(1, Math.ceil(this.#idleTimeoutMs / 1000))),
        },
      );
    }
    this.#running.set(userId, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#running.get(userId) ?? 1) - 1;
      if (left > 0) this.#running.set(userId, left);
      else this.#running.delete(userId);
    };
  }

  /**
   * The response body of an export whose first chunk was read: a byte stream that pulls the
   * next chunk only when the one before has (nearly) left it. `res` is cut off once its socket
   * has taken nothing for the idle timeout; `release` runs when the response is over, however
   * it ended (finished, cut off, or the client went away).
   */
  body(
    first: IteratorResult<string>,
    iterator: AsyncIterator<string>,
    res: ServerResponse,
    release: () => void,
  ): Readable {
    // Node's socket timeout measures what we want: it is renewed whenever the socket accepts a
    // write (or reads), so a slow reader that keeps taking bytes is never cut off, and one that
    // stops is. When the response ends, Node puts the keep-alive timeout back.
    res.setTimeout(this.#idleTimeoutMs, () => res.destroy());
    res.once('close', release);
    return Readable.from(resume(first, iterator), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
  }
}
