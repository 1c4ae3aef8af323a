import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  API_TOKEN_PATTERN,
  apiTokenHashesEqual,
  hashApiToken,
  mintApiToken,
  parseApiToken,
} from '../src/integrations/api-token.js';

/**
 * API tokens (SPEC §7.4): `etk_` + 32 random base62 characters + a 6-character base62 CRC32
 * checksum of those 32. The format is public so that secret scanners can find leaked tokens:
 * these tests pin it with an implementation of the checksum written apart from the code's.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bit by bit: the test's own oracle. */
function referenceCrc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Base62 of a non-negative integer with BigInt, left-padded to 6. */
function referenceBase62(value: number): string {
  let [rest, text] = [BigInt(value), ''];
  do {
    text = BASE62[Number(rest % 62n)] + text;
    rest /= 62n;
  } while (rest > 0n);
  return text.padStart(6, '0');
}

describe('API token format', () => {
  it('the oracle is CRC-32 as everyone computes it (check value of "123456789")', () => {
    expect(referenceCrc32('123456789')).toBe(0xcbf43926);
  });

  it('mints etk_ + 32 base62 + the checksum of those 32, with its display prefix and SHA-256 hash', () => {
    for (let i = 0; i < 200; i++) {
      const { token, prefix, hash } = mintApiToken();
      expect(token).toMatch(/^etk_[0-9A-Za-z]{38}$/);
      const body = token.slice(4, 36);
      expect(token.slice(36)).toBe(referenceBase62(referenceCrc32(body)));
      expect(prefix).toBe(token.slice(0, 12));
      expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(hashApiToken(token)).toBe(hash);
    }
  });

  it('accepts a token built by another implementation of the format', () => {
    const body = 'Zz09AaBbCcDdEeFfGgHhIiJjKkLlMmNn';
    const token = `etk_${body}${referenceBase62(referenceCrc32(body))}`;
    expect(parseApiToken(token)).toEqual({ ok: true, token, prefix: 'etk_Zz09AaBb', hash: hashApiToken(token) });
    // A checksum that is zero-padded (small CRC values) is still 6 characters.
    expect(referenceBase62(5)).toBe('000005');
  });

  it('draws characters without modulo bias: each of the 62 appears as often as the others', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 8_000; i++) {
      for (const char of mintApiToken().token.slice(4, 36)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    // `byte % 62` over 0..255 would draw '0'..'7' (from bytes 248..255 too) 5 times for every
    // 4 of each other character: their average count would be 1.25 times the others'. Over
    // 256 000 characters the two averages are each within ~0.6 % (3σ) of equal when unbiased.
    const average = (chars: string[]) => chars.reduce((sum, char) => sum + counts.get(char)!, 0) / chars.length;
    const ratio = average([...BASE62.slice(0, 8)]) / average([...BASE62.slice(8)]);
    expect(ratio).toBeGreaterThan(0.97);
    expect(ratio).toBeLessThan(1.03);
  });

  it('never mints the same token twice in 10 000', () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => mintApiToken().token));
    expect(tokens.size).toBe(10_000);
  });

  it('refuses any one mistyped character, anywhere after the prefix, without a lookup', () => {
    const { token } = mintApiToken();
    for (let position = 4; position < token.length; position++) {
      for (const char of BASE62) {
        if (char === token[position]) continue;
        const typo = token.slice(0, position) + char + token.slice(position + 1);
        expect(parseApiToken(typo), `${position}:${char}`).toEqual({ ok: false, problem: 'checksum_mismatch' });
      }
    }
  });

  it('refuses two neighbouring characters swapped', () => {
    const { token } = mintApiToken();
    for (let position = 4; position < token.length - 1; position++) {
      if (token[position] === token[position + 1]) continue;
      const swapped = token.slice(0, position) + token[position + 1] + token[position] + token.slice(position + 2);
      expect(parseApiToken(swapped).ok, String(position)).toBe(false);
    }
  });

  it('names why a text is not a token', () => {
    const { token } = mintApiToken();
    expect(parseApiToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig')).toEqual({ ok: false, problem: 'missing_prefix' });
    expect(parseApiToken(token.toUpperCase())).toEqual({ ok: false, problem: 'missing_prefix' });
    expect(parseApiToken('')).toEqual({ ok: false, problem: 'missing_prefix' });
    expect(parseApiToken(token.slice(0, -1))).toEqual({ ok: false, problem: 'wrong_length' });
    expect(parseApiToken(`${token} `)).toEqual({ ok: false, problem: 'wrong_length' });
    expect(parseApiToken(`${token.slice(0, 10)}-${token.slice(11)}`)).toEqual({
      ok: false,
      problem: 'invalid_character',
    });
    expect(parseApiToken(`${token.slice(0, 10)}é${token.slice(11)}`)).toEqual({
      ok: false,
      problem: 'invalid_character',
    });
  });

  it('is found by a secret scanner’s pattern in surrounding text', () => {
    const { token } = mintApiToken();
    expect(API_TOKEN_PATTERN.exec(`export ETK=${token}\n`)?.[0]).toBe(token);
    expect(API_TOKEN_PATTERN.test(`${token}x`)).toBe(false);
  });

  it('compares hashes: equal, different, and different lengths without throwing', () => {
    const a = mintApiToken();
    const b = mintApiToken();
    expect(apiTokenHashesEqual(a.hash, hashApiToken(a.token))).toBe(true);
    expect(apiTokenHashesEqual(a.hash, b.hash)).toBe(false);
    expect(apiTokenHashesEqual(a.hash, a.hash.slice(1))).toBe(false);
    expect(apiTokenHashesEqual('', '')).toBe(true);
  });
});
