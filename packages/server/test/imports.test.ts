import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_IMPORT_BYTES } from '../src/routes/imports.js';
import { documentSchemas } from './support/document-schemas.js';
import { expectProblem } from './support/problems.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';
import { messageText } from './support/ws-text.js';

const MAPPING = {
  date: { column: 'Date', format: 'YMD' },
  amount: { kind: 'signed', column: 'Amount' },
  currency: { default: 'EUR' },
  description: 'Text',
};

/** A CSV statement of `lines` (`date,amount,text`). */
const statement = (...lines: string[]) => ['Date,Amount,Text', ...lines].join('\n') + '\n';

describe.each(DIALECTS)('/imports over HTTP on %s', (dialect) => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startServer(dialect);
  });
  afterAll(async () => {
    await api.close();
  });

  /** Uploads `csv` as a raw text/csv body with a saved profile. */
  async function upload(token: string, csv: string, query = '') {
    const profile = await api.request('POST', '/import-profiles', { token, body: { name: 'Bank', profile: MAPPING } });
    expect(profile.status, JSON.stringify(profile.body)).toBe(201);
    return api.request('POST', `/imports?sourceKey=checking&profile=${profile.body.id}${query}`, {
      token,
      body: csv,
      headers: { 'content-type': 'text/csv' },
    });
  }

  it('upload → preview with rules applied → a decision → commit → revert, with refunds from credits', async () => {
    const { token } = await api.user();
    const coffee = (await api.request('POST', '/categories', { token, body: { name: 'Coffee' } })).body;
    const rule = await api.request('POST', '/rules', {
      token,
      body: {
        conditions: [{ field: 'description', op: 'contains', value: 'starbucks' }],
        actions: [{ type: 'setCategory', categoryId: coffee.id }],
      },
    });
    const csv = statement('2026-03-01,-4.50,STARBUCKS 12', '2026-03-02,-40.00,Shoes', '2026-03-05,40.00,Shoes');
    const preview = await upload(token, csv);
    expect(preview.status, JSON.stringify(preview.body)).toBe(201);
    expect(preview.body).toMatchObject({ state: 'previewed', format: 'csv', counts: { new: 2, inflowIgnored: 1 } });
    const id = preview.body.id;
    expect((await api.request('GET', `/imports/${id}`, { token })).body).toEqual(preview.body);
    expect((await api.request('GET', '/imports', { token })).body.map((i: { id: string }) => i.id)).toEqual([id]);

    const rows = (await api.request('GET', `/imports/${id}/rows`, { token })).body;
    expect(rows.nextCursor).toBeNull();
    expect(rows.items[0].rules).toMatchObject({ categoryId: coffee.id, ruleId: rule.body.id });
    const credits = await api.request('GET', `/imports/${id}/rows?state=inflow_ignored`, { token });
    expect(credits.body.items.map((r: { n: number; decision: null }) => [r.n, r.decision])).toEqual([[3, null]]);
    const paged = await api.request('GET', `/imports/${id}/rows?limit=1`, { token });
    expect(paged.body).toMatchObject({ items: [{ n: 1 }], nextCursor: '1' });

    const decided = await api.request('PATCH', `/imports/${id}/rows/3`, { token, body: { decision: 'create' } });
    expect(decided.body).toMatchObject({ n: 3, decision: 'create' });
    const linked = await api.request('PATCH', `/imports/${id}/rows/3`, { token, body: { decision: 'link' } });
    expect(expectProblem(linked, 422, 'VALIDATION_FAILED').issues[0].code).toBe('credit_not_linkable');

    const committed = await api.request('POST', `/imports/${id}/commit`, { token });
    expect(committed.body).toMatchObject({ state: 'committed', counts: { created: 3 } });
    const expenses = (await api.request('GET', '/expenses?limit=10', { token })).body.items;
    const byAmount = expenses.map((e: Record<string, unknown>) => [
      e.kind,
      e.amountMinor,
      e.categoryId,
      e.categorySource,
    ]);
    expect(byAmount.sort()).toEqual([
      ['expense', 4000, null, null],
      ['expense', 450, coffee.id, 'rule'],
      ['refund', 4000, null, null],
    ]);
    expectProblem(
      await api.request('PATCH', `/imports/${id}/rows/1`, { token, body: { decision: 'skip' } }),
      409,
      'CONFLICT',
    );

    const shoes = expenses.find(
      (e: { amountMinor: number; kind: string }) => e.kind === 'expense' && e.amountMinor === 4000,
    );
    await api.request('PATCH', `/expenses/${shoes.id}`, { token, body: { notes: 'kept' } });
    const refused = await api.request('POST', `/imports/${id}/revert`, { token });
    expect(expectProblem(refused, 409, 'CONFLICT').details.expenseIds).toEqual([shoes.id]);
    const reverted = await api.request('POST', `/imports/${id}/revert?force=true`, { token });
    expect(reverted.body.state).toBe('reverted');
    expect((await api.request('GET', '/expenses', { token })).body.items).toEqual([]);
  });

  it('multipart/form-data with the mapping inline as JSON and the options as fields', async () => {
    const { token } = await api.user();
    const form = new FormData();
    form.set('sourceKey', 'savings');
    form.set('mapping', JSON.stringify(MAPPING));
    form.set('file', new Blob([statement('2026-03-01,-1.00,Gum')], { type: 'text/csv' }), 'march.csv');
    const response = await fetch(`${api.url}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ sourceKey: 'savings', fileName: 'march.csv', counts: { new: 1 } });

    const bad = new FormData();
    bad.set('sourceKey', 'savings');
    bad.set('mapping', '{not json');
    bad.set('file', new Blob(['x']), 'x.csv');
    const refused = await fetch(`${api.url}/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: bad,
    });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { issues: unknown[] }).issues[0]).toMatchObject({
      path: ['mapping'],
      code: 'invalid_json',
    });
  });

  it('refuses a file past 10 MiB with 413 (declared, or streamed without a length), other types with 415, no sourceKey with 422', async () => {
    const { token } = await api.user();
    const big = 'x'.repeat(MAX_IMPORT_BYTES + 1);
    const headers = { 'content-type': 'text/csv' };
    expectProblem(
      await api.request('POST', '/imports?sourceKey=a', { token, body: big, headers }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    // Chunked, so only counting while reading can stop it; rows that parse, so nothing else does.
    const profile = await api.request('POST', '/import-profiles', { token, body: { name: 'Bank', profile: MAPPING } });
    const line = `2026-03-01,-1.00,${'y'.repeat(4000)}\n`;
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(statement()));
        for (let i = 0; i < 2_700; i += 1) controller.enqueue(new TextEncoder().encode(line));
        controller.close();
      },
    });
    // Node's fetch needs `duplex` for a stream body; the DOM's RequestInit type lacks it.
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...headers },
      body: chunks,
      duplex: 'half',
    };
    const streamed = await fetch(`${api.url}/imports?sourceKey=a&profile=${profile.body.id}`, init);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    expectProblem(
      await api.request('POST', '/imports?sourceKey=a', { token, body: { a: 1 } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectProblem(await api.request('POST', '/imports', { token, body: 'Date\n', headers }), 422, 'VALIDATION_FAILED');
    expect((await api.request('GET', '/imports', { token })).body).toEqual([]);
  });

  it('another user’s import is a 404; a token without imports:write gets 403 naming the scope', async () => {
    const alice = await api.user();
    const bob = await api.user();
    const id = (await upload(alice.token, statement('2026-03-01,-1.00,Gum'))).body.id;
    expectProblem(await api.request('GET', `/imports/${id}`, { token: bob.token }), 404, 'NOT_FOUND');
    expectProblem(await api.request('POST', `/imports/${id}/commit`, { token: bob.token }), 404, 'NOT_FOUND');
    const readOnly = await api.request('POST', '/auth/tokens', {
      token: alice.token,
      body: { name: 'reader', preset: 'read-only', expiresInDays: 30 },
    });
    const reader = readOnly.body.token as string;
    expect((await api.request('GET', `/imports/${id}`, { token: reader })).status).toBe(200);
    const denied = await api.request('POST', `/imports/${id}/commit`, { token: reader });
    expect(expectProblem(denied, 403, 'MISSING_SCOPE').scope).toBe('imports:write');
    const upload403 = await api.request('POST', '/imports?sourceKey=a', {
      token: reader,
      body: 'x',
      headers: { 'content-type': 'text/csv' },
    });
    expectProblem(upload403, 403, 'MISSING_SCOPE');
  });

  it('import profiles: CRUD, 422 on a bad mapping, 404 for another user', async () => {
    const alice = await api.user();
    const created = await api.request('POST', '/import-profiles', {
      token: alice.token,
      body: { name: 'Bank', profile: MAPPING },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const renamed = await api.request('PUT', `/import-profiles/${id}`, {
      token: alice.token,
      body: { name: 'Main', profile: MAPPING },
    });
    expect(renamed.body.name).toBe('Main');
    expect((await api.request('GET', '/import-profiles', { token: alice.token })).body).toEqual([renamed.body]);
    const bob = await api.user();
    expectProblem(await api.request('GET', `/import-profiles/${id}`, { token: bob.token }), 404, 'NOT_FOUND');
    expectProblem(
      await api.request('POST', '/import-profiles', {
        token: alice.token,
        body: { name: 'x', profile: { delimiter: 'xx' } },
      }),
      422,
      'VALIDATION_FAILED',
    );
    expect((await api.request('DELETE', `/import-profiles/${id}`, { token: alice.token })).status).toBe(204);
    expectProblem(await api.request('GET', `/import-profiles/${id}`, { token: alice.token }), 404, 'NOT_FOUND');
  });

  it('a commit reports import.progress to the owner’s socket, up to every row', async () => {
    const { token } = await api.user();
    const lines = Array.from({ length: 1200 }, (_, i) => `2026-03-01,-${i + 1}.00,Line ${i}`);
    const id = (await upload(token, statement(...lines))).body.id;
    const schemas = documentSchemas((await api.request('GET', '/openapi.json')).body);
    const socket = new WebSocket(`${api.wsUrl}/ws/notifications?token=${token}`);
    const progress: { phase: string; rows: number; total: number | null }[] = [];
    const types: string[] = [];
    const undocumented: unknown[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(messageText(data));
      types.push(message.type);
      if (message.type !== 'import.progress') return;
      progress.push(message.data);
      undocumented.push(...schemas.errors('ImportProgressMessage', message));
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    try {
      // The socket subscribes to progress before it goes live: an event arriving says it has.
      await api.request('POST', '/expenses', { token, body: { amount: '1.00' } });
      await expect.poll(() => types).toContain('expense.created');
      expect((await api.request('POST', `/imports/${id}/commit`, { token })).body.counts.created).toBe(1200);
      await expect.poll(() => progress.at(-1)).toMatchObject({ phase: 'commit', rows: 1200, total: 1200 });
      expect(undocumented).toEqual([]);
    } finally {
      socket.terminate();
    }
  });
});
