import { Router } from '@koa/router';
import type { AppState } from '../http/context.js';
import { HttpError } from '../http/problem.js';

/**
 * A plain HTTP request to the notification socket's paths: a 426 problem that says to
 * upgrade, with the `Upgrade` header RFC 9110 asks for. The WebSocket handshake itself never
 * reaches these routes (Node hands upgrades to the WebSocket server), so this only answers
 * clients and contract tools that call the documented operation without upgrading.
 */
export function createWebSocketRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/ws/notifications' });
  const upgradeRequired = () => {
    throw new HttpError('UPGRADE_REQUIRED', 'This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)', { upgrade: 'websocket' });
  };
  router.get('/', upgradeRequired);
  router.get('/:userId', upgradeRequired);
  return router;
}
