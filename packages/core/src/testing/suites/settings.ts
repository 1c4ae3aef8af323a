import { describe, expect, it } from 'vitest';
import { expectTrackerError, type ConformanceEnv } from '../harness.js';

/** Owner settings through the owner handle. */
export function settingsTests(getEnv: () => ConformanceEnv): void {
  describe('owner settings', () => {
    it('settings.get() returns UTC, USD and weeks from Monday for a new owner', async () => {
      expect(await getEnv().newOwner().settings.get()).toEqual({ timezone: 'UTC', currency: 'USD', weekStartsOn: 1 });
    });

    it('settings.update() changes only the given fields and keeps them', async () => {
      const owner = getEnv().newOwner();
      expect(await owner.settings.update({ currency: 'eur' })).toEqual({
        timezone: 'UTC',
        currency: 'EUR',
        weekStartsOn: 1,
      });
      await owner.settings.update({ timezone: 'America/New_York', weekStartsOn: 0 });
      expect(await owner.settings.get()).toEqual({ timezone: 'America/New_York', currency: 'EUR', weekStartsOn: 0 });
    });

    it('settings.update() rejects an unknown time zone, currency or week start, naming the field, and keeps the settings', async () => {
      const owner = getEnv().newOwner();
      await owner.settings.update({ currency: 'JPY' });
      await expectTrackerError(owner.settings.update({ timezone: 'Mars/Olympus' }), 'VALIDATION_FAILED', ['timezone']);
      await expectTrackerError(owner.settings.update({ currency: 'ABC' }), 'VALIDATION_FAILED', ['currency']);
      await expectTrackerError(owner.settings.update({ weekStartsOn: 3 as 0 }), 'VALIDATION_FAILED', ['weekStartsOn']);
      // @ts-expect-error -- `locale` is no setting: the unknown key must be refused
      await expectTrackerError(owner.settings.update({ locale: 'de' }), 'VALIDATION_FAILED');
      expect(await owner.settings.get()).toEqual({ timezone: 'UTC', currency: 'JPY', weekStartsOn: 1 });
    });

    it('forOwner() rejects an empty owner id', () => {
      const { tracker } = getEnv();
      expect(() => tracker.forOwner('')).toThrowError(expect.objectContaining({ code: 'VALIDATION_FAILED' }) as Error);
    });
  });
}
