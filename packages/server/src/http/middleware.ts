import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppContext } from './context.js';
import { toProblem } from './problem.js';

type Next = () => Promise<unknown>;

/**
 * The first middleware: gives the request an id (`x-request-id`, echoed), logs it as one
 * structured line when it ends, and turns anything thrown into problem+json with no stack
 * trace (5xx are logged with their cause).
 */
export function createRequestHandler(logger: Logger) {
  return async function handleRequest(ctx: AppContext, next: Next): Promise<void> {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('x-request-id', requestId);
    const start = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        const { problem } = toProblem({ status: 404, expose: true, message: `No route ${ctx.method} ${ctx.path}` });
        ctx.status = 404;
        ctx.type = 'application/problem+json';
        ctx.body = problem;
      } else if (ctx.status === 405 && (ctx.body === undefined || ctx.body === null)) {
        // The router's 405 (with its Allow header) would otherwise be a text/plain body.
        const { problem } = toProblem({ status: 405, expose: true, message: `${ctx.method} is not allowed on ${ctx.path}` });
        ctx.type = 'application/problem+json';
        ctx.body = problem;
        ctx.status = 405;
      }
    } catch (error) {
      const { problem, headers } = toProblem(error);
      if (problem.status >= 500) logger.error({ requestId, err: error }, 'request failed');
      ctx.status = problem.status;
      ctx.set(headers);
      ctx.type = 'application/problem+json';
      ctx.body = problem;
    } finally {
      const ms = Math.round((performance.now() - start) * 10) / 10;
      logger.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms, owner: ctx.state.auth?.accountId }, 'request');
    }
  };
}
