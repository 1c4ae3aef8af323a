import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NOTIFICATION_CLOSE_CODES } from '../src/ws/notifications.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

/** A notification socket that records its messages and how it was closed. */
interface Socket {
  ws: WebSocket;
  messages: { type: string }[];
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
}

/** Opens a socket that replays the feed from the start (`after=0`): one that passes authentication gets every event, whenever it subscribed. */
function open(api: TestServer, token: string): Promise<Socket> {
  const ws = new WebSocket(`${api.wsUrl}/ws/notifications?token=${token}&after=0`);
  const messages: { type: string }[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(messageText(data)) as { type: string }));
  let isOpen = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => {
      isOpen = false;
      resolve({ code, reason: reason.toString() });
    }),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      isOpen = true;
      resolve({ ws, messages, closed, isOpen: () => isOpen });
    });
    ws.once('error', reject);
  });
}

/** Resolves once every socket is either closed or has received `ready` messages (so it passed authentication). */
async function settle(sockets: Socket[], ready: () => Promise<unknown>): Promise<void> {
  await ready();
  const deadline = Date.now() + 5000;
  while (!sockets.every((s) => !s.isOpen() || s.messages.length > 0)) {
    if (Date.now() > deadline) throw new Error('the sockets did not settle');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Notification sockets per user are capped (issue 11, finding 8): each holds a subscription,
 * two timers and up to 1 MiB of unsent messages, so one user opening thousands could take the
 * server's memory. The socket past the cap is closed with 4029 once authenticated.
 */
describe.each(DIALECTS)('notification sockets per user on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  it('by default 20 per user: of 25 opened at once, 20 stay open and receive events, 5 are closed with 4029; another user is unaffected', async () => {
    const alice = await api.user();
    const bob = await api.user();
    const sockets = await Promise.all(Array.from({ length: 25 }, () => open(api, alice.token)));
    const bobs = await open(api, bob.token);
    // One event for each user: every socket that passed authentication receives it.
    await settle([...sockets, bobs], async () => {
      await api.request('POST', '/expenses', { token: alice.token, body: { amount: '1.00' } });
      await api.request('POST', '/expenses', { token: bob.token, body: { amount: '2.00' } });
    });
    const refused = sockets.filter((s) => !s.isOpen());
    expect(refused).toHaveLength(5);
    for (const socket of refused) {
      expect(await socket.closed).toEqual({
        code: NOTIFICATION_CLOSE_CODES.TOO_MANY_SOCKETS,
        reason: 'At most 20 notification sockets per user are open at once; close one first',
      });
      expect(socket.messages).toEqual([]);
    }
    expect(sockets.filter((s) => s.isOpen() && s.messages[0]?.type === 'expense.created')).toHaveLength(20);
    expect(bobs.isOpen() && bobs.messages.map((m) => m.type)).toEqual(['expense.created']);

    // Closing one makes room for one more, and only one.
    const first = sockets.find((s) => s.isOpen())!;
    first.ws.close();
    await first.closed;
    const again = await Promise.all([open(api, alice.token), open(api, alice.token)]);
    await settle(again, () => api.request('POST', '/expenses', { token: alice.token, body: { amount: '3.00' } }));
    expect(again.filter((s) => s.isOpen())).toHaveLength(1);
    for (const socket of [...sockets, ...again, bobs]) socket.ws.terminate();
  });

  it('the cap is an option (websocket.maxSocketsPerUser)', async () => {
    const small = await startServer(dialect, { websocket: { maxSocketsPerUser: 2 } });
    try {
      const { token } = await small.user();
      await small.request('POST', '/expenses', { token, body: { amount: '1.00' } }); // replayed to each socket that is let in
      const sockets = await Promise.all(Array.from({ length: 3 }, () => open(small, token)));
      await settle(sockets, async () => undefined);
      const refused = sockets.filter((s) => !s.isOpen());
      expect(refused).toHaveLength(1);
      expect((await refused[0]!.closed).code).toBe(4029);
      for (const socket of sockets) socket.ws.terminate();
    } finally {
      await small.close();
    }
  });
});
