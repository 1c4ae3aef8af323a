import type { Clock, OwnerHandle, Tracker } from '@expense-tracker/core';
import type { z } from 'zod';
import type { AccountService } from '../auth/accounts.js';
import type { Credentials } from '../auth/credentials.js';
import type { AccessClaims } from '../auth/tokens.js';
import type { ApiTokenService } from '../integrations/api-tokens.js';
import type { ExportStreams } from '../routes/export-streams.js';
import type { ImportProgressHub } from '../ws/import-progress.js';
import type { AppContext } from './context.js';
import type { OPENAPI_TAGS } from './openapi-tags.js';
import type { Permission } from './permissions.js';

/** An HTTP method a route answers (a GET answers HEAD too). */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An error status an operation can answer with a problem body. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 426 | 429 | 503;

/** A success status. */
export type SuccessStatus = 200 | 201 | 204;

/** The parameters of an OpenAPI path template: `/budgets/{id}/status` → `{ id: string }`. */
export type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name]: string } & PathParams<Rest>
  : Record<never, never>;

/** What the app hands every handler besides its request: the services routes call. */
export interface RouteServices {
  readonly tracker: Tracker;
  readonly accounts: AccountService;
  readonly apiTokens: ApiTokenService;
  readonly exports: ExportStreams;
  /** The server's clock (the tracker's unless `createApp({ clock })` says otherwise). */
  readonly clock: Clock;
  /** The OpenAPI document as served (`GET /openapi.json`), built once. */
  openApiJson(): string;
  /** Import progress, on its way to the owner's sockets. */
  readonly progress: ImportProgressHub;
}

/**
 * What a route may be declared with: a permission (SPEC §7.0), `'authenticated'` (any valid
 * credentials, whatever their scopes: only token introspection), or `'public'` (no token).
 */
export type RouteAccess = Permission | 'authenticated' | 'public';

/** The authenticated part of a handler's input: absent on public routes. */
interface Authenticated<Access> {
  /** The account's owner handle: every core call through it is scoped to them. */
  owner: OwnerHandle;
  /**
   * The credentials: a session's access claims or an API token's. On `account:manage` routes
   * always a session's, since no API token holds that permission (the scope check refuses it).
   */
  auth: Access extends 'account:manage' ? AccessClaims : Credentials;
}

type Schema = z.ZodType;
type Input<S, Fallback> = S extends Schema ? z.input<S> : Fallback;
type Output<S> = S extends Schema ? z.output<S> : undefined;

/**
 * What a handler receives: the path parameters, the query and the body, each checked with
 * the route's schema once and typed from it, plus `owner` and `auth` on routes that need a
 * token.
 */
export type RouteInput<Path extends string, Q, B, Access> = {
  params: PathParams<Path>;
  /** The query as sent, typed as the query schema's input: what core's SDK methods take. */
  query: Input<Q, Record<string, never>>;
  /** The body as sent, typed as the body schema's input (`unknown` without one). */
  body: Input<B, unknown>;
  /** The same query and body as the schemas output them (defaults filled, text normalised): what the server's own services take. */
  parsed: { query: Output<Q>; body: Output<B> };
  ctx: AppContext;
  services: RouteServices;
} & (Access extends 'public' ? { owner?: undefined; auth?: undefined } : Authenticated<Access>);

/** An answer with a status chosen at run time, among the route's declared ones. */
export class Reply<S extends SuccessStatus = SuccessStatus> {
  constructor(
    readonly status: S,
    readonly body: unknown,
  ) {}
}

/**
 * The answer `body` with `status`: for a route that declares several success statuses.
 *
 * @example
 * ```ts
 * import { defineRoute, reply } from './route.js';
 *
 * export const setOverallBudget = defineRoute({
 *   method: 'post', path: '/budget', operationId: 'setOverallBudget', tag: 'Budgets',
 *   summary: 'Set or replace the overall budget', permission: 'budgets:write',
 *   body: overallBudgetInputSchema, status: [200, 201], response: budgetSchema,
 *   handler: async ({ owner, body }) => {
 *     const { budget, created } = await owner.budgets.setOverall(body);
 *     return reply(created ? 201 : 200, budget);
 *   },
 * });
 * ```
 */
export function reply<S extends SuccessStatus>(status: S, body: unknown): Reply<S> {
  return new Reply(status, body);
}

/**
 * A JSON answer already serialized, which a handler returns to send JSON text it was given as
 * text (`owner.expenses.listJson`) as it is: parsing it only to serialize it again would cost
 * the request what the text saved. The route's `response` schema still documents it.
 *
 * @example
 * ```ts
 * import { expenseListQuerySchema, expensePageSchema } from '@expense-tracker/core';
 * import { defineRoute, JsonText } from './route.js';
 *
 * defineRoute({
 *   method: 'get',
 *   path: '/expenses',
 *   operationId: 'listExpenses',
 *   tag: 'Expenses',
 *   summary: 'List expenses',
 *   permission: 'expenses:read',
 *   query: expenseListQuerySchema,
 *   response: expensePageSchema,
 *   handler: async ({ owner, query }) => new JsonText(await owner.expenses.listJson(query)),
 * });
 * ```
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** How the notification socket is documented: OpenAPI has no construct for a socket. */
export interface SocketDoc {
  /** Every message of the change feed the socket sends. */
  message: Schema;
  /** Messages outside the feed (no `seq`, never replayed): import progress. */
  transient?: Schema;
  /** What each close code means. */
  closeCodes: Record<number, string>;
}

/**
 * One route: what registers it, checks it, types its handler and documents it, in one place.
 * `Access` is the permission a caller needs (SPEC §7.0), or `'public'`: every route says one,
 * so a route that forgot is a compile error rather than an open door.
 */
export interface RouteDefinition<
  Path extends string = string,
  Q = Schema | undefined,
  B = Schema | undefined,
  Access extends RouteAccess = RouteAccess,
> {
  method: HttpMethod;
  /** The OpenAPI path template (`/expenses/{id}`); registered as `/expenses/:id`. */
  path: Path;
  operationId: string;
  summary: string;
  description?: string;
  tag: keyof typeof OPENAPI_TAGS;
  /**
   * The permission needed (`resource:action`; an API token must hold it, else a 403
   * `MISSING_SCOPE`), `'authenticated'` (any valid token), or `'public'`: no token (`security: []`).
   */
  permission: Access;
  /** The query string, as an object schema: validated, typed, each property a parameter. */
  query?: Q;
  /** The JSON body: validated, typed, documented. */
  body?: B;
  /**
   * A query or body documented here but read and checked by the handler (the input's `body`
   * is then `unknown`): for the few routes that shape it before a schema sees it, so issues
   * are reported at the paths they always were (the batch's items, `/alert` without
   * `budgetId`, `/budget`, a category delete's options from the query or the body).
   */
  unchecked?: { query?: Schema; body?: Schema };
  /** Path parameters' schemas, when not record ids (documented as ids, passed on as strings). */
  params?: z.ZodObject;
  /**
   * The body is a file the handler reads as a stream (`http/upload.ts`), documented under
   * these content types: no JSON parser runs (nothing is buffered) and no `Idempotency-Key`
   * is honoured (an upload's retry is a second preview, which stores no expense).
   */
  upload?: Record<string, Schema>;
  /** The body may be form-encoded too (`application/x-www-form-urlencoded`). */
  form?: true;
  /** A public route whose answers are personal (tokens, accounts): `Cache-Control: no-store`, bodies parsed. */
  noStore?: true;
  /** The success status, or several (each with the same body; the handler returns a {@link Reply}). @default 200 */
  status?: SuccessStatus | readonly SuccessStatus[];
  /** The JSON success body. */
  response?: Schema;
  /** Success bodies in other media types (or several), by content type. */
  content?: Record<string, Schema>;
  /** Problem statuses beyond those every operation of its kind gets (401, 404 on `{id}`, 400/413/415/422 with a body, ...). */
  errors?: readonly ProblemStatus[];
  /** Reads no database, so never answers 503. */
  noDatabase?: true;
  /**
   * A WebSocket endpoint: documented as the GET that opens it. The upgrade is authenticated
   * by the socket itself (`ws/notifications.ts`); the handler only answers a plain GET, with
   * no token check, so it gets no `owner` and must not use one: it throws the 426.
   */
  socket?: SocketDoc;
  /** Served but not an API operation (static files of a page): left out of the document. */
  hidden?: true;
  /**
   * Answers the request: returns the JSON body (sent with the route's status), a
   * {@link Reply}, or `undefined` when it answered itself on `ctx` (a stream, a file) or has
   * no body (204), or to fall through to the app's 404.
   */
  handler(input: RouteInput<Path, Q, B, Access>): unknown;
}

/**
 * A route definition, checked and typed: the handler's `params`, `query` and `body` are
 * inferred from the path template and the zod schemas, so it needs no cast.
 *
 * @example
 * ```ts
 * import { defineRoute } from './route.js';
 *
 * export const listExpenses = defineRoute({
 *   method: 'get', path: '/expenses', operationId: 'listExpenses', tag: 'Expenses',
 *   summary: 'List expenses: filters and a keyset cursor', permission: 'expenses:read',
 *   query: expenseListQuerySchema, response: expensePageSchema,
 *   handler: ({ owner, query }) => owner.expenses.list(query),
 * });
 * ```
 */
export function defineRoute<
  const Path extends string,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  const Access extends RouteAccess = RouteAccess,
>(route: RouteDefinition<Path, Q, B, Access>): Route {
  return route;
}

/**
 * A route as the app registers and documents it, its types erased: the list of them is
 * one array. Its handler is called only with input checked against its own schemas.
 */
export interface Route extends Omit<RouteDefinition, 'handler' | 'query' | 'body'> {
  query?: Schema;
  body?: Schema;
  // A method, so that every definition's handler (which takes a narrower input) is one.
  handler(input: CheckedInput): unknown;
}

/** Any route's input, its types erased: what the app builds, after checking it with the route's own schemas. */
export interface CheckedInput {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  parsed: { query: unknown; body: unknown };
  ctx: AppContext;
  services: RouteServices;
  owner?: OwnerHandle;
  auth?: Credentials;
}
