import { describe, expect, it } from 'vitest';
import { ImportProgressHub, type ImportProgressMessage } from '../src/ws/import-progress.js';
import { manualClock } from './support/clock.js';

const at = (rows: number) => ({ importId: 'imp_1', phase: 'commit' as const, rows, total: 2000 });

describe('ImportProgressHub', () => {
  it('sends at most one message per import every 250 ms, and the held-back last one on flush', () => {
    const clock = manualClock();
    const hub = new ImportProgressHub(clock);
    const alice: ImportProgressMessage[] = [];
    const bob: ImportProgressMessage[] = [];
    hub.subscribe('alice', (message) => alice.push(message));
    const off = hub.subscribe('bob', (message) => bob.push(message));
    const { report, flush } = hub.reporter('alice');
    report(at(500));
    clock.advance(100);
    report(at(1000));
    clock.advance(149);
    report(at(1500));
    expect(alice.map((m) => m.data.rows)).toEqual([500]);
    clock.advance(1);
    report(at(2000));
    expect(alice.map((m) => m.data.rows)).toEqual([500, 2000]);
    flush(); // nothing held back: nothing more
    expect(alice).toHaveLength(2);
    clock.advance(10);
    report(at(2000));
    flush();
    expect(alice.map((m) => [m.data.rows, m.at])).toEqual([
      [500, '2026-11-15T12:00:00.000Z'],
      [2000, '2026-11-15T12:00:00.250Z'],
      [2000, '2026-11-15T12:00:00.260Z'],
    ]);
    expect(bob).toEqual([]);
    off();
    hub.reporter('bob').report(at(1));
    expect(bob).toEqual([]);
  });
});
