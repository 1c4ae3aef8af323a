import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { OpenApiDocument } from '../src/http/openapi.js';
import type { NotificationMessage } from '../src/ws/notification-message.js';
import { documentSchemas, type DocumentSchemas } from './support/document-schemas.js';
import { NOV_15 } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

const EVENT_TYPES = [
  'expense.created',
  'expense.updated',
  'expense.deleted',
  'category.created',
  'category.updated',
  'category.deleted',
  'budget.created',
  'budget.updated',
  'budget.deleted',
  'alert.triggered',
  'rule.created',
  'schedule.created',
];
const SOCKET_TYPES = EVENT_TYPES.filter((type) => !type.startsWith('category.'));

/** A socket that keeps every message it receives, parsed. */
async function listen(
  url: string,
): Promise<{ messages: NotificationMessage[]; until(count: number): Promise<void>; close(): void }> {
  const socket = new WebSocket(url);
  const messages: NotificationMessage[] = [];
  let changed = () => {};
  socket.on('message', (data) => {
    messages.push(JSON.parse(messageText(data)) as NotificationMessage);
    changed();
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return {
    messages,
    until: (count) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${messages.length} of ${count} messages arrived`)), 5000);
        changed = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          resolve();
        };
        changed();
      }),
    close: () => socket.terminate(),
  };
}

describe.each(DIALECTS)('what the server sends matches its OpenAPI document, on %s', (dialect) => {
  let api: TestServer;
  let doc: OpenApiDocument;
  let schemas: DocumentSchemas;
  let token: string;
  let userId: string;
  let live: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    api = await startServer(dialect, { clock: NOV_15 });
    doc = (await api.request('GET', '/openapi.json')).body;
    schemas = documentSchemas(doc);
    ({ token, id: userId } = await api.user());
    live = await listen(`${api.wsUrl}/ws/notifications?token=${token}`);
    // Every event type: categories, a budget whose 80 % rule fires, expenses changed and deleted.
    const post = async (path: string, body: unknown, method = 'POST') => {
      const response = await api.request(method, path, { token, body });
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response.body;
    };
    const food = await post('/categories', { name: 'Food', color: '#00aa00' });
    const spare = await post('/categories', { name: 'Spare' });
    await post(`/categories/${food.id}`, { icon: 'apple' }, 'PATCH');
    const budget = await post('/budget', { amount: '100.00', currency: 'USD' });
    await post('/budget', { amount: '50.00' }, 'PUT');
    const lunch = await post('/expenses', { amount: '45.00', categoryId: food.id, tags: ['work'], date: '2026-11-14' });
    await post(`/expenses/${lunch.id}`, { notes: 'with the team' }, 'PATCH');
    await post(`/expenses/${lunch.id}`, undefined, 'DELETE');
    await post('/expenses', { amount: '1.00', categoryId: spare.id, date: '2026-11-14' });
    await post(`/categories/${spare.id}?uncategorize=true`, undefined, 'DELETE');
    await post(`/budgets/${budget.id}`, undefined, 'DELETE');
    // Last, so that the rule categorises nothing above.
    await post('/rules', {
      conditions: [{ field: 'description', op: 'contains', value: 'netflix' }],
      actions: [{ type: 'setCategory', categoryId: food.id }],
    });
    await post('/schedules', {
      name: 'Rent',
      recurrence: { unit: 'month', anchor: '2026-12-01' },
      template: { amount: '900.00' },
    });
  });
  afterAll(async () => {
    live.close();
    await api.close();
  });

  it('every item of GET /changes is a documented ChangeEvent, for each of the twelve event types', async () => {
    const page = await api.request('GET', '/changes?after=0&limit=200', { token });
    expect(schemas.errors('ChangesPage', page.body)).toEqual([]);
    const events = page.body.events as { type: string; ownerId: string }[];
    expect([...new Set(events.map((event) => event.type))].sort()).toEqual([...EVENT_TYPES].sort());
    for (const event of events) expect(schemas.errors('ChangeEvent', event), event.type).toEqual([]);
    expect(new Set(events.map((event) => event.ownerId))).toEqual(new Set([userId]));
  });

  it('every socket message, live and replayed with ?after=0, is a documented NotificationMessage (and not a ChangeEvent: no ownerId)', async () => {
    const count = (await api.request('GET', '/changes?after=0&limit=200', { token })).body.events.filter(
      (event: { type: string }) => SOCKET_TYPES.includes(event.type),
    ).length;
    const replayed = await listen(`${api.wsUrl}/ws/notifications/${userId}?token=${token}&after=0`);
    try {
      await Promise.all([live.until(count), replayed.until(count)]);
      expect(replayed.messages).toEqual(live.messages);
      expect([...new Set(live.messages.map((message) => message.type))].sort()).toEqual([...SOCKET_TYPES].sort());
      for (const message of live.messages) {
        expect(schemas.errors('NotificationMessage', message), message.type).toEqual([]);
        expect(schemas.errors('ChangeEvent', message), message.type).not.toEqual([]);
      }
    } finally {
      replayed.close();
    }
  });

  it('a message that breaks its type’s data schema is refused by the document (the check can fail)', () => {
    const alert = live.messages.find((message) => message.type === 'alert.triggered');
    if (alert?.type !== 'alert.triggered') throw new Error('no alert.triggered message');
    expect(schemas.errors('NotificationMessage', alert)).toEqual([]);
    const { message: _dropped, ...notification } = alert.data.notification;
    expect(schemas.errors('NotificationMessage', { ...alert, data: { ...alert.data, notification } })).not.toEqual([]);
    expect(schemas.errors('NotificationMessage', { ...alert, type: 'expense.created' })).not.toEqual([]);
    expect(
      schemas.errors('NotificationMessage', {
        ...alert,
        data: { ...alert.data, notification: { ...alert.data.notification, spentMinor: '45.00' } },
      }),
    ).not.toEqual([]);
    expect(schemas.errors('NotificationMessage', { ...alert, extra: true })).not.toEqual([]);
  });
});
