/**
 * The one ordered-delivery component (seq order, each once, gaps filled from the change
 * feed), first over a feed held in an array, then as `owner.follow` on a real tracker. The
 * tracker's listening to other processes (remote-events.test.ts) and the server's
 * notification socket (websocket.test.ts) are built on it.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TrackerEvent } from '../src/events.js';
import { Tracker } from '../src/index.js';
import { OrderedDelivery, type OrderedDeliveryOptions } from '../src/changes/ordered-delivery.js';

/** An owner's feed of `count` events, seq 1..count. */
function feedOf(count: number): TrackerEvent[] {
  const at = '2026-01-01T00:00:00.000Z';
  return Array.from({ length: count }, (_, i): TrackerEvent => {
    const category = {
      id: `c${i + 1}`,
      name: 'Food',
      color: null,
      icon: null,
      parentId: null,
      createdAt: at,
      updatedAt: at,
    };
    return {
      seq: i + 1,
      ownerId: 'o',
      type: 'category.deleted',
      at,
      actor: { kind: 'system' },
      data: { category, reassignedTo: null, expenseCount: 0 },
    };
  });
}

/** A delivery over `feed` that records the seqs it delivers, the reads it makes and the errors and gaps it is told. */
function over(feed: TrackerEvent[], options: Partial<OrderedDeliveryOptions> = {}) {
  const seen = {
    delivered: [] as number[],
    reads: [] as number[],
    errors: [] as unknown[],
    gaps: [] as [number, number | undefined][],
  };
  const delivery = new OrderedDelivery({
    read: async (after, limit) => {
      seen.reads.push(after);
      return feed.filter((e) => e.seq > after).slice(0, limit);
    },
    deliver: (event) => void seen.delivered.push(event.seq),
    onError: (error) => void seen.errors.push(error),
    onGap: (last, next) => void seen.gaps.push([last, next]),
    ...options,
  });
  return { delivery, seen };
}

const upTo = (n: number, from = 1) => Array.from({ length: n - from + 1 }, (_, i) => from + i);

describe('OrderedDelivery', () => {
  it('delivers live events that follow at once, without reading the feed, and drops one it already delivered', () => {
    const feed = feedOf(3);
    const { delivery, seen } = over(feed, { lastSeq: 0 });
    for (const e of [feed[0]!, feed[1]!, feed[1]!, feed[2]!]) delivery.push(e);
    expect(seen.delivered).toEqual([1, 2, 3]);
    expect(seen.reads).toEqual([]);
  });

  it('fills a skipped seq from the feed, in order; a late event already delivered is dropped', async () => {
    const feed = feedOf(4);
    const { delivery, seen } = over(feed, { lastSeq: 1 });
    delivery.push(feed[3]!); // seq 4 before 2 and 3: a gap, read from the feed
    delivery.push(feed[1]!); // seq 2, late: held, then dropped as already delivered
    await vi.waitFor(() => expect(seen.delivered).toEqual([2, 3, 4]));
    await delivery.idle;
    expect(seen.reads).toEqual([1]);
    for (const e of feed) delivery.push(e);
    expect(seen.delivered).toEqual([2, 3, 4]);
  });

  it('replays more than a page to the feed’s end, then what was pushed meanwhile, each once', async () => {
    const feed = feedOf(450);
    const { delivery, seen } = over(feed, { lastSeq: 3 });
    delivery.request(Infinity);
    feed.push(...feedOf(455).slice(450));
    for (const e of feed.slice(440)) delivery.push(e); // live during the replay: held
    await delivery.idle;
    expect(seen.delivered).toEqual(upTo(455, 4));
    delivery.push(feedOf(456)[455]!);
    expect(seen.delivered.at(-1)).toBe(456);
  });

  it('past maxHeld keeps only the highest seq, and reads the rest from the feed', async () => {
    const feed = feedOf(30);
    const { delivery, seen } = over(feed, { lastSeq: 0, maxHeld: 2 });
    delivery.request(Infinity);
    for (const e of feed.slice(10)) delivery.push(e); // 20 pushed during the read, 2 held
    await delivery.idle;
    expect(seen.delivered).toEqual(upTo(30));
  });

  it('delivers what it holds when the feed cannot fill a gap, and says so', async () => {
    const feed = feedOf(5);
    const { delivery, seen } = over(
      feed.filter((e) => e.seq !== 3),
      { lastSeq: 1 },
    );
    delivery.push(feed[4]!);
    await vi.waitFor(() => expect(seen.delivered).toEqual([2, 4, 5]));
    expect(seen.gaps).toEqual([]); // the feed is gapless by contract: what it returns is delivered as it is
    delivery.push(feedOf(7)[6]!); // seq 7: held, and 6 is in no feed
    await vi.waitFor(() => expect(seen.delivered).toEqual([2, 4, 5, 7]));
    expect(seen.gaps).toEqual([[5, 7]]);
  });

  it('reports a failed read and reads again when the next event finds the gap', async () => {
    const feed = feedOf(4);
    let fail = true;
    const { delivery: flaky, seen: flakySeen } = over(feed, {
      lastSeq: 1,
      read: async (after, limit) => {
        if (fail) throw new Error('connection lost');
        return feed.filter((e) => e.seq > after).slice(0, limit);
      },
    });
    flaky.push(feed[2]!);
    await flaky.idle;
    await vi.waitFor(() => expect(flakySeen.errors).toHaveLength(1));
    expect(flakySeen.delivered).toEqual([]);
    fail = false;
    flaky.push(feed[3]!);
    await vi.waitFor(() => expect(flakySeen.delivered).toEqual([2, 3, 4]));
  });

  it('paces a catch-up by ready(), and stops for good when ready() answers false', async () => {
    const feed = feedOf(10);
    let allowed = 3;
    const { delivery, seen } = over(feed, { lastSeq: 0, ready: () => allowed-- > 0 });
    delivery.request(Infinity);
    await delivery.idle;
    expect(seen.delivered).toEqual([1, 2, 3]);
    delivery.push(feed[3]!);
    expect(seen.delivered).toEqual([1, 2, 3]);
  });
});

describe('owner.follow', () => {
  it('replays after a seq, goes live with no gap and no duplicate, and stops on close()', async () => {
    const tracker = await Tracker.open({ database: ':memory:' });
    try {
      await tracker.migrate();
      const owner = tracker.forOwner('alice');
      await owner.expenses.createMany(Array.from({ length: 250 }, () => ({ amount: '1' })));
      const seqs: number[] = [];
      const follower = await owner.follow({
        after: 3,
        deliver: (e) => void seqs.push(e.seq),
        onError: (error) => {
          throw error;
        },
      });
      await tracker.forOwner('bob').expenses.create({ amount: '1' }); // someone else's: never delivered
      for (let i = 0; i < 5; i++) await owner.expenses.create({ amount: '2' });
      await vi.waitFor(() => expect(seqs).toEqual(upTo(255, 4)));
      expect(follower.lastSeq).toBe(255);
      follower.close();
      await owner.expenses.create({ amount: '3' });
      expect(seqs.at(-1)).toBe(255);
      // From now: nothing before; an `after` past the end is the end.
      const fromNow: number[] = [];
      await owner.follow({ after: null, deliver: (e) => void fromNow.push(e.seq), onError: () => undefined });
      const beyond = await owner.follow({ after: 10_000, deliver: () => undefined, onError: () => undefined });
      expect(beyond.lastSeq).toBe(256);
      await owner.expenses.create({ amount: '4' });
      expect(fromNow).toEqual([257]);
    } finally {
      await tracker.close();
    }
  });

  it('a follower whose deliver throws is stopped and told; the owner’s other followers go on', async () => {
    const tracker = await Tracker.open({ database: ':memory:' });
    try {
      await tracker.migrate();
      const owner = tracker.forOwner('alice');
      const errors: unknown[] = [];
      const good: number[] = [];
      await owner.follow({
        after: null,
        deliver: () => {
          throw new Error('socket gone');
        },
        onError: (error) => void errors.push(error),
      });
      await owner.follow({ after: null, deliver: (e) => void good.push(e.seq), onError: () => undefined });
      await owner.expenses.create({ amount: '1' });
      await owner.expenses.create({ amount: '1' });
      expect(errors).toHaveLength(1);
      expect(good).toEqual([1, 2]);
    } finally {
      await tracker.close();
    }
  });
});
