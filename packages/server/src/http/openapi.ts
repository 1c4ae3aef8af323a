import { z } from 'zod';
import serverPackage from '../../package.json' with { type: 'json' };
import { API_ROUTES } from '../routes/api-routes.js';
import { pathIdSchema, problemSchema } from './openapi-schemas.js';
import { OPENAPI_TAGS } from './openapi-tags.js';
import type { ProblemStatus, Route, SocketDoc } from './route.js';

/**
 * A JSON Schema (draft 2020-12) or any other JSON object of the document.
 *
 * @example
 * ```ts
 * import { buildOpenApiDocument, type JsonObject } from '@expense-tracker/server';
 *
 * const expense: JsonObject | undefined = buildOpenApiDocument().components.schemas['Expense'];
 * expense?.['required']; // ['id', 'amountMinor', 'amount', 'currency', ...]
 * ```
 */
export type JsonObject = Record<string, unknown>;

/**
 * An OpenAPI 3.1 document, typed as far as the server's own code and tests read it.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { buildOpenApiDocument, type OpenApiDocument } from '@expense-tracker/server';
 *
 * // Write the document for a client generator (the running server also serves it).
 * const doc: OpenApiDocument = buildOpenApiDocument({ serverUrl: 'https://api.example.com' });
 * writeFileSync('openapi.json', `${JSON.stringify(doc, null, 2)}\n`);
 * Object.keys(doc.paths).includes('/expenses'); // true
 * ```
 */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, JsonObject>>;
  components: {
    schemas: Record<string, JsonObject>;
    responses: Record<string, JsonObject>;
    parameters: Record<string, JsonObject>;
    securitySchemes: Record<string, JsonObject>;
  };
}

/**
 * Options of {@link buildOpenApiDocument}.
 *
 * @example
 * ```ts
 * import { buildOpenApiDocument, type OpenApiOptions } from '@expense-tracker/server';
 *
 * const options: OpenApiOptions = { serverUrl: 'https://api.example.com/v1' };
 * buildOpenApiDocument(options).servers; // [{ url: 'https://api.example.com/v1' }]
 * buildOpenApiDocument().servers; // [{ url: '/' }]
 * ```
 */
export interface OpenApiOptions {
  /** The base URL clients call (`servers[0].url`). @default '/' (the origin that served the document) */
  serverUrl?: string;
}

const SCHEMA_REF = '#/components/schemas/';

/** Rewrites zod's `#/$defs/Name` references to `#/components/schemas/Name`, deeply. */
function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === '$ref' && typeof item === 'string' ? item.replace(/^#\/\$defs\//, SCHEMA_REF) : toComponentRefs(item),
    ]),
  );
}

/** The `$defs` name a schema only refers to (`{ $ref: '#/$defs/Name' }`), if that is all it is. */
function soleRef(schema: JsonObject): string | undefined {
  return typeof schema.$ref === 'string' && Object.keys(schema).length === 1
    ? schema.$ref.replace(/^#\/\$defs\//, '')
    : undefined;
}

/**
 * Moves each property's `default` into its description, deeply. For request bodies only:
 * openapi-typescript (by default, `defaultNonNullable`) types a property with a `default`
 * in a component schema as always present, so a generated client would have to send
 * `name` to `POST /budget` or `every` with every period. In an input, a default says
 * what the server assumes when the field is left out, which the description still says.
 */
function defaultsInDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defaultsInDescriptions);
  if (value === null || typeof value !== 'object') return value;
  const node = Object.fromEntries<unknown>(
    Object.entries(value).map(([key, item]) => [key, defaultsInDescriptions(item)]),
  );
  if (node.properties && typeof node.properties === 'object') {
    node.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, JsonObject>).map(([name, property]) => {
        if (!('default' in property)) return [name, property];
        const { default: fallback, description, ...rest } = property;
        const note = `default: ${JSON.stringify(fallback)}`;
        return [
          name,
          {
            ...rest,
            description:
              typeof description === 'string'
                ? `${description} (${note})`
                : `${note[0]!.toUpperCase()}${note.slice(1)}`,
          },
        ];
      }),
    );
  }
  return node;
}

/**
 * Converts zod schemas with `z.toJSONSchema` and collects every schema named with
 * `.meta({ id })` under `components.schemas`, referenced by `$ref`. Input schemas convert
 * with `io: 'input'` (defaults optional, before transforms), answers with `io: 'output'`.
 * In inputs, defaults are said in descriptions (see {@link defaultsInDescriptions}), except
 * on query parameters, which no generator makes required.
 */
class SchemaCollector {
  readonly schemas: Record<string, JsonObject> = {};

  /** The JSON Schema of `schema`: a `$ref` when it is named, else inline. `inlineRoot` keeps a named root inline (query objects). */
  convert(schema: z.ZodType, io: 'input' | 'output', inlineRoot = false): JsonObject {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
    const { $schema: _dialect, $defs, ...root } = json;
    const defs = ($defs ?? {}) as Record<string, JsonObject>;
    let body: JsonObject = root;
    const inlined = new Set<string>();
    // A named root (or a renamed one: `a.meta({ id })` is a $ref to `a`) is followed to its object.
    while (inlineRoot) {
      const id = soleRef(body);
      const target = id === undefined ? undefined : defs[id];
      if (id === undefined || target === undefined) break;
      inlined.add(id);
      body = target;
    }
    const finish = (value: JsonObject, keepDefaults: boolean) =>
      toComponentRefs(io === 'input' && !keepDefaults ? defaultsInDescriptions(value) : value) as JsonObject;
    for (const [id, def] of Object.entries(defs)) if (!inlined.has(id)) this.#add(id, finish(def, false), io);
    return finish(body, inlineRoot);
  }

  #add(id: string, schema: JsonObject, io: string): void {
    const existing = this.schemas[id];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      // One name must mean one shape: a schema whose input and output differ needs two ids.
      throw new Error(
        `The schema "${id}" converts differently as ${io} than where it was used before; give one of its uses its own .meta({ id })`,
      );
    }
    this.schemas[id] = schema;
  }
}

/** Query parameters from an object schema's properties; `x | x[]` becomes a repeatable (exploded) array parameter. */
function queryParameters(collector: SchemaCollector, schema: z.ZodType | undefined): JsonObject[] {
  if (!schema) return [];
  const object = collector.convert(schema, 'input', true);
  if (object.type !== 'object') throw new Error('A query schema must be an object schema');
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries((object.properties ?? {}) as Record<string, JsonObject>).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    const variants = propertySchema.anyOf as JsonObject[] | undefined;
    const list =
      variants?.length === 2 &&
      variants[1]?.type === 'array' &&
      JSON.stringify(variants[1].items) === JSON.stringify(variants[0])
        ? variants[1]
        : undefined;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(description !== undefined ? { description } : {}),
      ...(list ? { schema: list, style: 'form', explode: true } : { schema: propertySchema }),
    };
  });
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' };

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};
const UPGRADE = {
  Upgrade: { description: 'The protocol to switch to', schema: { type: 'string', const: 'websocket' } },
};

/** Problem responses under `components.responses`, by status. */
const PROBLEM_RESPONSES: Record<
  ProblemStatus,
  { name: string; description: string; headers?: Record<string, JsonObject> }
> = {
  400: { name: 'MalformedRequest', description: 'The body is not valid JSON (`MALFORMED_JSON`)' },
  401: { name: 'Unauthorized', description: 'A token is missing, invalid, expired or revoked (`UNAUTHORIZED`)' },
  403: {
    name: 'MissingScope',
    description:
      'An API token lacks the permission the operation needs (its `x-permission`); the problem’s `scope` names it (`MISSING_SCOPE`). A session’s access token has every permission.',
    headers: {
      'WWW-Authenticate': {
        description: 'RFC 6750: `Bearer error="insufficient_scope", scope="<permission>"`',
        schema: { type: 'string' },
      },
    },
  },
  404: { name: 'NotFound', description: 'No such record, or it is not yours (`NOT_FOUND`)' },
  409: { name: 'Conflict', description: 'The change conflicts with stored data (`CONFLICT`)' },
  413: {
    name: 'PayloadTooLarge',
    description: 'The body is over 1 MiB (5 MiB for `/expenses/batch`) (`PAYLOAD_TOO_LARGE`)',
  },
  415: {
    name: 'UnsupportedMediaType',
    description:
      'The body’s `Content-Type` is not one the operation takes: send `application/json` (`UNSUPPORTED_MEDIA_TYPE`)',
  },
  422: {
    name: 'ValidationFailed',
    description:
      'The input breaks the schema; `issues` lists each problem (`VALIDATION_FAILED`, `CURRENCY_MISMATCH`, `IDEMPOTENCY_KEY_REUSED`)',
  },
  426: {
    name: 'UpgradeRequired',
    description: 'A plain HTTP request to a WebSocket endpoint: connect with a WebSocket client (`UPGRADE_REQUIRED`)',
    headers: UPGRADE,
  },
  429: {
    name: 'RateLimited',
    description:
      'Too many attempts (or password checks in flight from one address); retry after `Retry-After` seconds (`RATE_LIMITED`)',
    headers: RETRY_AFTER,
  },
  503: {
    name: 'Unavailable',
    description:
      'The database does not answer (`STORE_UNAVAILABLE`), or, on the auth routes, too many password checks are waiting (`SERVER_BUSY`)',
    headers: RETRY_AFTER,
  },
};

/** The problem statuses an operation can answer: those of its kind, plus its own. */
function problemStatuses(route: Route): ProblemStatus[] {
  const statuses = new Set<ProblemStatus>(route.errors);
  const isPublic = route.permission === 'public';
  if (!isPublic) statuses.add(401);
  if (!isPublic && route.permission !== 'authenticated') statuses.add(403);
  if (route.path.includes('{')) statuses.add(404);
  if (bodyOf(route) || route.upload) [400, 413, 415, 422].forEach((s) => statuses.add(s as ProblemStatus));
  if (queryOf(route)) statuses.add(422);
  if (!isPublic && route.method === 'post') [409, 422].forEach((s) => statuses.add(s as ProblemStatus));
  if (!route.noDatabase) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/** The schema of the body a route takes: checked by the route, or read by its handler. */
function bodyOf(route: Route): z.ZodType | undefined {
  return route.body ?? route.unchecked?.body;
}

/** The schema of the query a route takes: checked by the route, or read by its handler. */
function queryOf(route: Route): z.ZodType | undefined {
  return route.query ?? route.unchecked?.query;
}

/** The path parameters: each `{name}` of the template, a record id unless the route's `params` schema says otherwise. */
function pathParameters(collector: SchemaCollector, route: Route): JsonObject[] {
  const shape: Record<string, z.ZodType> = route.params?.shape ?? {};
  return [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const { description, ...schema } = collector.convert(shape[name] ?? pathIdSchema, 'input');
    return { name, in: 'path', required: true, ...(description !== undefined ? { description } : {}), schema };
  });
}

function operation(collector: SchemaCollector, route: Route): JsonObject {
  const isPublic = route.permission === 'public';
  const parameters = [
    ...pathParameters(collector, route),
    ...queryParameters(collector, queryOf(route)),
    ...(!isPublic && route.method === 'post' ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  const success: Record<string, z.ZodType> = {
    ...(route.response ? { 'application/json': route.response } : {}),
    ...route.content,
  };
  const content = Object.fromEntries(
    Object.entries(success).map(([type, schema]) => [type, { schema: collector.convert(schema, 'output') }]),
  );
  const responses: JsonObject = {};
  for (const status of [route.status ?? 200].flat())
    responses[status] = { description: STATUS_TEXT[status], ...(Object.keys(content).length > 0 ? { content } : {}) };
  for (const problem of problemStatuses(route))
    responses[problem] = { $ref: `#/components/responses/${PROBLEM_RESPONSES[problem].name}` };
  let requestBody: JsonObject | undefined;
  const body = bodyOf(route);
  if (body) {
    const schema = collector.convert(body, 'input');
    const types = route.form ? ['application/json', 'application/x-www-form-urlencoded'] : ['application/json'];
    requestBody = { required: true, content: Object.fromEntries(types.map((type) => [type, { schema }])) };
  }
  if (route.upload) {
    const content = Object.entries(route.upload).map(([type, schema]) => [
      type,
      { schema: collector.convert(schema, 'input') },
    ]);
    requestBody = { required: true, content: Object.fromEntries(content) };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(isPublic ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    'x-permission': route.permission,
  };
}

/**
 * The GET that opens a WebSocket: 101 on upgrade, 426 without one. Its messages' schema is
 * a component, also named under `x-websocket.message`, since OpenAPI has no place for it.
 */
function socketOperation(collector: SchemaCollector, route: Route, socket: SocketDoc): JsonObject {
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: [route.tag],
    security: [{ bearerAuth: [] }, { apiToken: [] }, { accessTokenQuery: [] }],
    parameters: [...pathParameters(collector, route), ...queryParameters(collector, queryOf(route))],
    responses: {
      101: {
        description:
          'Switching Protocols: the socket is open, and each message it sends is a `NotificationMessage` (a JSON text frame)',
        headers: {
          ...UPGRADE,
          'Sec-WebSocket-Accept': {
            description: 'The WebSocket handshake’s answer (RFC 6455)',
            schema: { type: 'string' },
          },
        },
      },
      426: { $ref: `#/components/responses/${PROBLEM_RESPONSES[426].name}` },
    },
    'x-websocket': {
      message: collector.convert(socket.message, 'output'),
      ...(socket.transient ? { transient: collector.convert(socket.transient, 'output') } : {}),
      closeCodes: socket.closeCodes,
    },
    'x-permission': route.permission,
  };
}

/**
 * Completes each `discriminator` a schema declares (`{ propertyName }`, from core's
 * `.meta()`) with its `mapping`: the value of that property in each `oneOf` member, to the
 * member's `$ref`. Generators (openapi-typescript, Prism) read the mapping to pick a member.
 */
function addDiscriminatorMappings(schemas: Record<string, JsonObject>): void {
  for (const schema of Object.values(schemas)) {
    const discriminator = schema.discriminator as { propertyName?: string } | undefined;
    if (!discriminator?.propertyName) continue;
    const mapping: Record<string, string> = {};
    for (const member of (schema.oneOf ?? []) as JsonObject[]) {
      const ref = member.$ref as string;
      const value = (schemas[ref.replace(SCHEMA_REF, '')]?.properties as Record<string, JsonObject> | undefined)?.[
        discriminator.propertyName
      ]?.const;
      if (typeof value !== 'string')
        throw new Error(`${ref} has no single ${discriminator.propertyName} to discriminate by`);
      mapping[value] = ref;
    }
    schema.discriminator = { propertyName: discriminator.propertyName, mapping };
  }
}

function build(options: OpenApiOptions): OpenApiDocument {
  const collector = new SchemaCollector();
  const paths: OpenApiDocument['paths'] = {};
  for (const route of API_ROUTES) {
    if (route.hidden) continue;
    (paths[route.path] ??= {})[route.method] = route.socket
      ? socketOperation(collector, route, route.socket)
      : operation(collector, route);
  }
  addDiscriminatorMappings(collector.schemas);
  const problem = { 'application/problem+json': { schema: collector.convert(problemSchema, 'output') } };
  const responses = Object.fromEntries(
    Object.values(PROBLEM_RESPONSES).map(({ name, description, headers }) => [
      name,
      { description, ...(headers ? { headers } : {}), content: problem },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Expense Tracker API',
      version: serverPackage.version,
      description:
        'Exact-money expense tracking and budgeting. Amounts are integer minor units (`amountMinor`) with the exact decimal (`amount`); dates are the owner’s local `YYYY-MM-DD`. Every error is `application/problem+json`. Schemas are generated from `@expense-tracker/core`’s zod schemas.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    tags: Object.entries(OPENAPI_TAGS).map(([name, description]) => ({ name, description })),
    security: [{ bearerAuth: [] }, { apiToken: [] }, { oauth2: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(collector.schemas).sort(([a], [b]) => a.localeCompare(b))),
      responses,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Replays the first successful response for 24 h (`Idempotent-Replayed: true`), recorded in the transaction of the write it answers; the same key with a different request is a 422 (`IDEMPOTENCY_KEY_REUSED`); a failed request records nothing',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The `access_token` of `POST /auth/login` (15 minutes by default)',
        },
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'etk_ API token',
          description:
            'An API token of `POST /auth/tokens` (`etk_` + 38 characters), as `Authorization: Bearer etk_…`: it may call the operations whose `x-permission` it holds (403 `MISSING_SCOPE` otherwise), never those needing `account:manage`',
        },
        accessTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'The `access_token` (or an API token with `changes:read`) as `?token=`: only on the WebSocket endpoints, since browsers cannot set headers on a WebSocket',
        },
        oauth2: {
          type: 'oauth2',
          description:
            'The OAuth2 password grant: log in with username and password; the answer is an RFC 6749 token response',
          flows: { password: { tokenUrl: '/auth/login', refreshUrl: '/auth/refresh', scopes: {} } },
        },
      },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the REST API. Request bodies, query parameters and answers
 * are generated from core's (and the server's) zod schemas with `z.toJSONSchema`; schemas
 * named with `.meta({ id })` appear under `components.schemas`. The operations are the
 * route definitions the app registers (`src/routes/`), each with its permission as
 * `x-permission` (`resource:action`, `authenticated` or `public`). Built anew on each call (a few
 * milliseconds; an app builds its own once, for `GET /openapi.json`), so nothing is module state.
 *
 * @example
 * ```ts
 * import { buildOpenApiDocument } from '@expense-tracker/server';
 *
 * const doc = buildOpenApiDocument({ serverUrl: 'https://api.example.com' });
 * doc.paths['/expenses']!.get!.operationId; // 'listExpenses'
 * ```
 * @throws Error when one schema id converts to two different JSON Schemas (a bug in the schemas, caught by the tests)
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): OpenApiDocument {
  return build(options);
}
