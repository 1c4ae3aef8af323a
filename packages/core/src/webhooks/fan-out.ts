import type { TrackerEvent } from '../events.js';
import type { Store } from '../store/store.js';
import { newMessage, subscribes } from './webhook-records.js';
import type { WebhookEndpointRecord } from './webhook-repository.js';

/** Feed events read per endpoint and transaction. */
const EVENTS_PER_BATCH = 500;

/**
 * The durable consumer of the owners' feeds: for each enabled endpoint behind its owner's
 * newest seq, reads the events after its cursor, inserts one message per matching event and
 * moves the cursor past them, all in one transaction. The unique key (endpoint, seq) makes
 * it exactly-once whatever happens: a crash rolls the batch back whole, and a second
 * instance fanning out the same endpoint skips it (PostgreSQL's `SKIP LOCKED` on the
 * cursor) or, had it got that far, inserts nothing twice. Returns the messages created.
 */
export async function fanOut(store: Store, at: string, maxEndpoints = 100): Promise<number> {
  let created = 0;
  for (const endpoint of await store.webhooks.endpointsBehind(maxEndpoints)) {
    created += await fanOutEndpoint(store, endpoint, at);
  }
  return created;
}

async function fanOutEndpoint(store: Store, endpoint: WebhookEndpointRecord, at: string): Promise<number> {
  return store.transaction(async (tx) => {
    const cursor = await tx.webhooks.lockCursor(endpoint.ownerId, endpoint.id);
    if (cursor === null) return 0;
    const events = (await tx.events.list(endpoint.ownerId, cursor, EVENTS_PER_BATCH)) as TrackerEvent[];
    const last = events[events.length - 1];
    if (!last) return 0;
    const messages = events
      .filter((event) => subscribes(endpoint, event))
      .map((event) => newMessage(endpoint, event, at));
    const created = await tx.webhooks.insertMessages(messages);
    await tx.webhooks.advanceCursor(endpoint.ownerId, endpoint.id, last.seq, at);
    return created;
  });
}
