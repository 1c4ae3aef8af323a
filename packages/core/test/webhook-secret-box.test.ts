import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isTrackerError } from '../src/errors.js';
import { createSecretBox } from '../src/webhooks/webhooks.js';

/** Webhook secrets encrypted at rest (SPEC §7.5): AES-256-GCM envelopes under operator keys that can rotate. */

const key = () => randomBytes(32).toString('base64');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** `text` with the character at `index` replaced by another of the base64url alphabet. */
function flip(text: string, index: number): string {
  const char = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + char + text.slice(index + 1);
}

describe('the secret box', () => {
  it('opens what it sealed, and the envelope does not contain the plaintext', () => {
    const box = createSecretBox([{ id: 'k1', key: key() }]);
    for (const plaintext of [SECRET, '', 'ünïcødé €', 'x'.repeat(10_000)]) {
      const envelope = box.seal(plaintext, 'ep_1');
      expect(envelope).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]*\.[\w-]{22}$/);
      if (plaintext.length > 4) expect(envelope).not.toContain(plaintext.slice(6));
      expect(box.open(envelope, 'ep_1')).toEqual({ ok: true, plaintext });
    }
  });

  it('seals the same secret differently each time (a fresh nonce), and both open', () => {
    const box = createSecretBox([{ id: 'k1', key: randomBytes(32) }]);
    const [a, b] = [box.seal(SECRET), box.seal(SECRET)];
    expect(a).not.toBe(b);
    expect([box.open(a), box.open(b)]).toEqual([
      { ok: true, plaintext: SECRET },
      { ok: true, plaintext: SECRET },
    ]);
  });

  it('refuses a tampered envelope: nonce, ciphertext or tag', () => {
    const box = createSecretBox([{ id: 'k1', key: key() }]);
    const envelope = box.seal(SECRET, 'ep_1');
    const [version, id, iv, ciphertext, tag] = envelope.split('.') as [string, string, string, string, string];
    for (const [part, tampered] of [
      ['iv', [version, id, flip(iv, 3), ciphertext, tag]],
      ['ciphertext', [version, id, iv, flip(ciphertext, 5), tag]],
      ['tag', [version, id, iv, ciphertext, flip(tag, 0)]],
    ] as const) {
      expect(box.open(tampered.join('.'), 'ep_1'), part).toEqual({ ok: false, problem: 'not_authentic' });
    }
  });

  it('refuses an envelope moved to another row: the context is authenticated', () => {
    const box = createSecretBox([{ id: 'k1', key: key() }]);
    const envelope = box.seal(SECRET, 'ep_1');
    expect(box.open(envelope, 'ep_2')).toEqual({ ok: false, problem: 'not_authentic' });
    expect(box.open(envelope)).toEqual({ ok: false, problem: 'not_authentic' });
  });

  it('refuses the wrong key: another key under the same id, or a key id rewritten to another configured key', () => {
    const sealer = createSecretBox([{ id: 'k1', key: key() }]);
    const envelope = sealer.seal(SECRET);
    expect(createSecretBox([{ id: 'k1', key: key() }]).open(envelope)).toEqual({ ok: false, problem: 'not_authentic' });
    const both = createSecretBox([
      { id: 'k2', key: key() },
      { id: 'k1', key: key() },
    ]);
    expect(both.open(envelope.replace('.k1.', '.k2.'))).toEqual({ ok: false, problem: 'not_authentic' });
  });

  it('names an unknown key id and a malformed envelope apart from a failed check', () => {
    const box = createSecretBox([{ id: 'k1', key: key() }]);
    const envelope = box.seal(SECRET);
    expect(createSecretBox([{ id: 'k9', key: key() }]).open(envelope)).toEqual({ ok: false, problem: 'unknown_key' });
    for (const bad of [
      '',
      SECRET,
      envelope.replace(/^v1/, 'v2'),
      `${envelope}.x`,
      envelope.split('.').slice(0, 4).join('.'),
      envelope.replace(/\.[\w-]+$/, '.ab+c'),
      envelope.replace(/^v1\.k1\.[\w-]+\./, 'v1.k1.AAAA.'),
    ]) {
      expect(box.open(bad), bad).toEqual({ ok: false, problem: 'malformed' });
    }
  });

  it('rotates: a new key first seals, old envelopes still open and are found stale until re-sealed', () => {
    const [old, next] = [
      { id: '2026-01', key: key() },
      { id: '2026-12', key: key() },
    ];
    const stored = createSecretBox([old]).seal(SECRET, 'ep_1');
    const rotating = createSecretBox([next, old]);
    expect(rotating.isStale(stored)).toBe(true);
    expect(rotating.open(stored, 'ep_1')).toEqual({ ok: true, plaintext: SECRET });
    const resealed = rotating.seal(SECRET, 'ep_1');
    expect(resealed.startsWith('v1.2026-12.')).toBe(true);
    expect(rotating.isStale(resealed)).toBe(false);
    // Once the old key is removed, only the re-sealed envelope opens.
    const rotated = createSecretBox([next]);
    expect(rotated.open(resealed, 'ep_1')).toEqual({ ok: true, plaintext: SECRET });
    expect(rotated.open(stored, 'ep_1')).toEqual({ ok: false, problem: 'unknown_key' });
  });

  it('refuses an operator’s bad key configuration at creation, naming the key and not its bytes', () => {
    const short = randomBytes(16).toString('base64');
    const cases: [Parameters<typeof createSecretBox>[0], RegExp][] = [
      [[], /At least one encryption key/],
      [[{ id: 'k1', key: short }], /"k1" must be 32 bytes/],
      [[{ id: 'k1', key: 'not base64!' }], /"k1" must be 32 bytes/],
      [[{ id: 'k.1', key: key() }], /key id is 1 to 32/],
      [
        [
          { id: 'k1', key: key() },
          { id: 'k1', key: key() },
        ],
        /"k1" is configured twice/,
      ],
    ];
    for (const [keys, message] of cases) {
      let caught: unknown;
      try {
        createSecretBox(keys);
      } catch (error) {
        caught = error;
      }
      expect(isTrackerError(caught, 'VALIDATION_FAILED')).toBe(true);
      expect((caught as Error & { issues: { message: string }[] }).issues[0]?.message).toMatch(message);
      expect((caught as Error).message).not.toContain(short);
    }
  });
});
