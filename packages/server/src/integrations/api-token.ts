import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The prefix of every API token (SPEC §7.4). A fixed, distinctive prefix is what lets a
 * secret scanner (GitHub's, gitleaks) recognise a leaked token, and a person tell it from a
 * password or a JWT at a glance.
 */
export const API_TOKEN_PREFIX = 'etk_';
/** Random base62 characters after the prefix: 32 × log2(62) ≈ 190 bits, beyond guessing. */
const BODY_LENGTH = 32;
/** Base62 characters of the CRC32 checksum: 62⁶ ≈ 5.7 × 10¹⁰ holds every 32-bit value. */
const CHECKSUM_LENGTH = 6;
/** Characters of the token kept as its display prefix: the prefix and 8 body characters. */
const DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 8;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 62 that fits a byte: bytes at or above it are drawn again. */
const UNBIASED_LIMIT = 62 * 4;

/**
 * What a secret scanner looks for: the prefix, 38 base62 characters, at word boundaries.
 *
 * @example
 * ```ts
 * import { API_TOKEN_PATTERN, mintApiToken } from './api-token.js'; // internal to the server for now
 *
 * const { token } = mintApiToken();
 * API_TOKEN_PATTERN.test(`curl -H "Authorization: Bearer ${token}"`); // true
 * ```
 */
export const API_TOKEN_PATTERN = /\betk_[0-9A-Za-z]{38}\b/;

/**
 * A freshly minted token: `token` is shown to its owner once and never stored; `prefix`
 * identifies it in lists ("etk_AbC12xyZ…"); `hash` is what the database keeps and looks up.
 */
export interface MintedApiToken {
  token: string;
  prefix: string;
  hash: string;
}

/**
 * Why a text is not an API token. Each is decided from the text alone, so a mistyped or
 * truncated token is refused before any database read.
 *
 * - `missing_prefix` — it does not start with `etk_` (a JWT, a password, another service's token);
 * - `wrong_length` — not 42 characters;
 * - `invalid_character` — something other than base62 after the prefix;
 * - `checksum_mismatch` — the last 6 characters are not the CRC32 of the 32 before them.
 */
export type ApiTokenProblem = 'missing_prefix' | 'wrong_length' | 'invalid_character' | 'checksum_mismatch';

/** The outcome of {@link parseApiToken}. */
export type ParsedApiToken =
  { ok: true; token: string; prefix: string; hash: string } | { ok: false; problem: ApiTokenProblem };

/**
 * Mints a new API token: `etk_`, 32 random base62 characters, and a 6-character base62
 * CRC32 checksum of those 32, as GitHub's tokens are built.
 *
 * @example
 * ```ts
 * import { mintApiToken } from './api-token.js'; // internal to the server for now
 *
 * const { token, prefix, hash } = mintApiToken();
 * // token: 'etk_' + 38 characters, shown once; store `prefix` and `hash` only
 * token.startsWith(prefix); // true
 * ```
 */
export function mintApiToken(): MintedApiToken {
  const body = randomBase62(BODY_LENGTH);
  const token = `${API_TOKEN_PREFIX}${body}${checksumOf(body)}`;
  return { token, prefix: token.slice(0, DISPLAY_LENGTH), hash: hashApiToken(token) };
}

/**
 * Checks the shape and checksum of a presented token, with no I/O. A token that passes may
 * still be unknown, revoked or expired: that is for the lookup by `hash` to say.
 *
 * @example
 * ```ts
 * import { mintApiToken, parseApiToken } from './api-token.js'; // internal to the server for now
 *
 * const { token } = mintApiToken();
 * parseApiToken(token); // { ok: true, token, prefix, hash }
 * parseApiToken(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')); // { ok: false, problem: 'checksum_mismatch' }
 * parseApiToken('eyJhbGciOiJIUzI1NiJ9.e30.x'); // { ok: false, problem: 'missing_prefix' }
 * ```
 */
export function parseApiToken(text: string): ParsedApiToken {
  if (!text.startsWith(API_TOKEN_PREFIX)) return { ok: false, problem: 'missing_prefix' };
  if (text.length !== API_TOKEN_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH)
    return { ok: false, problem: 'wrong_length' };
  const rest = text.slice(API_TOKEN_PREFIX.length);
  if (![...rest].every((char) => BASE62.includes(char))) return { ok: false, problem: 'invalid_character' };
  const body = rest.slice(0, BODY_LENGTH);
  if (checksumOf(body) !== rest.slice(BODY_LENGTH)) return { ok: false, problem: 'checksum_mismatch' };
  return { ok: true, token: text, prefix: text.slice(0, DISPLAY_LENGTH), hash: hashApiToken(text) };
}

/**
 * The SHA-256 of a token, hex: what is stored and looked up. A plain hash, not a password
 * hash, because the token carries 190 random bits: nothing to brute-force, and every request
 * can afford it.
 *
 * @example
 * ```ts
 * import { hashApiToken, mintApiToken } from './api-token.js'; // internal to the server for now
 *
 * const minted = mintApiToken();
 * hashApiToken(minted.token) === minted.hash; // true
 * ```
 */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Whether two stored-form hashes are equal, in time that does not depend on where they
 * differ, so that comparing a presented token against a stored row leaks nothing.
 *
 * @example
 * ```ts
 * import { apiTokenHashesEqual, mintApiToken, parseApiToken } from './api-token.js'; // internal to the server for now
 *
 * const stored = mintApiToken();
 * const presented = parseApiToken(stored.token);
 * presented.ok && apiTokenHashesEqual(presented.hash, stored.hash); // true
 * ```
 */
export function apiTokenHashesEqual(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  // timingSafeEqual throws on different lengths; the length of a hash is no secret.
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * `length` base62 characters from the system's CSPRNG. A byte maps to a character only when
 * it is below 248 (4 × 62): `byte % 62` over 0..255 would make the first 8 characters more
 * likely than the rest, so the other 8 byte values are thrown away and drawn again.
 */
function randomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < UNBIASED_LIMIT && text.length < length) text += BASE62.charAt(byte % 62);
    }
  }
  return text;
}

/** The CRC32 of `body` in base62, left-padded to 6 characters. */
function checksumOf(body: string): string {
  let value = crc32(body);
  let text = '';
  while (value > 0) {
    text = BASE62.charAt(value % 62) + text;
    value = Math.floor(value / 62);
  }
  return text.padStart(CHECKSUM_LENGTH, '0');
}
