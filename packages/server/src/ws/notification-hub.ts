import type { Tracker, TrackerEvent } from '@expense-tracker/core';

/** Something that wants one owner's committed events, in the order the tracker emits them. */
export interface OwnerSubscriber {
  /** The owner whose events this subscriber receives; it MUST NOT receive anyone else's. */
  readonly ownerId: string;
  /** Takes one committed event of {@link ownerId}. Called synchronously from the tracker's listener. */
  push(event: TrackerEvent): void;
}

/**
 * Per-owner fan-out of a tracker's events: one `tracker.on('*')` listener for the whole app,
 * and a map from owner id to the subscribers of that owner, so an event costs one map lookup
 * however many sockets are open, and reaches only its owner's sockets.
 */
export class NotificationHub {
  readonly #byOwner = new Map<string, Set<OwnerSubscriber>>();
  readonly #off: () => void;

  readonly #onError: (error: unknown, subscriber: OwnerSubscriber) => void;

  /** @param onError - told when a subscriber throws; that subscriber is then removed */
  constructor(tracker: Tracker, onError: (error: unknown, subscriber: OwnerSubscriber) => void = () => undefined) {
    this.#onError = onError;
    this.#off = tracker.on('*', (event) => this.#dispatch(event));
  }

  /** Starts delivering the owner's events to `subscriber`. */
  add(subscriber: OwnerSubscriber): void {
    let set = this.#byOwner.get(subscriber.ownerId);
    if (!set) this.#byOwner.set(subscriber.ownerId, (set = new Set()));
    set.add(subscriber);
  }

  /** Stops delivering to `subscriber`; forgets the owner when it was their last one. */
  remove(subscriber: OwnerSubscriber): void {
    const set = this.#byOwner.get(subscriber.ownerId);
    if (!set) return;
    set.delete(subscriber);
    if (set.size === 0) this.#byOwner.delete(subscriber.ownerId);
  }

  /** How many subscribers are registered, across owners. */
  get size(): number {
    let n = 0;
    for (const set of this.#byOwner.values()) n += set.size;
    return n;
  }

  /** Removes the tracker listener; subscribers receive nothing more. */
  close(): void {
    this.#off();
    this.#byOwner.clear();
  }

  #dispatch(event: TrackerEvent): void {
    const set = this.#byOwner.get(event.ownerId);
    if (!set) return;
    // One subscriber failing (a socket in a bad state) must not starve the others.
    for (const subscriber of set) {
      try {
        subscriber.push(event);
      } catch (error) {
        this.remove(subscriber);
        this.#onError(error, subscriber);
      }
    }
  }
}
