import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a {@link WebhookReceiver} got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  payload: { type: string; seq: number; ownerId: string; timestamp: string; data: unknown };
}

/** A real HTTP receiver on 127.0.0.1 that records what arrives and answers as scripted. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses for the next requests, in order; 204 once it is empty. */
  script: number[];
  /** Resolves once `count` requests have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** Starts a receiver; `delayMs` holds each answer back, widening the window two deliverers could race in. */
export async function startWebhookReceiver(delayMs = 0): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const script: number[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body, payload: JSON.parse(body) as ReceivedWebhook['payload'] });
      const status = script.shift() ?? 204;
      setTimeout(() => response.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    script,
    async waitFor(count, timeoutMs = 10_000) {
      // Deliveries run on the server's own tick: poll for them rather than guess a sleep.
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The Standard Webhooks check a receiver holding `secret` runs (it compares the timestamp with `Date.now()`). */
export function verifyWebhook(secret: string, request: ReceivedWebhook): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

/**
 * The signature check of {@link verifyWebhook} without its timestamp window: for a sender in
 * another process, whose clock need not be this one's (under libfaketime each process starts
 * its own clock). The signature still covers the id, the timestamp and the body.
 */
export function verifyWebhookSignature(secret: string, request: ReceivedWebhook): unknown {
  const id = String(request.headers['webhook-id']);
  const timestamp = new Date(Number(request.headers['webhook-timestamp']) * 1000);
  const expected = new Webhook(secret).sign(id, timestamp, request.body);
  const sent = String(request.headers['webhook-signature']).split(' ');
  if (!sent.includes(expected)) throw new Error(`No valid signature on webhook ${id}`);
  return JSON.parse(request.body) as unknown;
}
