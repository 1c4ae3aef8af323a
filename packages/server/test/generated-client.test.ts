import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOV_15 } from './support/problems.js';
import { startServer, type TestServer } from './support/server.js';

// What issue #10 asks of the document: a client generated from it with third-party tools,
// at their default settings, sends the seed's requests and reads socket messages with no
// casts, under `strict`.

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The client, as a user of the API would write it against the generated `schema.d.ts`. */
const CLIENT = `
import createClient from 'openapi-fetch';
import { WebSocket } from 'ws';
import type { components, paths } from './schema.js';

type NotificationMessage = components['schemas']['NotificationMessage'];

const api = process.env.API_URL ?? 'http://localhost:8000';
const token = process.env.API_TOKEN ?? '';
const client = createClient<paths>({ baseUrl: api, headers: { authorization: \`Bearer \${token}\` } });

/** What a message says, read through the type its \`type\` narrows it to. */
function describe(message: NotificationMessage): string {
  switch (message.type) {
    case 'alert.triggered':
      return \`alert \${message.data.notification.thresholdPercent}: \${message.data.notification.message} (\${message.data.budget.name})\`;
    case 'expense.created':
      return \`expense \${message.data.expense.amountMinor} \${message.data.expense.currency}\`;
    case 'budget.created':
      return \`budget \${message.data.budget.name} \${message.data.budget.amountMinor}\`;
    default:
      return message.type;
  }
}

// The socket first, so that what the requests below change arrives on it.
const socket = new WebSocket(\`\${api.replace(/^http/, 'ws')}/ws/notifications?token=\${token}\`);
const seen: string[] = [];
const threeMessages = new Promise<void>((resolve, reject) => {
  socket.on('message', (raw) => {
    const message: NotificationMessage = JSON.parse(String(raw));
    seen.push(describe(message));
    if (seen.length === 3) resolve();
  });
  socket.once('error', reject);
});
await new Promise<void>((resolve, reject) => {
  socket.once('open', () => resolve());
  socket.once('error', reject);
});

const seedBudget: components['schemas']['OverallBudgetInput'] = { amount: '100.00', currency: 'USD' };
const budget = await client.POST('/budget', { body: seedBudget });
if (!budget.data) throw new Error(\`POST /budget: \${JSON.stringify(budget.error)}\`);
const expense = await client.POST('/expenses', { body: { amount: '90.00', date: '2026-11-14' } });
if (!expense.data) throw new Error(\`POST /expenses: \${JSON.stringify(expense.error)}\`);
const monthly = await client.GET('/analytics/monthly', { params: { query: { from: '2026-09', to: '2026-11-30' } } });
if (!monthly.data) throw new Error(\`GET /analytics/monthly: \${JSON.stringify(monthly.error)}\`);
await threeMessages;
socket.close();

console.log(JSON.stringify({
  budget: { status: budget.response.status, name: budget.data.name, amountMinor: budget.data.amountMinor, currency: budget.data.currency },
  months: monthly.data.months.map((month) => [month.month, month.currencies.find((c) => c.currency === 'USD')?.totalMinor ?? 0]),
  messages: seen,
}));
`;

/** The TypeScript errors of `file`, checked as strictly as this repository checks itself. */
function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('a client generated from /openapi.json with openapi-typescript and openapi-fetch', () => {
  let api: TestServer;
  let dir: string;
  let token: string;
  beforeAll(async () => {
    api = await startServer('sqlite', { clock: NOV_15 });
    ({ token } = await api.user());
    const doc = (await api.request('GET', '/openapi.json')).body;
    // openapi-typescript at its defaults, as `npx openapi-typescript <url>` runs it.
    const schema = astToString(await openapiTS(doc));
    // Under node_modules, so that the client resolves openapi-fetch and ws as a user's project would.
    await mkdir(join(repoRoot, 'node_modules', '.cache'), { recursive: true });
    dir = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'generated-client-'));
    await writeFile(join(dir, 'schema.d.ts'), schema);
    await writeFile(join(dir, 'client.mts'), CLIENT);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('typechecks under strict with no casts', () => {
    expect(CLIENT).not.toMatch(/\sas\s|@ts-|\w!\./); // no cast, no suppression, no non-null assertion
    expect(typeErrors(join(dir, 'client.mts'))).toEqual([]);
  }, 60_000);

  it.each([
    [
      'reads a field the narrowed type does not have',
      'return `alert ${message.data.notification.thresholdPercent}',
      'return `alert ${message.data.expense.amountMinor}',
      /Property 'expense' does not exist/,
    ],
    [
      'gives /budget categoryIds',
      "{ amount: '100.00', currency: 'USD' };",
      "{ amount: '100.00', currency: 'USD', categoryIds: [] };",
      /'categoryIds' does not exist/,
    ],
    [
      'gives an amount that is neither a string nor a number',
      "{ amount: '100.00', currency: 'USD' };",
      "{ amount: true, currency: 'USD' };",
      /boolean/,
    ],
    [
      'asks /analytics/monthly for a query it does not take',
      "query: { from: '2026-09', to: '2026-11-30' }",
      "query: { month: '2026-09' }",
      /'month' does not exist/,
    ],
  ])(
    'fails to typecheck when it %s',
    async (what, find, replace, error) => {
      expect(CLIENT).toContain(find);
      const file = join(dir, `wrong-${what.replace(/\W+/g, '-')}.mts`);
      await writeFile(file, CLIENT.replace(find, replace));
      const errors = typeErrors(file);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.join('\n')).toMatch(error);
    },
    60_000,
  );

  it('runs against the live server: the budget from {amount, currency}, the months from from/to, the messages read by type', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(dir, 'client.mts')], {
      cwd: repoRoot,
      env: { ...process.env, API_URL: api.url, API_TOKEN: token },
      timeout: 50_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      budget: Record<string, unknown>;
      months: [string, number][];
      messages: string[];
    };
    expect(result.budget).toEqual({ status: 201, name: 'Overall', amountMinor: 10000, currency: 'USD' });
    expect(result.months).toEqual([
      ['2026-09', 0],
      ['2026-10', 0],
      ['2026-11', 9000],
    ]);
    expect(result.messages).toEqual([
      'budget Overall 10000',
      'expense 9000 USD',
      expect.stringMatching(/^alert 80: .+ \(Overall\)$/),
    ]);
    // What the client saw is what the server stored.
    expect((await api.request('GET', '/budget', { token })).body).toMatchObject({
      name: 'Overall',
      amountMinor: 10000,
    });
  }, 60_000);
});
