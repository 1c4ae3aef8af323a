import { z } from 'zod';
import { HttpError } from '../http/problem.js';
import { defineRoute, type Route } from '../http/route.js';
import { importProgressMessageSchema } from '../ws/import-progress.js';
import { notificationMessageSchema } from '../ws/notification-message.js';
import { NOTIFICATION_CLOSE_CODES } from '../ws/notifications.js';

/** The query of the notification socket, checked by the socket at upgrade. */
const socketQuerySchema = z.object({
  token: z.string().min(1).optional().meta({
    description:
      'The access token, for clients that cannot set an `Authorization` header on a WebSocket (browsers). Log it nowhere: it is a credential in a URL.',
  }),
  after: z.int().min(0).max(999_999_999_999_999).optional().meta({
    description:
      'The last `seq` the client saw: what came after it in the change feed is sent first, then the live messages, with nothing lost or repeated',
  }),
});

/** What each close code of the notification socket means to a client. */
const SOCKET_CLOSE_CODES: Record<number, string> = {
  [NOTIFICATION_CLOSE_CODES.POLICY_VIOLATION]:
    'refused: no token, a bad, expired or revoked token, an API token without `changes:read`, a `userId` that is not the token’s subject, a bad `after`, or an unknown path',
  [NOTIFICATION_CLOSE_CODES.TOKEN_EXPIRED]:
    'the access token expired: reconnect with a fresh one and `after=<last seq>`',
  [NOTIFICATION_CLOSE_CODES.GOING_AWAY]: 'the server is shutting down: reconnect with `after=<last seq>`',
  [NOTIFICATION_CLOSE_CODES.SERVER_ERROR]: 'the database did not answer: reconnect later with `after=<last seq>`',
};

const SOCKET_DESCRIPTION = [
  'Live notifications over a WebSocket: connect with `Upgrade: websocket` and an access token (or an API token with `changes:read`), as `Authorization: Bearer <access token>` or `?token=` (browsers). The upgrade is always accepted; a refusal is a close. Every message is a JSON text frame, a `NotificationMessage` (`#/components/schemas/NotificationMessage`, also under `x-websocket.message`): `{ type, seq, at, data }` for `alert.triggered`, the `expense.*` and `budget.*` changes, the webhook notices and `notice.posted` (a stored notice: a dead webhook message, an API token about to expire) of the token’s user only, `data` typed by `type`. Besides, `import.progress` messages (`ImportProgressMessage`, under `x-websocket.transient`: no `seq`, never replayed, at most one per import every 250 ms) tell how far a long import preview or commit has got. The server pings (every 30 s by default) and drops a client that does not answer or cannot keep up.',
  '',
  'Close codes:',
  ...Object.entries(SOCKET_CLOSE_CODES).map(([code, meaning]) => `- \`${code}\`: ${meaning}`),
  '',
  'A plain HTTP request (no upgrade) is a 426 problem.',
].join('\n');

/**
 * A plain HTTP request to the notification socket's paths: a 426 problem that says to
 * upgrade, with the `Upgrade` header RFC 9110 asks for. The WebSocket handshake itself never
 * reaches these routes (Node hands upgrades to the WebSocket server), so this only answers
 * clients and contract tools that call the documented operation without upgrading.
 */
function upgradeRequired(): never {
  throw new HttpError(
    'UPGRADE_REQUIRED',
    'This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)',
    { upgrade: 'websocket' },
  );
}

const socket = {
  message: notificationMessageSchema,
  transient: importProgressMessageSchema,
  closeCodes: SOCKET_CLOSE_CODES,
};

/**
 * The notification socket (`ws/notifications.ts` serves the upgrade), documented as the GET
 * that opens it. It is the live change feed, so it needs `changes:read` (SPEC §7.4).
 */
export const websocketRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/ws/notifications',
    operationId: 'openNotificationSocket',
    tag: 'Notifications',
    permission: 'changes:read',
    summary: 'Live notifications of the token’s user (WebSocket)',
    description: SOCKET_DESCRIPTION,
    unchecked: { query: socketQuerySchema },
    socket,
    handler: upgradeRequired,
  }),
  defineRoute({
    method: 'get',
    path: '/ws/notifications/{userId}',
    operationId: 'openNotificationSocketForUser',
    tag: 'Notifications',
    permission: 'changes:read',
    summary: 'Live notifications of a user (WebSocket; the seed’s path)',
    description: `The seed’s path: \`userId\` must be the token’s subject. ${SOCKET_DESCRIPTION}`,
    params: z.object({
      userId: z.string().min(1).meta({ description: 'The account id (`id` of `GET /auth/me`): the token’s subject' }),
    }),
    unchecked: { query: socketQuerySchema },
    socket,
    handler: upgradeRequired,
  }),
];
