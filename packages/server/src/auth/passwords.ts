import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

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
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Password hashing with scrypt, at most `concurrency` hashes at once so memory stays
 * bounded (each takes 128·N·r bytes: 128 MiB at OWASP's N = 2^17, r = 8).
 *
 * @example
 * ```ts
 * import { PasswordHasher } from '@expense-tracker/server';
 *
 * const hasher = new PasswordHasher({ logN: 17, r: 8, p: 1 }, 4); // at most 4 hashes (512 MiB) at once
 * const stored = await hasher.hash('correct horse battery'); // 'scrypt$17$8$1$<salt>$<key>'
 * await hasher.verify('correct horse battery', stored); // true
 * await hasher.verify('wrong password', stored); // false
 * ```
 */
export class PasswordHasher {
  readonly #params: ScryptParams;
  readonly #concurrency: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];
  #dummy: Promise<string> | undefined;

  /** @param params - cost; @param concurrency - most hashes at once @default 2 */
  constructor(params: ScryptParams, concurrency = 2) {
    this.#params = params;
    this.#concurrency = concurrency;
  }

  async #slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running += 1;
    try {
      return await fn();
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }

  /** Hashes a password: `scrypt$logN$r$p$salt$key` (base64url). */
  hash(password: string): Promise<string> {
    return this.#slot(async () => {
      const salt = randomBytes(16);
      const key = await derive(password, salt, this.#params);
      const { logN, r, p } = this.#params;
      return `scrypt$${logN}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
    });
  }

  /** Whether `password` matches `stored`, compared in constant time. */
  verify(password: string, stored: string): Promise<boolean> {
    return this.#slot(async () => {
      const [scheme, logN, r, p, salt, key] = stored.split('$');
      if (scheme !== 'scrypt' || !salt || !key) return false;
      const expected = Buffer.from(key, 'base64url');
      const actual = await derive(password, Buffer.from(salt, 'base64url'), { logN: Number(logN), r: Number(r), p: Number(p) });
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    });
  }

  /**
   * Spends the same work as a real verification, for an unknown user, so that the answer's
   * timing does not tell which usernames exist.
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash('not a real password');
    await this.verify(password, await this.#dummy);
    return false;
  }
}
