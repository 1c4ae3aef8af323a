import {
  createServer,
  maxHeaderSize,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import cors from '@koa/cors';
import { isTrackerError, type Clock, type Tracker } from '@expense-tracker/core';
import { hostDatabase } from '@expense-tracker/core/kysely';
import Koa from 'koa';
import websockify from 'koa-websocket';
import type { Kysely } from 'kysely';
import { pino, type Logger } from 'pino';
import { AccountService, type AuthLimits } from './auth/accounts.js';
import { PasswordHasher, type HashingLimits } from './auth/passwords.js';
import { createAuthenticate } from './auth/credentials.js';
import { createRequireAuth, createRequireScope } from './auth/require-auth.js';
import { SERVER_TABLES, type ServerDatabase } from './auth/server-tables.js';
import { TokenService } from './auth/tokens.js';
import { createBodyParser } from './http/body.js';
import { answerClientErrors, answerHandshakeError, refuseConnect } from './http/client-errors.js';
import type { AppState } from './http/context.js';
import { createIdempotency } from './http/idempotency.js';
import { createEdge, renderLateErrors } from './http/middleware.js';
import { mountRoutes } from './http/mount-routes.js';
import { buildOpenApiDocument } from './http/openapi.js';
import { ApiTokenService } from './integrations/api-tokens.js';
import type { RouteServices } from './http/route.js';
import { API_ROUTES } from './routes/api-routes.js';
import { ExportStreams, type ExportLimits } from './routes/export-streams.js';
import { createDashboardRouter } from './routes/dashboard.js';
import { createDueWorkTicker, type DueWorkOptions, type DueWorkTicker } from './due-work-ticker.js';
import { ImportProgressHub } from './ws/import-progress.js';
import { attachNotificationSocket } from './ws/notifications.js';

/**
 * Options of {@link createApp}.
 *
 * @example
 * ```ts
 * import { pino } from 'pino';
 * import { createApp, type AppOptions } from '@expense-tracker/server';
 *
 * const options: AppOptions = {
 *   tracker,
 *   jwtSecret: process.env.JWT_SECRET!, // at least 32 characters
 *   accessTokenTtl: 600, // 10 minutes
 *   corsOrigins: ['https://app.example.com'],
 *   trustProxy: true, // only behind a proxy that always sets X-Forwarded-For
 *   logger: pino({ level: 'info' }),
 * };
 * createApp(options).listen(8000);
 * ```
 */
export interface AppOptions {
  /** The tracker the API serves; opened and migrated by the caller. */
  tracker: Tracker;
  /** Signs access tokens (at least 32 characters). */
  jwtSecret: string;
  /** Access token lifetime in seconds. @default 900 */
  accessTokenTtl?: number;
  /** Refresh token (session) lifetime in seconds. @default 2592000 (30 days) */
  refreshTokenTtl?: number;
  /** Origins allowed by CORS. @default none */
  corsOrigins?: string[];
  /** Structured logger. @default a silent pino logger */
  logger?: Logger;
  /** scrypt cost as log2(N). @default 17 (OWASP's minimum); tests use less */
  scryptLogN?: number;
  /**
   * Behind a reverse proxy: trust its `X-Forwarded-For`/`-Proto`, so the client's address (used
   * to throttle logins, registrations and refreshes) is the real one. Only the last address of
   * `X-Forwarded-For` is taken, the one the proxy added: whatever a client sends before it is
   * ignored. Only set it when one proxy always sets them.
   * @default false
   */
  trustProxy?: boolean;
  /**
   * Where the server reads "now": token issue and expiry, session times, throttle windows and
   * the notification socket's expiry. One clock for the tracker and the server, so a test (or
   * a simulation) that moves it moves every time at once.
   * @default the tracker's clock (`tracker.clock`)
   */
  clock?: Clock;
  /**
   * Authentication: `limits` (overrides of {@link AuthLimits}), `hashing` (how password hashing
   * is shared, see {@link HashingLimits}), or a whole `hasher` of your own (then `scryptLogN`
   * and `hashing` are not used).
   */
  auth?: { limits?: Partial<AuthLimits>; hashing?: Partial<HashingLimits>; hasher?: PasswordHasher };
  /**
   * Where the server's own `srv_` tables live: needed when the tracker runs on a store of your
   * own, which has no connections to share. Run `migrateServer({ tracker, db })` on it first.
   * @default the tracker's database, through `hostDatabase(tracker, SERVER_TABLES)`
   */
  db?: Kysely<ServerDatabase>;
  /**
   * Tuning of the notification socket (`/ws/notifications`); tests shorten them.
   * `pingIntervalMs`: how often each socket is pinged; a peer that has not ponged since the
   * last ping is terminated (default 30000). `maxBufferedBytes`: bytes waiting to be sent
   * above which a client counts as too slow and is dropped (default 1048576, 1 MiB).
   * `maxSocketsPerUser`: sockets one user may have open on this instance; one more is closed
   * with 4029 (default 20).
   */
  websocket?: { pingIntervalMs?: number; maxBufferedBytes?: number; maxSocketsPerUser?: number };
  /**
   * `GET /analytics/export`: how many exports one user may be receiving at once (default 2;
   * one more is a 429 `TOO_MANY_EXPORTS`), and after how long a client that reads nothing is
   * cut off (default 30000 ms).
   */
  exports?: ExportLimits;
  /**
   * Due work (SPEC §7.0: webhook deliveries and retries, and later schedules): the server calls
   * `tracker.runDue()` once it listens, after each commit, and every `intervalMs`, until its
   * HTTP server closes. `false` leaves it to you (an app served through `callback()` on a
   * server of your own calls `tracker.runDue()` itself, or starts `dueWorkOf(app)`).
   * @default `{ intervalMs: 1000 }`
   */
  dueWork?: DueWorkOptions | false;
}

const dueWorkTickers = new WeakMap<ExpenseTrackerApp, DueWorkTicker>();

/**
 * The app's due-work ticker (undefined with `dueWork: false`): started when a server made by
 * `createAppServer` (or `app.listen()`) listens and stopped when it closes. Await its
 * `close()` before closing the tracker, so no run is cut off midway.
 *
 * @example
 * ```ts
 * import { createApp, dueWorkOf } from '@expense-tracker/server';
 *
 * const app = createApp({ tracker, jwtSecret: process.env.JWT_SECRET! });
 * const server = app.listen(8000);
 * // on shutdown:
 * server.close();
 * await dueWorkOf(app)?.close();
 * await tracker.close();
 * ```
 */
export function dueWorkOf(app: ExpenseTrackerApp): DueWorkTicker | undefined {
  return dueWorkTickers.get(app);
}

/**
 * The Koa app with its WebSocket server (`koa-websocket`).
 *
 * @example
 * ```ts
 * import { createApp, type ExpenseTrackerApp } from '@expense-tracker/server';
 *
 * const app: ExpenseTrackerApp = createApp({ tracker, jwtSecret: process.env.JWT_SECRET! });
 * const server = app.listen(8000); // HTTP and the /ws/notifications socket on one port
 * process.once('SIGTERM', () => {
 *   for (const client of app.ws.server?.clients ?? []) client.close(1001, 'Server shutting down');
 *   server.close();
 * });
 * ```
 */
export type ExpenseTrackerApp = websockify.App<AppState, Koa.DefaultContext>;

function serverDb(options: Pick<AppOptions, 'tracker' | 'db'>): Kysely<ServerDatabase> {
  if (options.db) return options.db;
  try {
    return hostDatabase(options.tracker, SERVER_TABLES);
  } catch (error) {
    if (!isTrackerError(error, 'VALIDATION_FAILED')) throw error;
    throw new Error(
      'The server needs `db` for its own tables when the tracker does not run on the bundled Kysely store: give createApp and migrateServer a Kysely<ServerDatabase> of yours',
      { cause: error },
    );
  }
}

/** The largest WebSocket message accepted: clients send nothing the server needs. */
const WS_MAX_PAYLOAD = 64 * 1024;

/**
 * An HTTP server for the app, created with `options` (timeouts, the connection sweep), with the
 * app's WebSocket server attached; call `listen()` on it. `app.listen()` uses it too, with
 * Node's default options. Every error it answers is a problem, including those raised before
 * the app runs: what Node's HTTP parser refuses (400, 413, 414, 431) or cuts off (408), an
 * HTTP/1.1 request without Host (400) and an `Expect` other than `100-continue` (417), which
 * Node would answer bare, CONNECT (501), to which Node would not answer at all, and a refused
 * WebSocket handshake, which ws would answer in HTML.
 */
export function createAppServer(app: ExpenseTrackerApp, options: ServerOptions = {}): Server {
  const callback = app.callback();
  // Koa answers every error itself (the error handler, then ctx.onerror): the promise never rejects.
  const handle = (req: IncomingMessage, res: ServerResponse): void => void callback(req, res);
  // Node's own Host check answers a bare 400: the app makes it (createEdge).
  const server = createServer({ ...options, requireHostHeader: false }, handle);
  // Without a listener Node answers an unmet Expect with a bare 417; the app answers it.
  server.on('checkExpectation', handle);
  answerClientErrors(server, options.maxHeaderSize ?? maxHeaderSize);
  server.on('connect', refuseConnect);
  app.ws.listen({ server, maxPayload: WS_MAX_PAYLOAD });
  app.ws.server?.on('wsClientError', answerHandshakeError);
  const ticker = dueWorkOf(app);
  if (ticker) {
    server.once('listening', () => ticker.start());
    server.once('close', () => void ticker.close());
  }
  return server;
}

/**
 * Applies the server's own migrations (accounts, sessions, refresh tokens).
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { migrateServer } from '@expense-tracker/server';
 *
 * const tracker = await Tracker.open({ database: process.env.DATABASE_URL! });
 * await tracker.migrate(); // core's tables
 * await migrateServer({ tracker }); // the srv_ tables, in the tracker's database; already applied ones are skipped
 * // A tracker on a store of your own: pass `db`, a Kysely<ServerDatabase> of yours for the srv_ tables.
 * ```
 */
export async function migrateServer(options: Pick<AppOptions, 'tracker' | 'db'>): Promise<void> {
  await SERVER_TABLES.migrate(serverDb(options));
}

/**
 * The REST + WebSocket API over a tracker, as a Koa app with no process globals: mount it,
 * `listen()` on it, or hand its `callback()` to your own server.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { createApp, migrateServer } from '@expense-tracker/server';
 *
 * const tracker = await Tracker.open({ database: './data/expenses.db' });
 * await tracker.migrate();
 * await migrateServer({ tracker });
 * createApp({ tracker, jwtSecret: process.env.JWT_SECRET! }).listen(8000);
 * ```
 */
export function createApp(options: AppOptions): ExpenseTrackerApp {
  const logger = options.logger ?? pino({ level: 'silent' });
  const db = serverDb(options);
  const clock = options.clock ?? options.tracker.clock;
  const tokens = new TokenService(options.jwtSecret, options.accessTokenTtl ?? 900, clock);
  const hasher =
    options.auth?.hasher ?? new PasswordHasher({ logN: options.scryptLogN ?? 17, r: 8, p: 1 }, options.auth?.hashing);
  const accounts = new AccountService({
    db,
    tracker: options.tracker,
    hasher,
    tokens,
    refreshTtl: options.refreshTokenTtl ?? 30 * 24 * 60 * 60,
    clock,
    limits: options.auth?.limits,
  });
  const apiTokens = new ApiTokenService({ db, clock });
  // One check for both kinds of bearer token, on REST and on the WebSocket alike.
  const authenticate = createAuthenticate(accounts, apiTokens);
  const requireAuth = createRequireAuth(authenticate, options.tracker);

  const app: ExpenseTrackerApp = websockify<AppState, Koa.DefaultContext>(new Koa<AppState, Koa.DefaultContext>(), {
    maxPayload: WS_MAX_PAYLOAD,
  });
  app.proxy = options.trustProxy ?? false;
  // With a proxy, the client address is the last one in X-Forwarded-For (the one the proxy
  // appended); Koa would otherwise take the first, which the client writes itself.
  app.maxIpsCount = 1;
  app.silent = true; // errors are rendered and logged by the request handler

  // koa-websocket's listen() creates a server of its own: start the app through
  // createAppServer instead, so that it answers what Node refuses before the app with problems.
  app.listen = function listen(...args: unknown[]): Server {
    const server = createAppServer(app);
    return server.listen(...(args as Parameters<Server['listen']>));
  };
  renderLateErrors(app, logger);

  const allowed = new Set(options.corsOrigins ?? []);
  app.use(
    createEdge(
      logger,
      cors({
        origin: (ctx) => (allowed.has(ctx.get('origin')) ? ctx.get('origin') : ''),
        exposeHeaders: ['x-request-id', 'retry-after'],
        maxAge: 600,
      }),
    ),
  );

  // Every route comes from its definition (src/routes/api-routes.ts): the same list builds
  // /openapi.json. Bodies are parsed per route, where the route needs them: after the token
  // check on every route that needs one, so an anonymous body is never read (issue 11,
  // finding 6). Forms only where OAuth2 clients send them: /auth/login and /auth/refresh.
  let openApiJson: string | undefined;
  const progress = new ImportProgressHub(clock);
  const services: RouteServices = {
    tracker: options.tracker,
    progress,
    accounts,
    apiTokens,
    exports: new ExportStreams(options.exports),
    clock,
    openApiJson: () => (openApiJson ??= JSON.stringify(buildOpenApiDocument())),
  };
  const middleware = {
    requireAuth,
    requireScope: createRequireScope,
    json: createBodyParser({ form: false }),
    form: createBodyParser({ form: true }),
    idempotency: createIdempotency(),
  };
  app.use(mountRoutes(API_ROUTES, middleware, services));
  // The dashboard's static page is plain middleware, not a route definition (see dashboard.ts).
  const dashboard = createDashboardRouter();
  app.use(dashboard.routes());
  app.use(dashboard.allowedMethods());

  // WebSocket routes (app.ws) are attached here.
  attachNotificationSocket(app, {
    tracker: options.tracker,
    accounts: { authenticate },
    logger,
    clock,
    progress,
    ...options.websocket,
  });

  if (options.dueWork !== false) {
    const expiry = { name: 'api-token-expiry', run: () => apiTokens.noticeExpiring(options.tracker) };
    dueWorkTickers.set(app, createDueWorkTicker(options.tracker, logger, options.dueWork, [expiry]));
  }

  return app;
}
