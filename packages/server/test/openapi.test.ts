import { request as httpRequest } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermission } from '../src/http/permissions.js';
import type { OpenApiDocument } from '../src/http/openapi.js';
import { documentSchemas } from './support/document-schemas.js';
import { expectProblem } from './support/problems.js';
import { startServer, type TestServer } from './support/server.js';

/** Every operation of SPEC section 3, plus the PATCHes, `GET /auth/refresh`, the alert routes' by-id reads and the rule runs' reads. */
const SPEC_OPERATIONS = [
  'POST /auth/register',
  'POST /auth/login',
  'POST /auth/logout',
  'POST /auth/refresh',
  'GET /auth/refresh',
  'GET /auth/me',
  'PATCH /auth/me',
  'POST /expenses',
  'GET /expenses',
  'POST /expenses/batch',
  'GET /expenses/{id}',
  'PUT /expenses/{id}',
  'PATCH /expenses/{id}',
  'DELETE /expenses/{id}',
  'POST /categories',
  'GET /categories',
  'GET /categories/{id}',
  'PUT /categories/{id}',
  'PATCH /categories/{id}',
  'DELETE /categories/{id}',
  'POST /budget',
  'GET /budget',
  'PUT /budget',
  'GET /budget/status',
  'GET /budget/history',
  'POST /budgets',
  'GET /budgets',
  'GET /budgets/{id}',
  'PUT /budgets/{id}',
  'PATCH /budgets/{id}',
  'DELETE /budgets/{id}',
  'GET /budgets/{id}/status',
  'GET /budgets/{id}/history',
  'POST /alert',
  'GET /alert',
  'GET /alert/{id}',
  'PUT /alert/{id}',
  'PATCH /alert/{id}',
  'DELETE /alert/{id}',
  'POST /alerts',
  'GET /alerts',
  'GET /alerts/{id}',
  'PUT /alerts/{id}',
  'PATCH /alerts/{id}',
  'DELETE /alerts/{id}',
  'GET /notifications',
  'POST /notifications/{id}/read',
  // SPEC section 7.2: auto-categorisation rules.
  'POST /rules',
  'GET /rules',
  'GET /rules/suggestions',
  'POST /rules/reorder',
  'POST /rules/test',
  'GET /rules/{id}',
  'PATCH /rules/{id}',
  'DELETE /rules/{id}',
  'POST /rules/{id}/apply',
  'GET /rule-runs',
  'GET /rule-runs/{id}',
  'POST /rule-runs/{id}/revert',
  // SPEC section 7.5: signed webhooks.
  'POST /webhooks',
  'GET /webhooks',
  'GET /webhooks/{id}',
  'PATCH /webhooks/{id}',
  'DELETE /webhooks/{id}',
  'POST /webhooks/{id}/test',
  'GET /webhooks/{id}/messages',
  'POST /webhooks/{id}/messages/{messageId}/retry',
  'POST /webhooks/{id}/replay',
  'POST /webhooks/{id}/rotate-secret',
  // SPEC section 7.3: recurring expenses and bills.
  'POST /schedules',
  'GET /schedules',
  'GET /schedules/upcoming',
  'GET /schedules/{id}',
  'PATCH /schedules/{id}',
  'DELETE /schedules/{id}',
  'GET /schedules/{id}/occurrences',
  'POST /schedules/{id}/occurrences/{date}/skip',
  'POST /schedules/{id}/occurrences/{date}/post',
  'POST /imports',
  'GET /imports',
  'GET /imports/{id}',
  'GET /imports/{id}/rows',
  'PATCH /imports/{id}/rows/{n}',
  'POST /imports/{id}/commit',
  'POST /imports/{id}/revert',
  'POST /import-profiles',
  'GET /import-profiles',
  'GET /import-profiles/{id}',
  'PUT /import-profiles/{id}',
  'DELETE /import-profiles/{id}',
  'GET /analytics/summary',
  'GET /analytics/monthly',
  'GET /analytics/weekly',
  'GET /analytics/trends',
  'GET /analytics/export',
  'GET /changes',
  'GET /health',
  'GET /health/ready',
  'GET /openapi.json',
  'GET /docs',
  // SPEC section 4: the notification socket, documented as the GET that opens it.
  'GET /ws/notifications',
  'GET /ws/notifications/{userId}',
  // SPEC §7.4: API tokens.
  'GET /auth/tokens',
  'POST /auth/tokens',
  'DELETE /auth/tokens/{id}',
  'GET /auth/token',
];

const SOCKET_OPERATIONS = ['GET /ws/notifications', 'GET /ws/notifications/{userId}'];

const PUBLIC_OPERATIONS = [
  'POST /auth/register',
  'POST /auth/login',
  'POST /auth/refresh',
  'GET /auth/refresh',
  'GET /health',
  'GET /health/ready',
  'GET /openapi.json',
  'GET /docs',
];

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** `METHOD /path` of every operation of the document. */
function operationsOf(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** A GET sent exactly as written, by node:http: fetch would resolve `..` first, and adds `cache-control: no-cache` to conditional requests. */
function rawGet(url: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'GET', path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('OpenAPI document and interactive docs', () => {
  let api: TestServer;
  let doc: OpenApiDocument;
  let token: string;
  beforeAll(async () => {
    api = await startServer('sqlite');
    token = (await api.user()).token;
    doc = (await api.request('GET', '/openapi.json')).body;
  });
  afterAll(async () => {
    await api.close();
  });

  it('GET /openapi.json answers an OpenAPI 3.1 document that the 3.1 schema validates', async () => {
    const response = await api.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(response.body);
    if (!result.valid) console.error(JSON.stringify(result.errors, null, 2));
    expect(result.valid).toBe(true);
  });

  it('documents every route of the SPEC table, and nothing else', () => {
    expect(operationsOf(doc).sort()).toEqual([...SPEC_OPERATIONS].sort());
    expect(
      new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))).size,
    ).toBe(SPEC_OPERATIONS.length);
  });

  it('every operation declares a permission of the catalogue, or is public (then it needs no token): none is left to deny by default', () => {
    const undeclared: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        const permission = op['x-permission'];
        const responses = op.responses as Record<string, unknown>;
        if (permission === 'public') expect(op.security, name).toEqual([]);
        // Token introspection alone lets any valid token through, whatever its scopes.
        else if (permission === 'authenticated') expect(name).toBe('GET /auth/token');
        else if (!isPermission(permission)) undeclared.push(`${name}: ${String(permission)}`);
        // Every operation an API token may lack the scope for documents the 403 that says so.
        else if (!SOCKET_OPERATIONS.includes(name))
          expect(responses['403'], name).toEqual({ $ref: '#/components/responses/MissingScope' });
      }
    }
    expect(undeclared).toEqual([]);
    const permissionOf = (op: string) => {
      const [method, path] = op.split(' ') as [string, string];
      return doc.paths[path]![method.toLowerCase()]!['x-permission'];
    };
    expect(PUBLIC_OPERATIONS.map(permissionOf)).toEqual(PUBLIC_OPERATIONS.map(() => 'public'));
    expect(
      [
        'GET /expenses',
        'POST /expenses',
        'DELETE /categories/{id}',
        'GET /alerts',
        'POST /notifications/{id}/read',
        'GET /analytics/export',
        'GET /ws/notifications',
        'PATCH /auth/me',
        'POST /auth/tokens',
        'DELETE /auth/tokens/{id}',
      ].map(permissionOf),
    ).toEqual([
      'expenses:read',
      'expenses:write',
      'categories:write',
      'budgets:read',
      'budgets:write',
      'export:read',
      'changes:read',
      'account:manage',
      'account:manage',
      'account:manage',
    ]);
  });

  it('every operation needs a bearer token or OAuth2, except the public ones, which say `security: []`', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.components.securitySchemes.oauth2).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/auth/login', refreshUrl: '/auth/refresh' } },
    });
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { apiToken: [] }, { oauth2: [] }]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        const security = (op.security ?? doc.security) as Record<string, string[]>[];
        if (PUBLIC_OPERATIONS.includes(name)) expect(security, name).toEqual([]);
        else if (SOCKET_OPERATIONS.includes(name)) {
          // A socket is refused by a close, not a 401; the token may also ride in ?token=.
          expect(security, name).toEqual([{ bearerAuth: [] }, { apiToken: [] }, { accessTokenQuery: [] }]);
          expect(Object.keys(op.responses as Record<string, unknown>).sort(), name).toEqual(['101', '426']);
        } else {
          expect(security, name).toContainEqual({ bearerAuth: [] });
          expect((op.responses as Record<string, unknown>)['401'], name).toEqual({
            $ref: '#/components/responses/Unauthorized',
          });
        }
      }
    }
  });

  it('schemas come from core’s zod schemas: an Expense has amountMinor as an integer and amount as a string', () => {
    const expense = doc.components.schemas.Expense as {
      properties: Record<string, { type: unknown }>;
      required: string[];
    };
    expect(expense.properties.amountMinor!.type).toBe('integer');
    expect(expense.properties.amount!.type).toBe('string');
    expect(expense.required).toEqual(expect.arrayContaining(['id', 'amountMinor', 'amount', 'currency', 'date']));
    // Inputs convert as input: a decimal amount may be a string or a number, and defaults are not required.
    const input = (
      doc.components.schemas.ExpenseInput as { properties: Record<string, { anyOf?: { type: string }[] }> }
    ).properties;
    expect(input.amount!.anyOf!.map((branch) => branch.type)).toEqual(['string', 'number']);
    const get = doc.paths['/expenses/{id}']!.get!;
    expect(get.responses).toMatchObject({
      200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Expense' } } } },
    });
    expect(doc.paths['/expenses']!.post!.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ExpenseInput' } } },
    });
    // Every $ref resolves to a component.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const [, kind, name] = /#\/components\/(\w+)\/([\w-]+)/.exec(ref) ?? [];
      expect((doc.components as unknown as Record<string, Record<string, unknown>>)[kind!]?.[name!], ref).toBeDefined();
    }
  });

  it('POST and PUT /budget document their own body: name optional (default "Overall"), no categoryIds, the rest as a budget', () => {
    for (const method of ['post', 'put']) {
      expect(doc.paths['/budget']![method]!.requestBody).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/OverallBudgetInput' } } },
      });
    }
    const overall = doc.components.schemas.OverallBudgetInput as {
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
      additionalProperties: unknown;
    };
    const budget = doc.components.schemas.BudgetInput as { properties: Record<string, unknown>; required?: string[] };
    expect(overall.properties.name).toMatchObject({ type: 'string', description: 'Default: "Overall"' });
    expect(overall.required ?? []).not.toContain('name');
    expect(overall.properties).not.toHaveProperty('categoryIds');
    expect(overall.additionalProperties).toBe(false);
    expect(Object.keys(overall.properties).sort()).toEqual(
      Object.keys(budget.properties)
        .filter((key) => key !== 'categoryIds')
        .sort(),
    );
    expect(budget.required).toContain('name');
  });

  it('request bodies say their defaults in descriptions, not as `default`, which generators would type as always present', () => {
    // Every schema a request body reaches, through its $refs.
    const reached = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (value === null || typeof value !== 'object') return;
      for (const [key, item] of Object.entries(value)) {
        if (key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')) {
          const name = item.slice('#/components/schemas/'.length);
          if (!reached.has(name)) {
            reached.add(name);
            visit(doc.components.schemas[name]);
          }
        } else visit(item);
      }
    };
    for (const item of Object.values(doc.paths)) for (const op of Object.values(item)) visit(op.requestBody);
    expect([...reached]).toEqual(
      expect.arrayContaining(['OverallBudgetInput', 'RecurringPeriod', 'AlertRuleInput', 'ExpenseInput']),
    );
    const withDefaults: string[] = [];
    const findDefaults = (value: unknown, where: string): void => {
      if (Array.isArray(value)) return value.forEach((item, i) => findDefaults(item, `${where}[${i}]`));
      if (value === null || typeof value !== 'object') return;
      for (const [name, property] of Object.entries(
        (value as { properties?: Record<string, object> }).properties ?? {},
      ))
        if ('default' in property) withDefaults.push(`${where}.${name}`);
      for (const [key, item] of Object.entries(value)) findDefaults(item, `${where}.${key}`);
    };
    for (const name of reached) findDefaults(doc.components.schemas[name], name);
    expect(withDefaults).toEqual([]);
    expect(
      (doc.components.schemas.RecurringPeriod as { properties: Record<string, unknown> }).properties.every,
    ).toMatchObject({ description: 'Default: 1' });
  });

  it('GET /analytics/monthly documents from/to (months or dates) beside fromMonth/toMonth', () => {
    const params = doc.paths['/analytics/monthly']!.get!.parameters as { name: string; schema: { pattern?: string } }[];
    expect(params.map((p) => p.name)).toEqual(['from', 'to', 'fromMonth', 'toMonth']);
    const pattern = new RegExp(params[0]!.schema.pattern!);
    expect(['2025-01', '2025-01-15'].every((value) => pattern.test(value))).toBe(true);
    expect(['2025-1', '2025-13', '25-01', '2025-01-15T00:00'].some((value) => pattern.test(value))).toBe(false);
  });

  it('input amounts document what the server takes: a positive decimal pattern, > 0 as a number, amountMinor from 1', () => {
    const schemas = doc.components.schemas as Record<
      string,
      { properties: Record<string, { anyOf?: Record<string, unknown>[]; minimum?: number; maximum?: number }> }
    >;
    for (const name of ['ExpenseInput', 'ExpensePatch', 'BudgetInput', 'BudgetPatch', 'OverallBudgetInput']) {
      const { amount, amountMinor } = schemas[name]!.properties;
      expect(amount!.anyOf, name).toEqual([
        { type: 'string', pattern: expect.any(String) },
        { type: 'number', exclusiveMinimum: 0 },
      ]);
      const pattern = new RegExp(amount!.anyOf![0]!.pattern as string, 'u');
      expect(
        ['12.50', '0.01', '+3', ' 7 '].every((text) => pattern.test(text)),
        name,
      ).toBe(true);
      expect(
        ['0', '0.00', '-5', '1.', '.5', '1e3', '1,000'].some((text) => pattern.test(text)),
        name,
      ).toBe(false);
      expect(amountMinor, name).toMatchObject({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
    }
    // Answers keep the plain integer range: amountMinorSchema also describes figures that may be negative.
    expect(schemas.Expense!.properties.amountMinor!.minimum).toBe(Number.MIN_SAFE_INTEGER);
  });

  it('query parameters come from the query schemas: GET /expenses takes limit 1–200 (default 50) and a repeatable categoryId', () => {
    const params = doc.paths['/expenses']!.get!.parameters as {
      name: string;
      in: string;
      required: boolean;
      schema: Record<string, unknown>;
      explode?: boolean;
    }[];
    expect(params.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'categoryId',
        'tag',
        'q',
        'minAmount',
        'maxAmount',
        'currency',
        'kind',
        'sort',
        'order',
        'limit',
        'cursor',
      ]),
    );
    // Refunds: `?kind=` takes the two kinds, and the export takes the same filter.
    expect(JSON.stringify(params.find((p) => p.name === 'kind')!.schema)).toMatch(/expense.*refund|ExpenseKind/);
    const exportParams = doc.paths['/analytics/export']!.get!.parameters as { name: string }[];
    expect(exportParams.map((p) => p.name)).toContain('kind');
    expect(params.find((p) => p.name === 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    });
    expect(params.find((p) => p.name === 'categoryId')).toMatchObject({ explode: true, schema: { type: 'array' } });
    expect((doc.paths['/changes']!.get!.parameters as { name: string }[]).map((p) => p.name)).toEqual([
      'after',
      'limit',
    ]);
  });

  it('errors are problem+json with the shared Problem schema', () => {
    expect(doc.components.schemas.Problem).toMatchObject({
      required: expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']),
    });
    for (const [name, response] of Object.entries(doc.components.responses)) {
      expect(response, name).toMatchObject({
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      });
    }
    expect(doc.paths['/expenses']!.post!.responses).toMatchObject({ 400: {}, 401: {}, 413: {}, 422: {}, 503: {} });
    expect(doc.paths['/auth/login']!.post!.responses).toHaveProperty('429');
    expect(doc.paths['/auth/login']!.post!.requestBody).toMatchObject({
      content: { 'application/x-www-form-urlencoded': {} },
    });
  });

  it('every operation with a request body documents 415 (UNSUPPORTED_MEDIA_TYPE) as a problem', () => {
    const withBody = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op.requestBody)
        .map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(withBody.length).toBeGreaterThan(20);
    const undocumented = withBody.filter(
      ({ op }) =>
        JSON.stringify((op.responses as Record<string, unknown>)['415']) !==
        JSON.stringify({ $ref: '#/components/responses/UnsupportedMediaType' }),
    );
    expect(undocumented.map(({ name }) => name)).toEqual([]);
    expect(doc.components.responses.UnsupportedMediaType).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  });

  it('a body of another type to any operation that takes one is answered as documented: 415, a Problem with UNSUPPORTED_MEDIA_TYPE', async () => {
    const schemas = documentSchemas(doc);
    const answers: string[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        // An upload takes text/plain (a QIF or CSV file) itself: its 415 is in imports.test.ts.
        const content = (op.requestBody as { content?: Record<string, unknown> } | undefined)?.content;
        if (!content || 'text/plain' in content) continue;
        const path = template.replace(/\{\w+\}/g, 'no_such_id');
        const response = await api.request(method.toUpperCase(), path, {
          token,
          body: 'amount=12.50',
          headers: { 'content-type': 'text/plain' },
        });
        const documented = (op.responses as Record<string, unknown>)[String(response.status)] !== undefined;
        const problem =
          (response.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
          schemas.errors('Problem', response.body).length === 0;
        answers.push(
          `${method.toUpperCase()} ${template} → ${response.status} ${response.body?.code}${documented ? '' : ' (undocumented)'}${problem ? '' : ' (not a Problem)'}`,
        );
      }
    }
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((answer) => !answer.endsWith(' → 415 UNSUPPORTED_MEDIA_TYPE'))).toEqual([]);
  });

  it('documents the notification socket: the upgrade, its token, `after`, the close codes, and NotificationMessage as what it sends', () => {
    expect(doc.components.securitySchemes.accessTokenQuery).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'query', name: 'token' }),
    );
    for (const path of ['/ws/notifications', '/ws/notifications/{userId}']) {
      const op = doc.paths[path]!.get!;
      expect(op.responses).toMatchObject({
        101: { headers: { Upgrade: { schema: { const: 'websocket' } } } },
        426: { $ref: '#/components/responses/UpgradeRequired' },
      });
      expect((op.parameters as { name: string; in: string }[]).map((p) => `${p.in} ${p.name}`)).toEqual([
        ...(path.includes('{') ? ['path userId'] : []),
        'query token',
        'query after',
      ]);
      expect(op['x-websocket']).toMatchObject({
        message: { $ref: '#/components/schemas/NotificationMessage' },
        closeCodes: { 1001: expect.any(String), 1008: expect.any(String), 4001: expect.any(String) },
      });
      for (const code of ['1001', '1008', '4001']) expect(op.description).toContain(`\`${code}\``);
    }
  });

  it('NotificationMessage and ChangeEvent are unions discriminated by `type`, one member per event type, each `data` typed', () => {
    const schemas = doc.components.schemas as Record<
      string,
      {
        oneOf?: { $ref: string }[];
        discriminator?: { propertyName: string; mapping: Record<string, string> };
        properties?: Record<string, Record<string, unknown>>;
        required?: string[];
      }
    >;
    const members = (name: string) => {
      const union = schemas[name]!;
      expect(union.discriminator?.propertyName, name).toBe('type');
      expect(Object.values(union.discriminator!.mapping), name).toEqual(union.oneOf!.map((member) => member.$ref));
      return Object.entries(union.discriminator!.mapping).map(([type, ref]) => ({
        type,
        member: schemas[ref.replace('#/components/schemas/', '')]!,
      }));
    };
    const messages = members('NotificationMessage');
    expect(messages.map((m) => m.type).sort()).toEqual([
      'alert.triggered',
      'budget.created',
      'budget.deleted',
      'budget.updated',
      'expense.created',
      'expense.deleted',
      'expense.updated',
      'notice.posted',
      'rule.applied',
      'rule.created',
      'rule.deleted',
      'rule.reordered',
      'rule.reverted',
      'rule.updated',
      'schedule.created',
      'schedule.deleted',
      'schedule.occurrence.matched',
      'schedule.occurrence.missed',
      'schedule.occurrence.posted',
      'schedule.occurrence.reopened',
      'schedule.occurrence.skipped',
      'schedule.updated',
      'webhook.endpoint.disabled',
      'webhook.message.dead',
    ]);
    for (const { type, member } of messages) {
      expect(member.properties!.type, type).toEqual({ type: 'string', const: type });
      expect(member.required!.sort(), type).toEqual(['at', 'data', 'seq', 'type']); // no ownerId: a socket only carries its own user's events
      expect(member.properties!.data!.$ref, type).toMatch(/^#\/components\/schemas\/\w+Data$/);
    }
    const events = members('ChangeEvent');
    expect(events.map((e) => e.type).sort()).toEqual([
      'alert.triggered',
      'budget.created',
      'budget.deleted',
      'budget.updated',
      'category.created',
      'category.deleted',
      'category.updated',
      'expense.created',
      'expense.deleted',
      'expense.updated',
      'import.committed',
      'import.previewed',
      'import.reverted',
      'notice.posted',
      'rule.applied',
      'rule.created',
      'rule.deleted',
      'rule.reordered',
      'rule.reverted',
      'rule.updated',
      'schedule.created',
      'schedule.deleted',
      'schedule.occurrence.matched',
      'schedule.occurrence.missed',
      'schedule.occurrence.posted',
      'schedule.occurrence.reopened',
      'schedule.occurrence.skipped',
      'schedule.updated',
      'webhook.endpoint.disabled',
      'webhook.message.dead',
    ]);
    for (const { type, member } of events) {
      expect(member.required!.sort(), type).toEqual(['actor', 'at', 'data', 'ownerId', 'seq', 'type']);
      // The same payload schema as the socket's message of that type.
      const message = messages.find((m) => m.type === type);
      if (message) expect(member.properties!.data, type).toEqual(message.member.properties!.data);
    }
    expect(schemas.AlertTriggeredData).toMatchObject({
      properties: { notification: { $ref: '#/components/schemas/BudgetNotification' } },
      required: ['notification', 'budget'],
    });
    // `GET /notifications` lists alerts and notices, told apart by `kind`.
    expect(schemas.Notification).toEqual({
      oneOf: [{ $ref: '#/components/schemas/BudgetNotification' }, { $ref: '#/components/schemas/Notice' }],
    });
  });

  it('a plain HTTP request to the socket’s paths is the documented 426 problem, with an Upgrade header', async () => {
    const schemas = documentSchemas(doc);
    for (const path of ['/ws/notifications', `/ws/notifications/someone?token=${token}`]) {
      const response = expectProblem(await api.request('GET', path), 426, 'UPGRADE_REQUIRED');
      expect(schemas.errors('Problem', response)).toEqual([]);
    }
    expect((await api.request('GET', '/ws/notifications')).headers.get('upgrade')).toBe('websocket');
    expect((await api.request('POST', '/ws/notifications', { token, body: {} })).status).toBe(405);
  });

  it('GET /docs is an HTML page that loads swagger-ui from this server, with no inline script (the CSP forbids it)', async () => {
    const page = await api.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = page.body as string;
    expect(html).toContain('src="/docs/assets/swagger-ui-bundle.js"');
    expect(html).toContain('src="/docs/init.js"');
    expect(html).toContain('href="/docs/assets/swagger-ui.css"');
    expect(html).not.toMatch(/https?:\/\//); // no CDN
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/docs\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son\w+=/i); // no inline event handlers either (script-src-attr 'none')
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
  });

  it('serves the swagger-ui assets and the boot script as JavaScript, with cache validators', async () => {
    const bundle = await fetch(`${api.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(bundle.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect(
      await rawGet(api.url, '/docs/assets/swagger-ui-bundle.js', {
        'if-none-match': bundle.headers.get('etag') ?? 'none',
      }),
    ).toBe(304);
    const css = await fetch(`${api.url}/docs/assets/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    await css.arrayBuffer();
    const init = await api.request('GET', '/docs/init.js');
    expect(init.status).toBe(200);
    expect(init.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    expect(init.body).toContain("url: '/openapi.json'");
    expect(init.body).toContain('persistAuthorization: true');
  });

  it('serves nothing outside swagger-ui-dist’s own files: traversal and unlisted files are 404', async () => {
    expect(await rawGet(api.url, '/docs/assets/../../package.json')).toBe(404);
    expect(await rawGet(api.url, '/docs/assets/..%2F..%2Fpackage.json')).toBe(404);
    expect(await rawGet(api.url, '/docs/assets/%2e%2e%2fpackage.json')).toBe(404);
    expect(await rawGet(api.url, '/docs/assets/package.json')).toBe(404);
    expect(await rawGet(api.url, '/docs/assets/nope.js')).toBe(404);
    const missing = await api.request('GET', '/docs/assets/..%2Fpackage.json');
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('every documented GET without parameters is routed (not ROUTE_NOT_FOUND)', async () => {
    const paths = Object.keys(doc.paths).filter(
      (path) => doc.paths[path]!.get && !path.includes('{') && path !== '/analytics/export' && path !== '/docs',
    );
    expect(paths.length).toBeGreaterThan(15);
    const missing: string[] = [];
    for (const path of paths) {
      const response = await api.request('GET', path, { token });
      if (response.status === 404 && response.body?.code === 'ROUTE_NOT_FOUND') missing.push(path);
    }
    expect(missing).toEqual([]);
  });

  it('every documented operation is routed: with a made-up id and an empty body, none answers ROUTE_NOT_FOUND or 405', async () => {
    const other = await api.user();
    const unrouted: string[] = [];
    for (const op of operationsOf(doc)) {
      const [method, template] = op.split(' ') as [string, string];
      const path = template.replace(/\{\w+\}/g, 'no_such_id');
      // Logging out revokes the session: use a token the other requests do not need.
      const response = await api.request(method, path, {
        token: op === 'POST /auth/logout' ? other.token : token,
        body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined,
      });
      if (response.status === 405 || (response.status === 404 && response.body?.code === 'ROUTE_NOT_FOUND'))
        unrouted.push(`${op} → ${response.status}`);
    }
    expect(unrouted).toEqual([]);
  });
});
