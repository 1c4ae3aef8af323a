import type { TrackerEvent } from '../events.js';
import { assertOpen, type ServiceContext } from '../write-context.js';
import { OrderedDelivery } from './ordered-delivery.js';

/**
 * Options of `OwnerHandle.follow`.
 *
 * @example
 * ```ts
 * import type { FollowOptions } from '@expense-tracker/core';
 *
 * const options: FollowOptions = {
 *   after: 0, // replay the whole feed first; null starts from now
 *   deliver: (event) => console.log(event.seq, event.type),
 *   onError: (error) => console.error('the change feed could not be read', error),
 * };
 * const follower = await tracker.forOwner('alice').follow(options);
 * ```
 */
export interface FollowOptions {
  /** Replay the change feed after this seq first; `null`: start from now. A seq past the feed's end is taken as its end. */
  after: number | null;
  /** Takes each event once, in seq order: the replayed ones, then the live ones. */
  deliver(event: TrackerEvent): void;
  /**
   * Awaited before each replayed event (and each one delivered after a gap was filled), so a
   * consumer can pace a long replay, e.g. until a socket's queue drains. Answering `false`
   * stops the follower. @default always ready
   */
  ready?(): boolean | Promise<boolean>;
  /**
   * Told when the feed cannot be read during a replay, or when `deliver` throws; the follower
   * is then stopped only in the second case. Events after a failed read come once the next
   * live event finds the gap, so a consumer that must not wait closes here (the server's
   * socket does, with 1011).
   */
  onError(error: unknown): void;
  /** Told when a seq could not be found in the feed and later events were delivered without it (should not happen). */
  onGap?(lastSeq: number, nextSeq: number | undefined): void;
}

/**
 * A running `OwnerHandle.follow`.
 *
 * @example
 * ```ts
 * import type { Follower } from '@expense-tracker/core';
 *
 * const follower: Follower = await tracker.forOwner('alice').follow({ after: null, deliver: console.log, onError: console.error });
 * follower.lastSeq; // the last seq delivered (or the feed's end it started from)
 * follower.close(); // nothing more is delivered
 * ```
 */
export interface Follower {
  /** The last seq delivered, or the one the follower started after. */
  readonly lastSeq: number;
  /** Stops delivering; idempotent. */
  close(): void;
}

/**
 * Per-owner fan-out of a tracker's ordered events to its followers: an event costs one map
 * lookup however many followers are open, and reaches only its owner's.
 */
export class Followers {
  readonly #byOwner = new Map<string, Map<OrderedDelivery, FollowOptions>>();

  /** Starts pushing the owner's events to `delivery`. @returns a function that stops it */
  add(ownerId: string, delivery: OrderedDelivery, options: FollowOptions): () => void {
    let owners = this.#byOwner.get(ownerId);
    if (!owners) this.#byOwner.set(ownerId, (owners = new Map<OrderedDelivery, FollowOptions>()));
    owners.set(delivery, options);
    return () => {
      owners.delete(delivery);
      if (owners.size === 0 && this.#byOwner.get(ownerId) === owners) this.#byOwner.delete(ownerId);
    };
  }

  /** Pushes one committed event, in the tracker's order, to its owner's followers. */
  dispatch(event: TrackerEvent): void {
    const owners = this.#byOwner.get(event.ownerId);
    if (!owners) return;
    // One follower failing (a socket in a bad state) must not starve the others.
    for (const [delivery, options] of owners) {
      try {
        delivery.push(event);
      } catch (error) {
        delivery.close();
        owners.delete(delivery);
        options.onError(error);
      }
    }
  }

  /** Stops every follower. */
  close(): void {
    for (const owners of this.#byOwner.values()) for (const delivery of owners.keys()) delivery.close();
    this.#byOwner.clear();
  }
}

/**
 * Follows one owner's events: learns the feed's end, starts receiving live events, then
 * replays the feed after `after` (to its end) through the same ordered delivery, so nothing
 * committed in between is missed or sent twice.
 */
export async function follow(ctx: ServiceContext, ownerId: string, options: FollowOptions): Promise<Follower> {
  assertOpen(ctx);
  const end = await ctx.store.events.lastSeq(ownerId);
  const start = options.after === null ? end : Math.min(options.after, end);
  const delivery = new OrderedDelivery({
    lastSeq: start,
    read: async (after, limit) =>
      (await ctx.store.events.list(ownerId, after, limit)).map((record) => record as TrackerEvent),
    deliver: (event) => options.deliver(event),
    ready: options.ready?.bind(options),
    onError: (error) => options.onError(error),
    onGap: options.onGap?.bind(options),
  });
  const remove = ctx.followers.add(ownerId, delivery, options);
  // Live from here: what was committed since `end` was read is in the feed, which is read next.
  delivery.request(Infinity);
  return {
    get lastSeq() {
      return delivery.lastSeq ?? start;
    },
    close() {
      delivery.close();
      remove();
    },
  };
}
