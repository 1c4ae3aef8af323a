import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

/** The webhook and due-work settings of the environment (README's table), checked at start. */

const SECRET = { JWT_SECRET: 'config-test-secret-that-is-at-least-32-characters', DATA_DIR: '/nonexistent' };
const key = () => randomBytes(32).toString('base64');

describe('webhook configuration', () => {
  it('needs nothing: no keys (creating an endpoint is then refused), private addresses refused, due work every second', () => {
    const config = loadConfig(SECRET);
    expect(config.webhookEncryptionKeys).toEqual([]);
    expect(config.webhookAllowPrivateAddresses).toBe(false);
    expect(config.dueWorkIntervalMs).toBe(1000);
    expect(config.webhookTimeoutMs).toBe(15_000);
    expect(config.webhookLeaseMs).toBe(60_000); // four attempt timeouts
  });

  it('reads WEBHOOK_TIMEOUT_MS and WEBHOOK_LEASE_MS, and refuses a lease that an attempt could outlast', () => {
    expect(loadConfig({ ...SECRET, WEBHOOK_TIMEOUT_MS: '1000' })).toMatchObject({
      webhookTimeoutMs: 1000,
      webhookLeaseMs: 4000,
    });
    expect(loadConfig({ ...SECRET, WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_LEASE_MS: '1500' })).toMatchObject({
      webhookTimeoutMs: 1000,
      webhookLeaseMs: 1500,
    });
    expect(() => loadConfig({ ...SECRET, WEBHOOK_LEASE_MS: '15000' })).toThrow(
      /WEBHOOK_LEASE_MS must be longer than WEBHOOK_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ ...SECRET, WEBHOOK_TIMEOUT_MS: '50' })).toThrow(
      /WEBHOOK_TIMEOUT_MS must be at least 100/,
    );
  });

  it('reads WEBHOOK_ENCRYPTION_KEYS as id:base64 pairs, the first one encrypting', () => {
    const [k2, k1] = [key(), key()];
    const config = loadConfig({
      ...SECRET,
      WEBHOOK_ENCRYPTION_KEYS: ` 2026-12:${k2} , 2026-06:${k1}`,
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      DUE_WORK_INTERVAL_MS: '250',
    });
    expect(config.webhookEncryptionKeys).toEqual([
      { id: '2026-12', key: k2 },
      { id: '2026-06', key: k1 },
    ]);
    expect(config.webhookAllowPrivateAddresses).toBe(true);
    expect(config.dueWorkIntervalMs).toBe(250);
  });

  it.each([
    ['a key of 16 bytes', `k1:${randomBytes(16).toString('base64')}`, /32 bytes in base64/],
    ['a key without an id', key(), /id:key pairs/],
    ['a key that is not base64', `k1:${'!'.repeat(44)}`, /32 bytes in base64/],
    ['one id twice', `k1:${key()},k1:${key()}`, /names the key id "k1" twice/],
  ])('refuses %s, naming the variable', (_what, value, message) => {
    expect(() => loadConfig({ ...SECRET, WEBHOOK_ENCRYPTION_KEYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...SECRET, WEBHOOK_ENCRYPTION_KEYS: value })).toThrow(message);
    expect(() => loadConfig({ ...SECRET, WEBHOOK_ENCRYPTION_KEYS: value })).toThrow(/WEBHOOK_ENCRYPTION_KEYS/);
  });

  it('refuses a due-work interval that is not a sane number of milliseconds', () => {
    expect(() => loadConfig({ ...SECRET, DUE_WORK_INTERVAL_MS: '10' })).toThrow(
      /DUE_WORK_INTERVAL_MS must be at least 50/,
    );
    expect(() => loadConfig({ ...SECRET, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be true or false/,
    );
  });
});
