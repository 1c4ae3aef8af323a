import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { validationError } from '../errors.js';

/** The envelope's version: the first field, so a later format can be told apart. */
const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** GCM's standard nonce: 96 bits, random per seal (2³² seals per key stay far from a collision). */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * One operator key: an id (letters, digits, `_`, `-`; at most 32) written into every envelope
 * it seals, and 32 bytes, raw or in base64 (`openssl rand -base64 32`).
 *
 * @example
 * ```ts
 * import type { SecretBoxKey } from '@expense-tracker/core';
 *
 * const keys: SecretBoxKey[] = [{ id: '2026-12', key: process.env.WEBHOOK_KEY ?? '' }];
 * ```
 */
export interface SecretBoxKey {
  id: string;
  key: string | Uint8Array;
}

/**
 * Why an envelope could not be opened:
 *
 * - `malformed` — not an envelope of this format (truncated, edited separators, bad base64);
 * - `unknown_key` — sealed with a key id that is not configured (a key retired too early);
 * - `not_authentic` — the key does not open it: the envelope, its key id or its context was
 *   changed, or the key behind the id is not the one that sealed it.
 */
export type SecretBoxProblem = 'malformed' | 'unknown_key' | 'not_authentic';

/** The outcome of {@link SecretBox.open}. */
export type OpenedSecret = { ok: true; plaintext: string } | { ok: false; problem: SecretBoxProblem };

/**
 * Encrypts small secrets (webhook signing secrets) for storage, with AES-256-GCM under an
 * operator's key, so that a copy of the database alone does not give them away.
 */
export interface SecretBox {
  /**
   * Encrypts with the current key (the first configured). `context` (a row's id, say) is
   * authenticated but not stored: the envelope opens only with the same context, so one
   * endpoint's stored secret cannot be copied onto another's row.
   */
  seal(plaintext: string, context?: string): string;
  /** Decrypts an envelope sealed by any configured key, with the context it was sealed with. */
  open(envelope: string, context?: string): OpenedSecret;
  /** Whether an envelope was sealed by a key other than the current one: re-seal it to finish a rotation. */
  isStale(envelope: string): boolean;
}

/**
 * A {@link SecretBox} over the operator's keys, the current one first. To rotate: put a new
 * key first and keep the old ones after it; envelopes sealed by an old key still open, new
 * ones use the new key, and {@link SecretBox.isStale} finds those to re-seal before an old
 * key is removed. Envelopes read `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts).
 *
 * @throws TrackerError `VALIDATION_FAILED` when no key is given, an id is malformed or
 *   repeated, or a key is not 32 bytes.
 *
 * @example
 * ```ts
 * import { randomBytes } from 'node:crypto';
 * import { createSecretBox } from './webhooks.js'; // internal to core for now
 *
 * const box = createSecretBox([{ id: '2026-12', key: randomBytes(32).toString('base64') }]);
 * const stored = box.seal('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'ep_01J…');
 * box.open(stored, 'ep_01J…'); // { ok: true, plaintext: 'whsec_MfKQ…' }
 * box.open(stored, 'ep_other'); // { ok: false, problem: 'not_authentic' }
 * ```
 */
export function createSecretBox(keys: readonly SecretBoxKey[]): SecretBox {
  const byId = keyring(keys);
  const [current] = keys;
  if (current === undefined)
    throw validationError([{ path: ['keys'], code: 'too_small', message: 'At least one encryption key is needed' }]);
  return {
    seal: (plaintext, context = '') => seal(current.id, byId.get(current.id)!, plaintext, context),
    open: (envelope, context = '') => open(byId, envelope, context),
    isStale: (envelope) => envelope.split('.')[1] !== current.id,
  };
}

function seal(keyId: string, key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    keyId,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

function open(keys: Map<string, Buffer>, envelope: string, context: string): OpenedSecret {
  const parts = envelope.split('.');
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (parts.length !== 5 || version !== VERSION || !keyId || !KEY_ID.test(keyId))
    return { ok: false, problem: 'malformed' };
  const [ivBytes, ciphertextBytes, tagBytes] = [iv, ciphertext, tag].map(base64url);
  if (!ivBytes || !ciphertextBytes || !tagBytes || ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES)
    return { ok: false, problem: 'malformed' };
  const key = keys.get(keyId);
  if (!key) return { ok: false, problem: 'unknown_key' };
  const decipher = createDecipheriv(ALGORITHM, key, ivBytes, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(keyId, context));
  decipher.setAuthTag(tagBytes);
  try {
    return {
      ok: true,
      plaintext: Buffer.concat([decipher.update(ciphertextBytes), decipher.final()]).toString('utf8'),
    };
  } catch {
    // final() throws exactly when the tag does not verify; nothing decrypted is returned.
    return { ok: false, problem: 'not_authentic' };
  }
}

/** The authenticated, unencrypted data: the format, the key id and the caller's context. */
function associatedData(keyId: string, context: string): Buffer {
  return Buffer.from(JSON.stringify([VERSION, keyId, context]), 'utf8');
}

/** Strict base64url (no padding, no other characters), or null. */
function base64url(text: string | undefined): Buffer | null {
  if (text === undefined || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  return Buffer.from(text, 'base64url');
}

/** The configured keys by id, each checked: a bad key is an operator's mistake, named at start. */
function keyring(keys: readonly SecretBoxKey[]): Map<string, Buffer> {
  const byId = new Map<string, Buffer>();
  keys.forEach(({ id, key }, index) => {
    const bytes =
      typeof key === 'string' ? (BASE64.test(key) ? Buffer.from(key, 'base64') : Buffer.alloc(0)) : Buffer.from(key);
    const problem = !KEY_ID.test(id)
      ? 'A key id is 1 to 32 letters, digits, "_" or "-"'
      : byId.has(id)
        ? `Key id ${JSON.stringify(id)} is configured twice`
        : bytes.length !== KEY_BYTES
          ? `Key ${JSON.stringify(id)} must be ${KEY_BYTES} bytes (base64 of 32 random bytes: openssl rand -base64 32)`
          : null;
    if (problem) throw validationError([{ path: ['keys', index], code: 'invalid_encryption_key', message: problem }]);
    byId.set(id, bytes);
  });
  return byId;
}
