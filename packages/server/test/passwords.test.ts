import { describe, expect, it } from 'vitest';
import { PasswordHasher, type HashTicket } from '../src/auth/passwords.js';
import type { HttpError } from '../src/http/problem.js';

/**
 * The hasher's queue on its own (issue 11, item 2): at most `concurrency` scrypt hashes at once,
 * a bounded queue served lowest priority first, a share per client; refusals instead of waiting
 * without end. Real scrypt at a tiny cost; with one slot, the order hashes finish in is the order
 * they were served in.
 */

describe('PasswordHasher as a bounded, fair queue', () => {
  /** Starts hashes for these tickets while one slot is busy; the order in which they finish. */
  async function orderServed(hasher: PasswordHasher, tickets: HashTicket[]): Promise<string[]> {
    const served: string[] = [];
    const blocker = hasher.hash('occupies the only slot', { client: 'blocker' });
    const jobs = tickets.map((t, i) =>
      hasher.hash(`password ${i}`, t).then(() => void served.push(`${t.client}#${i}`)),
    );
    await Promise.all([blocker, ...jobs]);
    return served;
  }

  it('serves the lowest priority first, and equal ones in arrival order', async () => {
    const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 10, maxPerClient: 10 });
    const order = await orderServed(hasher, [
      { client: 'flood', priority: 7 },
      { client: 'flood', priority: 8 },
      { client: 'real', priority: 1 },
      { client: 'other', priority: 7 },
      { client: 'late', priority: 1 },
    ]);
    expect(order).toEqual(['real#2', 'late#4', 'flood#0', 'other#3', 'flood#1']);
  });

  it('refuses a client’s hash beyond its share with 429 at once, and another client’s is still taken', async () => {
    const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 10, maxPerClient: 2 });
    const mine = [hasher.hash('a', { client: 'x' }), hasher.hash('b', { client: 'x' })];
    const third = hasher.hash('c', { client: 'x' });
    await expect(third).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      headers: { 'retry-after': expect.stringMatching(/^[1-9]\d*$/) },
    });
    await expect(hasher.hash('d', { client: 'y' })).resolves.toMatch(/^scrypt\$/);
    await Promise.all(mine);
    // The share is of hashes in flight: once done, the client may hash again.
    await expect(hasher.hash('e', { client: 'x' })).resolves.toMatch(/^scrypt\$/);
    expect(hasher.stats).toMatchObject({ running: 0, waiting: 0, evaluations: 4, refused: 1 });
  });

  it('hashes without a ticket (the host’s own code) count against no client’s share', async () => {
    const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 10, maxPerClient: 1 });
    const hashes = await Promise.all(Array.from({ length: 5 }, (_, i) => hasher.hash(`admin script ${i}`)));
    expect(hashes).toHaveLength(5);
    expect(hasher.stats.refused).toBe(0);
  });

  it('a full queue refuses with 503 and Retry-After, or pushes out its worst waiter for a better newcomer', async () => {
    const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, { concurrency: 1, maxWaiting: 2, maxPerClient: 10 });
    const outcome = (p: Promise<string>) =>
      p.then(
        () => 'hashed',
        (e: HttpError) => `${e.status} ${e.code} retry-after ${e.headers['retry-after']}`,
      );
    const running = outcome(hasher.hash('runs', { client: 'flood', priority: 5 }));
    const waiting = [
      outcome(hasher.hash('waits', { client: 'flood', priority: 5 })),
      outcome(hasher.hash('waits too', { client: 'flood', priority: 6 })),
    ];
    expect(hasher.stats).toMatchObject({ running: 1, waiting: 2 });
    // No better than the worst waiter: refused.
    expect(await outcome(hasher.hash('equal', { client: 'flood', priority: 6 }))).toMatch(
      /^503 SERVER_BUSY retry-after [1-9]/,
    );
    // Better: the worst waiter (priority 6) is pushed out, the newcomer waits in its place.
    const fresh = outcome(hasher.hash('fresh', { client: 'real', priority: 1 }));
    expect(await Promise.all([running, ...waiting, fresh])).toEqual([
      'hashed',
      'hashed',
      expect.stringMatching(/^503 SERVER_BUSY/),
      'hashed',
    ]);
    expect(hasher.stats).toMatchObject({ running: 0, waiting: 0, evaluations: 3, refused: 2 });
  });

  it('never runs more than `concurrency` hashes at once, whatever arrives', async () => {
    const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 }, { concurrency: 2, maxWaiting: 100, maxPerClient: 100 });
    let most = 0;
    const jobs = Array.from({ length: 40 }, (_, i) =>
      hasher.hash(`p${i}`, { client: `c${i % 7}`, priority: i % 3 }).then(() => {
        most = Math.max(most, hasher.stats.running);
      }),
    );
    await Promise.all(jobs);
    expect(most).toBeLessThanOrEqual(2);
    expect(hasher.stats.evaluations).toBe(40);
  });
});
