import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from '../src/http/route.js';
import { API_ROUTES } from '../src/routes/api-routes.js';
import { ownerSnapshot } from './support/snapshot.js';
import { DIALECTS, startServer, type TestServer } from './support/server.js';

/** The API's operations over HTTP: every defined route but the socket's and the docs page's files. */
const ROUTES = API_ROUTES.filter((r) => !r.hidden && !r.socket);

/**
 * Input fuzzing of every route of the OpenAPI route table (issue 7, part 1): generated
 * bodies, query strings, path ids, headers and content types, and request heads past Node's
 * 16 KiB limit (long paths and queries, a huge header, thousands of headers), which Node's
 * parser refuses before the app runs. Whatever is sent, the server answers below 500, every
 * error is an RFC 9457 problem with no stack trace whose `status` is the answer's, and a
 * request that is refused (or sent with another user's token) leaves the owner's data as it
 * was. The run's fast-check seed (FC_SEED, printed when drawn) replays a failure.
 */

/** Runs per route (each group runs this many times its number of routes); FUZZ_RUNS raises it. */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 15);

/** Every field name the API's bodies know, plus those a client must never set. */
const FIELDS = [
  'amount',
  'amountMinor',
  'currency',
  'date',
  'description',
  'merchant',
  'notes',
  'tags',
  'categoryId',
  'name',
  'color',
  'icon',
  'parentId',
  'period',
  'categoryIds',
  'rollover',
  'startsOn',
  'endsOn',
  'alertRules',
  'budgetId',
  'thresholdPercent',
  'kind',
  'active',
  'username',
  'password',
  'currentPassword',
  'email',
  'timezone',
  'weekStartsOn',
  'grant_type',
  'refresh_token',
  'items',
  'reassignTo',
  'uncategorize',
  'id',
  'ownerId',
  'createdAt',
  'updatedAt',
  'seq',
  '__proto__',
  'constructor',
];
/** Every query parameter name the API's routes know. */
const QUERY_KEYS = [
  'limit',
  'cursor',
  'after',
  'before',
  'from',
  'to',
  'date',
  'categoryId',
  'budgetId',
  'format',
  'unread',
  'q',
  'minAmount',
  'maxAmount',
  'tag',
  'fromMonth',
  'toMonth',
  'granularity',
  'window',
  'months',
  'weeks',
  'order',
  'sort',
  'reassignTo',
  'uncategorize',
  'currency',
  'token',
  '__proto__',
];

/** `encodeURIComponent`, with lone surrogates (which it cannot encode) replaced. */
const enc = (text: string) =>
  encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Visible ASCII: what a header value can carry. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
/** Strings with unicode, control characters, lone surrogates and injection-looking fragments. */
const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      '\u0000',
      '\u001f',
      '\u007f',
      '\u202e',
      '\ufeff',
      '\ud800',
      '😀',
      'é',
      '%',
      "'",
      '"',
      '\\',
      ';--',
      '<script>',
      '{{',
      '${',
      'a',
      '1',
      '.',
      '/',
    ),
    maxLength: 30,
  }),
  fc.constantFrom(
    '',
    ' ',
    '1e308',
    '9'.repeat(400),
    '-0',
    'NaN',
    'Infinity',
    '0x10',
    '1,5',
    ' 1 ',
    '2026-02-30',
    '2026-13-01',
    '9999-12-31',
    '0000-00-00',
    'null',
    'true',
    'x'.repeat(5000),
  ),
);

/** Any JSON value, including the edges: huge and tiny numbers, wrong types, ids. */
function nastyValue(ids: string[]) {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(
      1e308,
      -1e308,
      2 ** 53 + 1,
      -(2 ** 63),
      2 ** 64,
      0.1 + 0.2,
      -0,
      5e-324,
      1.005,
      123.456789,
      null,
      true,
      false,
      [],
      {},
    ),
    fc.integer(),
    fc.double({ noNaN: true }),
    nastyString,
    fc.constantFrom(...ids),
    fc.array(fc.constantFrom(...ids), { maxLength: 3 }),
  );
}

/** A request body: a JSON value, an object of known fields with wrong values, or raw text with any content type. */
function bodyArb(ids: string[]) {
  const contentType = fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/xml',
    'application/problem+json',
    'application/vnd.api+json',
    '*/*',
    'json',
    undefined,
  );
  const deep = fc
    .integer({ min: 1, max: 200_000 })
    .chain((n) =>
      fc.constantFrom(
        '['.repeat(n) + ']'.repeat(n),
        '{"name":'.repeat(n) + '1' + '}'.repeat(n),
        '{"amount":' + '['.repeat(n) + ']'.repeat(n) + '}',
      ),
    );
  const raw = fc.oneof(
    deep,
    nastyString,
    fc.constantFrom(
      '{',
      '{"a":',
      '[1,]',
      'null',
      '""',
      '{"__proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"x":1}}}',
      'a=1&b=2',
      'username=x&password=y&grant_type=password',
    ),
  );
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({ json: fc.dictionary(fc.constantFrom(...FIELDS), nastyValue(ids), { maxKeys: 6 }) }),
    },
    { weight: 2, arbitrary: fc.record({ json: nastyValue(ids) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        json: fc.array(fc.dictionary(fc.constantFrom(...FIELDS), nastyValue(ids), { maxKeys: 4 }), { maxLength: 4 }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ raw, type: contentType }) },
  );
}

/** A path id: random text, another user's id, traversal, malformed escapes, very long. */
function idArb(foreign: string[], own: string[]) {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }).map(enc),
    fc.constantFrom(...foreign),
    fc.constantFrom(...own),
    fc.constantFrom(
      '..',
      '../',
      '%2e%2e%2f',
      '..%2f..%2fetc%2fpasswd',
      '%00',
      '%',
      '%zz',
      '%E0%A4%A',
      '%20',
      'null',
      'undefined',
      '0',
      '-1',
      '1e400',
      "'%20OR%201=1%20--",
      `exp_${'A'.repeat(26)}`,
      'acc_x',
    ),
    fc.integer({ min: 300, max: 6000 }).map((n) => 'x'.repeat(n)),
    // Past Node's 16 KiB for the request line and headers together.
    fc.integer({ min: 6000, max: 40_000 }).map((n) => 'x'.repeat(n)),
  );
}

/** A query string of known and unknown parameters with nasty values (repeats included). */
const queryArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...QUERY_KEYS, 'x'), nastyString), { maxLength: 5 })
      .map((pairs) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'limit=%zz',
      'limit[]=1',
      'limit[a]=1',
      'after=1&after=2',
      '%',
      '=&=&',
      'a'.repeat(3000),
      'format=xml',
      'limit=0',
      'limit=-1',
      'limit=1e9',
      'after=1e400',
    ),
  },
  // Many kilobytes: around and past Node's 16 KiB limit.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...QUERY_KEYS), fc.integer({ min: 8_000, max: 40_000 }))
      .map(([k, n]) => `${k}=${'a'.repeat(n)}`),
  },
);

/** Extra headers: idempotency keys (too long included), request ids, accept, forwarding. */
const headersArb = fc.record(
  {
    'idempotency-key': headerText(300),
    'x-request-id': headerText(200),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml', ''),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'garbage', ''),
    'x-unknown-header': headerText(20),
  },
  { requiredKeys: [] },
);

/** Request heads past Node's 16 KiB limit: one huge header, or thousands of small ones; mostly neither. */
const oversizedHeadersArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.integer({ min: 8_000, max: 40_000 }).map((n) => ({ 'x-oversized': 'h'.repeat(n) })) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 500, max: 3_000 })
      .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-many-${i}`, 'v']))),
  },
);

type TokenKind = 'owner' | 'other' | 'none' | 'garbage';

interface Generated {
  route: Route;
  id: string;
  query: string;
  body: { json: unknown } | { raw: string; type: string | undefined };
  headers: Record<string, string>;
  oversized: Record<string, string>;
  token: TokenKind;
}

/** Asserts the answer is below 500 and, when an error, an RFC 9457 problem with no stack trace. */
function expectSafeAnswer(
  what: string,
  method: string,
  answer: { status: number; headers: Headers; body: unknown },
): void {
  expect(answer.status, `${what} → ${answer.status} ${JSON.stringify(answer.body)}`).toBeLessThan(500);
  if (answer.status < 400 || method === 'HEAD') return;
  expect(answer.headers.get('content-type'), `${what} → ${answer.status}`).toMatch(/^application\/problem\+json/);
  const body = answer.body as Record<string, unknown>;
  expect(body, what).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: answer.status,
    code: expect.any(String),
    detail: expect.any(String),
  });
  expect(JSON.stringify(body), what).not.toMatch(
    /\bat .+:\d+:\d+|node_modules|RangeError|TypeError|SQLITE|syntax error at/,
  );
}

it('fuzzes from this run’s fast-check seed, so a failure replays with the FC_SEED it printed', () => {
  expect(fc.readConfigureGlobal().seed).toBe(Number(process.env.FC_SEED));
});

describe.each(DIALECTS)('input fuzzing of every route on %s', (dialect) => {
  let api: TestServer;
  let alice: { token: string; id: string };
  let mallory: { token: string; id: string };
  let aliceIds: string[];
  let malloryIds: string[];

  /** Gives a user a category tree, an overall and a category budget, a rule, expenses and a notification. */
  async function seed(token: string): Promise<string[]> {
    const as = async (method: string, path: string, body?: unknown) => {
      const answer = await api.request(method, path, { token, body });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    const category = await as('POST', '/categories', { name: 'Rent' });
    const sub = await as('POST', '/categories', { name: 'Deposit', parentId: category.id });
    const overall = await as('POST', '/budget', { name: 'Everything', amount: '100' });
    const budget = await as('POST', '/budgets', { name: 'Rent', amount: '50', categoryIds: [category.id] });
    const rule = await as('POST', '/alerts', { budgetId: budget.id, thresholdPercent: 10, kind: 'forecast' });
    const expense = await as('POST', '/expenses', { amount: '90', categoryId: category.id, description: 'Flat' });
    const [notification] = await as('GET', '/notifications');
    return [category.id, sub.id, overall.id, budget.id, rule.id, expense.id, notification.id];
  }

  beforeAll(async () => {
    // With webhook keys, as a server that offers webhooks runs: the routes answer for real (a
    // server without keys answers their writes with a deliberate 503 that names the setting).
    api = await startServer(dialect, {
      webhooks: { encryptionKeys: [{ id: 'fuzz', key: randomBytes(32).toString('base64') }] },
    });
    alice = await api.user();
    mallory = await api.user();
    aliceIds = await seed(alice.token);
    malloryIds = [...(await seed(mallory.token)), mallory.id];
  });
  afterAll(async () => {
    await api.close();
  });

  /** Sends one generated request; the path's `{id}` is the generated id, unescaped. */
  function send(g: Generated) {
    const path = g.route.path.replace('{id}', g.id) + (g.query ? `?${g.query}` : '');
    const token = { owner: alice.token, other: mallory.token, none: undefined, garbage: 'eyJhbGciOiJub25lIn0.e30.' }[
      g.token
    ];
    const method = g.route.method.toUpperCase();
    const headers: Record<string, string> = { ...g.oversized, ...g.headers };
    let body: unknown;
    if (method !== 'GET') {
      if ('json' in g.body) body = g.body.json === undefined ? 'null' : g.body.json;
      else body = g.body.raw;
      if ('json' in g.body && typeof body === 'string') body = JSON.stringify(body);
      if ('json' in g.body) headers['content-type'] = 'application/json';
      else if (g.body.type) headers['content-type'] = g.body.type;
    }
    return api.request(method, path, { token, body, headers });
  }

  // Logout is left out: a 204 would end the owner's session for the rest of the run (it is attacked in security-auth).
  const fuzzed = ROUTES.filter((r) => r.path !== '/auth/logout');
  const groups = [...new Set(fuzzed.map((r) => r.tag))];

  it.each(groups)(
    '%s routes: no 5xx, every error a problem, no refused request changes the owner’s data',
    async (tag) => {
      const routes = fuzzed.filter((r) => r.tag === tag);
      const ids = () => [...aliceIds, ...malloryIds];
      let saved = await ownerSnapshot(api, alice.token);
      const generated = fc.record({
        route: fc.constantFrom(...routes),
        id: idArb(malloryIds, aliceIds),
        query: queryArb,
        body: bodyArb(ids()),
        headers: headersArb,
        oversized: oversizedHeadersArb,
        token: fc.constantFrom<TokenKind>('owner', 'owner', 'owner', 'owner', 'other', 'none', 'garbage'),
      });
      await fc.assert(
        fc.asyncProperty(generated, async (g) => {
          // The owner's records are never deleted by the fuzzer itself, so later runs still hit them.
          if (g.route.method === 'delete' && aliceIds.some((id) => g.id.includes(id))) return;
          const answer = await send(g);
          const what = `${g.route.method.toUpperCase()} ${g.route.path} (id ${g.id.slice(0, 60)}, token ${g.token})`;
          expectSafeAnswer(what, g.route.method.toUpperCase(), answer);
          if (g.route.method === 'get' && g.route.path !== '/auth/refresh') return;
          const now = await ownerSnapshot(api, alice.token);
          // Refused, or sent by someone else: the owner's data is exactly as before.
          if (answer.status >= 400 || g.token !== 'owner')
            expect(now, `${what} → ${answer.status} changed the owner’s data`).toEqual(saved);
          saved = now;
        }),
        { numRuns: RUNS_PER_ROUTE * routes.length, endOnFailure: true },
      );
      // Reads change nothing, whatever they are sent.
      expect(await ownerSnapshot(api, alice.token)).toEqual(saved);
    },
  );

  describe('regressions the fuzzer found', () => {
    it('a path and query many kilobytes long got a bare 431 with no content-type (Node refused it before the app): now a 414 problem; oversized headers a 431 problem', async () => {
      const before = await ownerSnapshot(api, alice.token);
      const long = await api.request('PUT', `/budgets/${'x'.repeat(12_000)}?q=${'a'.repeat(9_000)}`, {
        token: alice.token,
        body: { amount: '1' },
      });
      expectSafeAnswer('PUT /budgets/<12 000 x>?q=<9 000 a>', 'PUT', long);
      expect(long.status).toBe(414);
      expect(long.body.code).toBe('URI_TOO_LONG');
      const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x-many-${i}`, 'v']));
      for (const headers of [{ 'x-oversized': 'h'.repeat(20_000) }, many]) {
        const big = await api.request('POST', '/budgets', {
          token: alice.token,
          body: { name: 'Big', amount: '1' },
          headers,
        });
        expectSafeAnswer(`POST /budgets with ${Object.keys(headers).length} oversized header(s)`, 'POST', big);
        expect(big.status).toBe(431);
        expect(big.body.code).toBe('HEADERS_TOO_LARGE');
      }
      expect(await ownerSnapshot(api, alice.token)).toEqual(before);
    });

    it('a method a path does not serve was a text/plain 405: now a problem, with Allow', async () => {
      const answer = await api.request('DELETE', '/expenses', { token: alice.token });
      expectSafeAnswer('DELETE /expenses', 'DELETE', answer);
      expect(answer.status).toBe(405);
      expect(answer.body.code).toBe('METHOD_NOT_ALLOWED');
      expect(answer.headers.get('allow')).toMatch(/GET/);
    });

    it('a deeply nested body with an Idempotency-Key was a 500 (JSON.stringify overflowed): now a 422, nothing stored', async () => {
      const before = await ownerSnapshot(api, alice.token);
      for (const [path, body] of [
        ['/categories', '['.repeat(20_000) + ']'.repeat(20_000)],
        ['/expenses/batch', '{"amount":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}'],
        ['/expenses', '{"description":' + '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000) + '}'],
      ] as const) {
        const answer = await api.request('POST', path, {
          token: alice.token,
          body,
          headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${path}` },
        });
        expectSafeAnswer(`POST ${path} deep`, 'POST', answer);
        expect(answer.status).toBe(422);
      }
      expect(await ownerSnapshot(api, alice.token)).toEqual(before);
    });

    it('U+0000 in a path id, query or body was a 500 on PostgreSQL (text cannot hold it): now 404/422 on both databases', async () => {
      const before = await ownerSnapshot(api, alice.token);
      for (const path of [
        '/expenses/%00',
        `/categories/${aliceIds[0]}%00`,
        '/budgets/a%00b',
        '/alerts/%00',
        '/notifications/%00/read',
      ]) {
        const answer = await api.request(path.endsWith('read') ? 'POST' : 'GET', path, { token: alice.token });
        expectSafeAnswer(path, 'GET', answer);
        expect(answer.status, path).toBe(404);
      }
      const query = await api.request('GET', '/expenses?q=a%00b', { token: alice.token });
      expectSafeAnswer('q with NUL', 'GET', query);
      expect(query.status).toBe(422);
      expect(query.body.issues).toContainEqual(expect.objectContaining({ path: ['q'] }));
      const body = await api.request('POST', '/expenses', {
        token: alice.token,
        body: { amount: '1', description: 'a\u0000b' },
      });
      expectSafeAnswer('description with NUL', 'POST', body);
      expect(body.status).toBe(422);
      expect(body.body.issues).toContainEqual(expect.objectContaining({ path: ['description'] }));
      const batch = await api.request('POST', '/expenses/batch', {
        token: alice.token,
        body: [{ amount: '1' }, { amount: '1', tags: ['ok', '\u0000'] }],
      });
      expect(batch.status).toBe(422);
      expect(batch.body.issues).toContainEqual(expect.objectContaining({ path: [1, 'tags', 1] }));
      const login = await api.request('POST', '/auth/login', { body: { username: 'a\u0000', password: 'x\u0000y' } });
      expectSafeAnswer('login with NUL', 'POST', login);
      expect(await ownerSnapshot(api, alice.token)).toEqual(before);
    });
  });

  it('methods a path does not serve: 405 problems (or 404, or 422 where the path reads as an id), never 5xx, nothing changes', async () => {
    const before = await ownerSnapshot(api, alice.token);
    const paths = [...new Set(fuzzed.map((r) => r.path))];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        fc.constantFrom(...malloryIds, 'x'),
        async (path, method, id) => {
          if (ROUTES.some((r) => r.path === path && r.method.toUpperCase() === method)) return;
          if (method === 'GET' && ROUTES.some((r) => r.path === path && r.method === 'get')) return;
          if (method === 'HEAD' && ROUTES.some((r) => r.path === path && r.method === 'get')) return;
          const answer = await api.request(method, path.replace('{id}', id), {
            token: alice.token,
            body: method === 'GET' || method === 'HEAD' ? undefined : {},
          });
          expectSafeAnswer(`${method} ${path}`, method, answer);
          if (method !== 'OPTIONS' && method !== 'HEAD')
            expect([404, 405, 422], `${method} ${path}`).toContain(answer.status);
        },
      ),
      { numRuns: 80 },
    );
    expect(await ownerSnapshot(api, alice.token)).toEqual(before);
  });
});
