import type { Clock, Follower, Tracker } from '@expense-tracker/core';
import type Koa from 'koa';
import type websockify from 'koa-websocket';
import { pino, type Logger } from 'pino';
import { WebSocket } from 'ws';
import type { AccessClaims } from '../auth/tokens.js';
import { bearerToken } from '../auth/require-auth.js';
import type { AppState } from '../http/context.js';
import type { ImportProgressHub } from './import-progress.js';
import { pipeNotifications } from './notification-pipe.js';
import { closeAt, keepAlive, type CloseReason } from './socket-timers.js';

/**
 * Close codes the notification socket uses.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 * import { NOTIFICATION_CLOSE_CODES } from '@expense-tracker/server';
 *
 * let lastSeq = 0;
 * const socket = new WebSocket(`ws://localhost:8000/ws/notifications?token=${process.env.ACCESS_TOKEN}&after=${lastSeq}`);
 * socket.on('message', (data) => {
 *   lastSeq = (JSON.parse(data.toString()) as { seq: number }).seq;
 * });
 * socket.on('close', (code) => {
 *   if (code === NOTIFICATION_CLOSE_CODES.TOKEN_EXPIRED) console.log(`refresh the token, reconnect with ?after=${lastSeq}`);
 *   if (code === NOTIFICATION_CLOSE_CODES.POLICY_VIOLATION) console.log('refused: log in again');
 * });
 * ```
 */
export const NOTIFICATION_CLOSE_CODES = {
  /** Server shutting down (sent by `main.ts`). */
  GOING_AWAY: 1001,
  /** Refused: unknown path, no token, a bad or revoked token, another user's id, a bad `after`. */
  POLICY_VIOLATION: 1008,
  /** The server failed (database unreachable); reconnect later with `?after=`. */
  SERVER_ERROR: 1011,
  /** The access token expired: reconnect with a fresh one and `?after=<last seq>`. */
  TOKEN_EXPIRED: 4001,
  /** The user has `maxSocketsPerUser` sockets open on this instance already: close one first (like HTTP 429). */
  TOO_MANY_SOCKETS: 4029,
} as const;

/**
 * Options of {@link attachNotificationSocket}.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import websockify from 'koa-websocket';
 * import { attachNotificationSocket, type NotificationSocketOptions } from '@expense-tracker/server';
 *
 * // Live notifications on your own Koa app, with your own token check: the `accountId` it
 * // returns is the owner whose events the socket receives; `expiresAt` is in seconds.
 * const options: NotificationSocketOptions = {
 *   tracker,
 *   accounts: {
 *     authenticate: async (token) =>
 *       token === process.env.DEMO_TOKEN ? { accountId: 'alice', sessionId: 'demo', tokenId: 'demo', expiresAt: Math.floor(Date.now() / 1000) + 3600 } : null,
 *   },
 *   pingIntervalMs: 15_000,
 * };
 * const app = websockify(new Koa());
 * attachNotificationSocket(app, options);
 * app.listen(8000);
 * ```
 */
export interface NotificationSocketOptions {
  /** Whose events are forwarded, and whose change feed is replayed. */
  tracker: Tracker;
  /**
   * Authenticates the token (an access token: signature, expiry, live session; or an API
   * token: known, unrevoked, unexpired). Credentials that carry `scopes` (an API token's) must
   * hold `changes:read`, or the socket is closed with 1008 naming it; without `scopes` (a
   * session) every permission is held. An `AccountService` is one.
   */
  accounts: { authenticate(token: string): Promise<SocketCredentials | null> };
  /** @default a silent logger */
  logger?: Logger;
  /** How often to ping; a peer that has not ponged since the last ping is terminated. @default 30000 */
  pingIntervalMs?: number;
  /** Bytes queued on a socket above which its client counts as too slow and is dropped. @default 1048576 (1 MiB) */
  maxBufferedBytes?: number;
  /**
   * Open sockets one user may have on this instance; one more is closed with
   * {@link NOTIFICATION_CLOSE_CODES}.TOO_MANY_SOCKETS (4029) once authenticated. @default 20
   */
  maxSocketsPerUser?: number;
  /**
   * Where token expiry is read: the socket closes with 4001 when `expiresAt` passes by this
   * clock (a real timer waits for it; every ping checks it again). @default the tracker's clock
   */
  clock?: Clock;
  /** Where import progress comes from (`import.progress` messages, never replayed). @default none sent */
  progress?: ImportProgressHub;
}

/**
 * What a socket's token check answers: whose events it gets, until when, and (for an API
 * token) its permissions.
 *
 * @example
 * ```ts
 * import type { SocketCredentials } from '@expense-tracker/server';
 *
 * const script: SocketCredentials = { accountId: 'acc_1', expiresAt: 1_800_000_000, scopes: ['changes:read'] };
 * const session: SocketCredentials = { accountId: 'acc_1', expiresAt: 1_800_000_000 }; // no scopes: a session holds all
 * ```
 */
export type SocketCredentials = Pick<AccessClaims, 'accountId' | 'expiresAt'> & { scopes?: readonly string[] };

/** The permission a token needs to open the socket: it is the live change feed (SPEC §7.4). */
const SOCKET_PERMISSION = 'changes:read';

/**
 * What {@link attachNotificationSocket} returns.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import websockify from 'koa-websocket';
 * import { attachNotificationSocket, type NotificationSocket } from '@expense-tracker/server';
 *
 * const app = websockify(new Koa());
 * const sockets: NotificationSocket = attachNotificationSocket(app, { tracker, accounts: { authenticate: async () => null } });
 * const server = app.listen(8000);
 * setInterval(() => console.log(`${sockets.connections} sockets open`), 60_000).unref();
 * process.once('SIGTERM', () => {
 *   sockets.close(); // every socket gets 1001 (going away)
 *   server.close();
 * });
 * ```
 */
export interface NotificationSocket {
  /** Open, authenticated notification sockets. */
  readonly connections: number;
  /** Closes every notification socket with 1001 and stops listening to the tracker. */
  close(): void;
}

/**
 * What the socket needs of the app: its koa-websocket `ws` side.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import websockify from 'koa-websocket';
 * import type { WsApp } from '@expense-tracker/server';
 *
 * const app: WsApp = websockify(new Koa()); // what attachNotificationSocket takes; createApp's app is one too
 * ```
 */
export type WsApp = Pick<websockify.App<AppState, Koa.DefaultContext>, 'ws'>;
type WsContext = Parameters<websockify.Middleware<AppState, Koa.DefaultContext>>[0];

const TOKEN_EXPIRED: CloseReason = { code: NOTIFICATION_CLOSE_CODES.TOKEN_EXPIRED, reason: 'token expired' };
const SESSION_REVOKED: CloseReason = { code: NOTIFICATION_CLOSE_CODES.POLICY_VIOLATION, reason: 'session revoked' };

const PATH = /^\/ws\/notifications(?:\/([^/]+))?\/?$/;

/** The first value of a query parameter. */
function param(ctx: WsContext, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The user id in the path (`null` for `/ws/notifications`), or `undefined` when the path is not ours. */
function pathUser(path: string): string | null | undefined {
  const match = PATH.exec(path);
  if (!match) return undefined;
  if (match[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * Serves live notifications on `/ws/notifications/{userId}` and `/ws/notifications`: each
 * authenticated socket receives `{type, seq, at, data}` for its user's `alert.triggered`,
 * `expense.*` and `budget.*` events, and nobody else's.
 *
 * koa-websocket accepts the upgrade on any path before middleware runs, so refusals are
 * closes: 1008 for an unknown path, no token (`?token=` or `Authorization: Bearer`), a bad,
 * expired or revoked token, an API token without `changes:read`, or a `userId` that is not the
 * token's subject. `?after=<seq>`
 * replays the change feed before going live, with nothing lost or sent twice. The socket is
 * pinged every `pingIntervalMs`, closed with 4001 when its token expires, and terminated when
 * more than `maxBufferedBytes` wait to be sent. A user with `maxSocketsPerUser` sockets open
 * has one more closed with 4029. It must be the last `app.ws` middleware: it closes every path
 * it does not serve.
 *
 * @example
 * ```ts
 * import { hostDatabase } from '@expense-tracker/core/kysely';
 * import { AccountService, attachNotificationSocket, PasswordHasher, SERVER_TABLES, TokenService } from '@expense-tracker/server';
 * import Koa from 'koa';
 * import websockify from 'koa-websocket';
 * import { pino } from 'pino';
 *
 * // The accounts of the API (same database and secret), so its tokens and logouts count here too.
 * const accounts = new AccountService({
 *   db: hostDatabase(tracker, SERVER_TABLES),
 *   tracker,
 *   hasher: new PasswordHasher({ logN: 17, r: 8, p: 1 }),
 *   tokens: new TokenService(process.env.JWT_SECRET!, 900, tracker.clock), // one clock with the tracker
 *   refreshTtl: 30 * 24 * 60 * 60,
 * });
 * const logger = pino({ level: 'info' });
 * const app = websockify(new Koa());
 * attachNotificationSocket(app, { tracker, accounts, logger });
 * app.listen(8000);
 * // browser: new WebSocket(`wss://host/ws/notifications?token=${accessToken}&after=${lastSeq}`)
 * ```
 */
export function attachNotificationSocket(app: WsApp, options: NotificationSocketOptions): NotificationSocket {
  const logger = options.logger ?? pino({ level: 'silent' });
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const maxSocketsPerUser = options.maxSocketsPerUser ?? 20;
  const clock = options.clock ?? options.tracker.clock;
  /** Open sockets per user: each holds a subscription, timers and up to maxBufferedBytes. */
  const perUser = new Map<string, number>();
  const sockets = new Set<WebSocket>();
  const followers = new Set<Follower>();

  const refuse = (
    socket: WebSocket,
    path: string,
    reason: string,
    code: number = NOTIFICATION_CLOSE_CODES.POLICY_VIOLATION,
  ) => {
    logger.info({ path, code, reason }, 'notification socket refused');
    if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
  };

  app.ws.use(async function notificationSocket(ctx: WsContext): Promise<void> {
    const socket = ctx.websocket;
    const path = ctx.path;
    const userId = pathUser(path);
    if (userId === undefined) return refuse(socket, path, 'Unknown WebSocket path');
    // The token may ride in the query string: log `path`, never the URL.
    const token = bearerToken(ctx) ?? param(ctx, 'token');
    if (!token) return refuse(socket, path, 'An access token is required (?token= or Authorization: Bearer)');
    const afterParam = param(ctx, 'after');
    if (afterParam !== undefined && !/^\d{1,15}$/.test(afterParam))
      return refuse(socket, path, 'after must be a seq: an integer of 0 or more');

    let claims;
    try {
      claims = await options.accounts.authenticate(token);
    } catch (error) {
      logger.error({ err: error, path }, 'notification socket authentication failed');
      return refuse(socket, path, 'Server error; try again', NOTIFICATION_CLOSE_CODES.SERVER_ERROR);
    }
    if (!claims) return refuse(socket, path, 'The access token is invalid, expired or revoked');
    if (claims.scopes && !claims.scopes.includes(SOCKET_PERMISSION))
      return refuse(socket, path, `The API token lacks the scope ${SOCKET_PERMISSION}`);
    if (userId !== null && userId !== claims.accountId)
      return refuse(socket, path, 'The token does not belong to this user');
    if (socket.readyState !== WebSocket.OPEN) return; // the client left while we checked

    const owner = claims.accountId;
    // Counted and checked with no await in between, so concurrent upgrades cannot pass it together.
    const open = perUser.get(owner) ?? 0;
    if (open >= maxSocketsPerUser) {
      return refuse(
        socket,
        path,
        `At most ${maxSocketsPerUser} notification sockets per user are open at once; close one first`,
        NOTIFICATION_CLOSE_CODES.TOO_MANY_SOCKETS,
      );
    }
    perUser.set(owner, open + 1);
    const expiresAtMs = claims.expiresAt * 1000;
    // Every ping also re-checks expiry and the session, so a logout (or a clock moved past
    // expiry) closes the socket within one interval.
    const stopPings = keepAlive(
      socket,
      pingIntervalMs,
      () => logger.info({ owner }, 'notification socket: no pong, terminated'),
      async () => {
        if (clock.now().getTime() >= expiresAtMs) return TOKEN_EXPIRED;
        return (await options.accounts.authenticate(token)) === null ? SESSION_REVOKED : null;
      },
    );
    const stopExpiry = closeAt(socket, expiresAtMs, TOKEN_EXPIRED, clock);
    // Progress is worth nothing late: a message is skipped, not queued, for a client behind.
    const stopProgress = options.progress?.subscribe(owner, (message) => {
      if (socket.readyState === WebSocket.OPEN && socket.bufferedAmount <= maxBufferedBytes / 2)
        socket.send(JSON.stringify(message));
    });
    sockets.add(socket);
    let follower: Follower | null = null;
    let closed = false;
    socket.once('close', (code, reason) => {
      closed = true;
      const left = (perUser.get(owner) ?? 1) - 1;
      if (left > 0) perUser.set(owner, left);
      else perUser.delete(owner);
      sockets.delete(socket);
      stopPings();
      stopExpiry();
      stopProgress?.();
      if (follower) {
        follower.close();
        followers.delete(follower);
      }
      logger.info(
        { owner, code, reason: reason.toString(), lastSeq: follower?.lastSeq ?? null },
        'notification socket closed',
      );
    });
    logger.info({ owner, path, after: afterParam ?? null }, 'notification socket opened');
    const after = afterParam === undefined ? null : Number(afterParam);
    follower = await pipeNotifications(socket, options.tracker.forOwner(owner), { after, maxBufferedBytes, logger });
    if (follower && closed) follower.close();
    else if (follower) followers.add(follower);
  });

  return {
    get connections() {
      return sockets.size;
    },
    close() {
      for (const follower of followers) follower.close();
      followers.clear();
      for (const socket of sockets) socket.close(NOTIFICATION_CLOSE_CODES.GOING_AWAY, 'Server shutting down');
    },
  };
}
