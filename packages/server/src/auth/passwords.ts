import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { HttpError } from '../http/problem.js';

/**
 * scrypt parameters, stored with each hash so they can be raised later.
 *
 * @example
 * ```ts
 * import { PasswordHasher, type ScryptParams } from '@expense-tracker/server';
 *
 * const owasp: ScryptParams = { logN: 17, r: 8, p: 1 }; // N = 2^17 (OWASP's minimum): 128 MiB per hash
 * const stored = await new PasswordHasher({ logN: 14, r: 8, p: 1 }).hash('correct horse battery');
 * // Raising the cost keeps old hashes working: each is checked with the parameters stored in it.
 * await new PasswordHasher(owasp).verify('correct horse battery', stored); // true
 * ```
 */
export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * 2 + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // node:crypto's scrypt runs on libuv's thread pool: the event loop keeps serving.
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * How {@link PasswordHasher} shares its hashing slots between clients.
 *
 * @example
 * ```ts
 * import { PasswordHasher, type HashingLimits } from '@expense-tracker/server';
 *
 * // 4 hashes at once (512 MiB at N = 2^17); 64 may wait; one client address holds at most 4 of all those.
 * const limits: HashingLimits = { concurrency: 4, maxWaiting: 64, maxPerClient: 4 };
 * const hasher = new PasswordHasher({ logN: 17, r: 8, p: 1 }, limits);
 * ```
 */
export interface HashingLimits {
  /** Hashes at once; each takes 128·N·r bytes (128 MiB at N = 2^17, r = 8). @default 2 */
  concurrency: number;
  /** Hashes that may wait for a slot; one more is refused (503) or pushes out a waiter of a worse client. @default 32 */
  maxWaiting: number;
  /** Hashes one client may have running or waiting; one more is refused (429). @default 4 */
  maxPerClient: number;
}

/**
 * Who a hash is for, so that {@link PasswordHasher} can share its slots fairly.
 *
 * @example
 * ```ts
 * import { PasswordHasher, type HashTicket } from '@expense-tracker/server';
 *
 * const hasher = new PasswordHasher({ logN: 17, r: 8, p: 1 });
 * // A client address with 3 recent failures waits behind one with none.
 * const ticket: HashTicket = { client: '203.0.113.7', priority: 3 };
 * await hasher.verify('a guess', process.env.STORED_HASH!, ticket);
 * ```
 */
export interface HashTicket {
  /**
   * The client (its address): it may hold at most `maxPerClient` hashes running or waiting. A
   * hash without a ticket is no client's: it waits with priority 0 and counts against no share.
   */
  client: string;
  /** Lower is served first; equal ones in arrival order. @default 0 */
  priority?: number;
}

/**
 * What a {@link PasswordHasher} is doing.
 *
 * @example
 * ```ts
 * import { PasswordHasher, type HashingStats } from '@expense-tracker/server';
 *
 * const hasher = new PasswordHasher({ logN: 17, r: 8, p: 1 });
 * const { running, waiting, evaluations, refused }: HashingStats = hasher.stats;
 * console.log(`${running} hashing, ${waiting} waiting; ${evaluations} done and ${refused} refused since start`);
 * ```
 */
export interface HashingStats {
  running: number;
  waiting: number;
  /** scrypt derivations finished (hashes and verifications, dummy ones included) since start. */
  evaluations: number;
  /** Hashes refused (a client over its share, the queue full) or pushed out of the queue since start. */
  refused: number;
}

interface Waiter {
  client: string;
  priority: number;
  seq: number;
  start: () => void;
  refuse: (error: HttpError) => void;
}

const DEFAULT_LIMITS: HashingLimits = { concurrency: 2, maxWaiting: 32, maxPerClient: 4 };

/**
 * Password hashing with scrypt as a bounded, fair resource. At most `concurrency` hashes run at
 * once, so memory stays bounded; the rest wait in a bounded queue, served lowest `priority`
 * first (the server passes the client address's recent failure count, so a flood of failing
 * guesses waits behind a fresh client), in arrival order among equals. One client may hold at
 * most `maxPerClient` hashes running or waiting; beyond that it is refused at once with 429. A
 * full queue refuses with 503 (both with `Retry-After`), or, when the newcomer's priority is
 * better than the worst waiter's, pushes that waiter out instead: nothing waits without end.
 *
 * @example
 * ```ts
 * import { PasswordHasher } from '@expense-tracker/server';
 *
 * const hasher = new PasswordHasher({ logN: 17, r: 8, p: 1 }, { concurrency: 4 }); // at most 4 hashes (512 MiB) at once
 * const stored = await hasher.hash('correct horse battery'); // 'scrypt$17$8$1$<salt>$<key>'
 * await hasher.verify('correct horse battery', stored); // true
 * await hasher.verify('wrong password', stored, { client: '203.0.113.7' }); // false
 * ```
 */
export class PasswordHasher {
  readonly #params: ScryptParams;
  readonly #limits: HashingLimits;
  #running = 0;
  readonly #waiting: Waiter[] = [];
  /** Running plus waiting hashes per client. */
  readonly #held = new Map<string, number>();
  #seq = 0;
  #evaluations = 0;
  #refused = 0;
  /** A moving average of one hash's duration, for `Retry-After`. */
  #averageMs = 0;
  #dummy: Promise<string> | undefined;

  /**
   * @param params - the scrypt cost of new hashes
   * @param limits - how the slots are shared (a number: `concurrency` alone, as before)
   */
  constructor(params: ScryptParams, limits: Partial<HashingLimits> | number = {}) {
    this.#params = params;
    this.#limits = { ...DEFAULT_LIMITS, ...(typeof limits === 'number' ? { concurrency: limits } : limits) };
  }

  /** What the hasher is doing now, and how much it has done. */
  get stats(): HashingStats {
    return {
      running: this.#running,
      waiting: this.#waiting.length,
      evaluations: this.#evaluations,
      refused: this.#refused,
    };
  }

  /** Seconds a client would wait for `ahead` hashes to be done, at least 1. */
  #retryAfter(ahead: number): Record<string, string> {
    const ms = (Math.max(ahead, 1) * (this.#averageMs || 1000)) / this.#limits.concurrency;
    return { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
  }

  #refuse(error: HttpError): HttpError {
    this.#refused += 1;
    return error;
  }

  #hold(client: string, delta: number): void {
    const next = (this.#held.get(client) ?? 0) + delta;
    if (next > 0) this.#held.set(client, next);
    else this.#held.delete(client);
  }

  async #slot<T>(ticket: HashTicket | undefined, fn: () => Promise<T>): Promise<T> {
    const client = ticket?.client ?? 'local';
    const priority = ticket?.priority ?? 0;
    const held = this.#held.get(client) ?? 0;
    // Without a ticket (the host's own code, an admin script) the hash is no client's: no share applies.
    if (ticket !== undefined && held >= this.#limits.maxPerClient) {
      throw this.#refuse(
        new HttpError(
          'RATE_LIMITED',
          'Too many password checks from your address are in progress; try again shortly',
          this.#retryAfter(held),
        ),
      );
    }
    if (this.#running < this.#limits.concurrency) {
      this.#running += 1;
      this.#hold(client, 1);
    } else {
      await this.#wait(client, priority); // resolves with the slot already taken for it
    }
    const started = performance.now();
    try {
      const result = await fn();
      this.#evaluations += 1;
      return result;
    } finally {
      this.#averageMs =
        this.#averageMs === 0
          ? performance.now() - started
          : this.#averageMs * 0.8 + (performance.now() - started) * 0.2;
      this.#running -= 1;
      this.#hold(client, -1);
      this.#next();
    }
  }

  /** Queues a hash (bounded), or refuses it, or pushes out a worse waiter to make room. */
  #wait(client: string, priority: number): Promise<void> {
    if (this.#waiting.length >= this.#limits.maxWaiting) {
      const worst = this.#waiting.reduce((a, b) =>
        b.priority > a.priority || (b.priority === a.priority && b.seq > a.seq) ? b : a,
      );
      if (worst.priority <= priority) {
        throw this.#refuse(
          new HttpError(
            'SERVER_BUSY',
            'Too many password checks are waiting; try again shortly',
            this.#retryAfter(this.#waiting.length),
          ),
        );
      }
      this.#waiting.splice(this.#waiting.indexOf(worst), 1);
      this.#hold(worst.client, -1);
      worst.refuse(
        this.#refuse(
          new HttpError(
            'SERVER_BUSY',
            'Too many password checks are waiting; try again shortly',
            this.#retryAfter(this.#waiting.length),
          ),
        ),
      );
    }
    this.#hold(client, 1);
    return new Promise<void>((start, refuse) => {
      this.#seq += 1;
      this.#waiting.push({ client, priority, seq: this.#seq, start, refuse });
    });
  }

  /** Starts the best waiter: the lowest priority, the earliest among equals. */
  #next(): void {
    if (this.#waiting.length === 0 || this.#running >= this.#limits.concurrency) return;
    let best = 0;
    for (let i = 1; i < this.#waiting.length; i += 1) {
      const w = this.#waiting[i]!;
      const b = this.#waiting[best]!;
      if (w.priority < b.priority || (w.priority === b.priority && w.seq < b.seq)) best = i;
    }
    // The slot is taken here, not when the waiter resumes: a hash arriving in between must not take it too.
    this.#running += 1;
    this.#waiting.splice(best, 1)[0]!.start();
  }

  /** Hashes a password: `scrypt$logN$r$p$salt$key` (base64url). */
  hash(password: string, ticket?: HashTicket): Promise<string> {
    return this.#slot(ticket, async () => {
      const salt = randomBytes(16);
      const key = await derive(password, salt, this.#params);
      const { logN, r, p } = this.#params;
      return `scrypt$${logN}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
    });
  }

  /** Whether `password` matches `stored`, compared in constant time. */
  verify(password: string, stored: string, ticket?: HashTicket): Promise<boolean> {
    return this.#slot(ticket, async () => {
      const [scheme, logN, r, p, salt, key] = stored.split('$');
      if (scheme !== 'scrypt' || !salt || !key) return false;
      const expected = Buffer.from(key, 'base64url');
      const actual = await derive(password, Buffer.from(salt, 'base64url'), {
        logN: Number(logN),
        r: Number(r),
        p: Number(p),
      });
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    });
  }

  /**
   * Spends the same work as a real verification, for an unknown user, so that the answer's
   * timing does not tell which usernames exist. It waits in the same queue, with the same ticket.
   */
  async verifyDummy(password: string, ticket?: HashTicket): Promise<false> {
    this.#dummy ??= this.#makeDummy().catch((error: unknown) => {
      this.#dummy = undefined; // try again next time rather than fail every unknown user's login
      throw error;
    });
    await this.verify(password, await this.#dummy, ticket);
    return false;
  }

  /**
   * The dummy hash, made once, outside the queue (it is no client's work, and a refusal must not
   * stick to it) and not counted: one extra hash at once, once per process.
   */
  async #makeDummy(): Promise<string> {
    const salt = randomBytes(16);
    const { logN, r, p } = this.#params;
    const key = await derive('not a real password', salt, this.#params);
    return `scrypt$${logN}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }
}
