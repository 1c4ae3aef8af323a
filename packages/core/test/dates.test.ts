import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate } from '../src/index.js';

/** What `localDate` must answer: the date in the zone, straight from Intl, with nothing remembered. */
function reference(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const zones = Intl.supportedValuesOf('timeZone');

describe('localDate', () => {
  it('answers what Intl answers, for any instant and zone, however calls follow each other (it remembers the last minute per zone)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.array(fc.integer({ min: -120_000, max: 120_000 }), { minLength: 1, maxLength: 8 }),
        (zone, start, steps) => {
          let ms = start;
          for (const step of [0, ...steps]) {
            ms += step;
            expect(localDate(new Date(ms), zone)).toBe(reference(ms, zone));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('turns the date at local midnight to the millisecond, in the same minute, in zones with 30- and 45-minute offsets', () => {
    for (const zone of [
      'Asia/Kathmandu',
      'Australia/Eucla',
      'America/St_Johns',
      'Asia/Kolkata',
      'Pacific/Chatham',
      'UTC',
    ]) {
      // Find local midnight of 2026-11-25 in the zone: the first UTC minute whose local date is the 25th.
      let ms = Date.UTC(2026, 10, 24, 0, 0);
      while (reference(ms, zone) !== '2026-11-25') ms += 60_000;
      expect(localDate(new Date(ms - 1), zone)).toBe('2026-11-24');
      expect(localDate(new Date(ms), zone)).toBe('2026-11-25');
      expect(localDate(new Date(ms - 1), zone)).toBe('2026-11-24');
      expect(localDate(new Date(ms + 59_999), zone)).toBe('2026-11-25');
    }
  });
});
