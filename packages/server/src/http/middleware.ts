import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import type { Logger } from 'pino';
import type { AppContext, AppState } from './context.js';
import { HttpError, toProblem } from './problem.js';

type Next = () => Promise<unknown>;

/**
 * The problem for an error status left without a body, which Koa would send as its text/plain
 * status message: no route (404), a method the path does not serve (the router's 405, its
 * Allow header kept) or one the router does not know at all (its 501, e.g. TRACE).
 */
function unansweredError(ctx: AppContext): HttpError | undefined {
  if (ctx.body !== undefined && ctx.body !== null) return undefined;
  if (ctx.status === 404) return new HttpError('ROUTE_NOT_FOUND', `No route ${ctx.method} ${ctx.path}`);
  if (ctx.status === 405) return new HttpError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`);
  if (ctx.status === 501)
    return new HttpError('NOT_IMPLEMENTED', `${ctx.method} is not a method this server implements`);
  return undefined;
}

/**
 * The first middleware: gives the request an id (`x-request-id` when the client sent a
 * sane one, else a UUID), on `ctx.state.requestId` and echoed in the answer.
 */
export function createRequestId() {
  return function requestId(ctx: AppContext, next: Next): Promise<unknown> {
    const incoming = ctx.get('x-request-id');
    const id = /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    ctx.set('x-request-id', id);
    return next();
  };
}

/** Logs each request as one structured line when it ends, with its final status and duration. */
export function createRequestLog(logger: Logger) {
  return async function logRequest(ctx: AppContext, next: Next): Promise<void> {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - start) * 10) / 10;
      logger.info(
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms,
          owner: ctx.state.auth?.accountId,
        },
        'request',
      );
    }
  };
}

/**
 * Turns anything thrown downstream into problem+json with no stack trace. A 5xx is logged
 * with its cause and emitted the Koa way (`app.emit('error', error, ctx)`), so a host app's
 * `app.on('error')` sees the server's failures as it sees its own; 4xx are answers, not errors.
 */
export function createErrorRenderer(logger: Logger) {
  return async function renderErrors(ctx: AppContext, next: Next): Promise<void> {
    try {
      await next();
    } catch (error) {
      const { problem, headers } = toProblem(error);
      if (problem.status >= 500) {
        logger.error({ requestId: ctx.state.requestId, err: error }, 'request failed');
        ctx.app.emit('error', error, ctx);
      }
      ctx.status = problem.status;
      ctx.set(headers);
      ctx.type = 'application/problem+json';
      ctx.body = problem;
    }
  };
}

/** Answers as a problem the error statuses left without a body: no route (404), 405, 501. */
export function createNotFound() {
  return async function notFound(ctx: AppContext, next: Next): Promise<void> {
    await next();
    const unanswered = unansweredError(ctx);
    if (!unanswered) return;
    const { problem } = toProblem(unanswered);
    ctx.type = 'application/problem+json';
    ctx.body = problem;
    ctx.status = problem.status;
  };
}

/** Node's test for the one expectation it can meet. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * Two checks Node makes itself on HTTP/1.1 requests, made here so that they answer problems
 * rather than Node's bare ones: a request needs a Host header (RFC 9112 §3.2; the server is
 * created with Node's check off), and an `Expect` other than `100-continue` cannot be met
 * (417; Node hands those requests to the app through `checkExpectation`).
 */
export function createRequestChecks() {
  return function checkRequest(ctx: AppContext, next: Next): Promise<unknown> {
    if (ctx.req.httpVersion === '1.1') {
      if (ctx.req.headers.host === undefined)
        throw new HttpError('MALFORMED_REQUEST', 'An HTTP/1.1 request needs a Host header');
      const expectation = ctx.req.headers.expect;
      if (expectation !== undefined && !CONTINUE.test(expectation))
        throw new HttpError('EXPECTATION_FAILED', 'The only expectation the server meets is "Expect: 100-continue"');
    }
    return next();
  };
}

/** Headers of a body that failed, which must not describe the problem sent instead. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-disposition',
  'content-encoding',
  'transfer-encoding',
  'etag',
  'last-modified',
];

/**
 * Errors Koa meets after the middleware have run, outside the request handler's reach: one
 * while writing the body (say, a body `JSON.stringify` cannot serialise) would get Koa's
 * text/plain answer, and is rendered as a problem instead, with the request id, security and
 * CORS headers kept. One after the headers went out (a streamed export that breaks off, or a
 * client that leaves mid-download) cannot be answered: it is logged, and the body ends short.
 */
export function renderLateErrors(app: Koa<AppState, Koa.DefaultContext>, logger: Logger): void {
  app.context.onerror = function onerror(this: Koa.Context, error: Error | null): void {
    if (error === null || error === undefined) return;
    const requestId: unknown = this.state.requestId;
    if (this.headerSent || !this.writable) {
      // A client that leaves mid-download is no fault of the server's.
      const clientLeft = (error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE';
      logger[clientLeft ? 'info' : 'warn'](
        { requestId, err: error },
        'answer ended short: it failed after its headers were sent',
      );
      return;
    }
    const { problem, headers } = toProblem(error);
    if (problem.status >= 500) {
      logger.error({ requestId, err: error }, 'request failed');
      this.app.emit('error', error, this);
    }
    const res = this.res;
    for (const name of BODY_HEADERS) res.removeHeader(name);
    const body = JSON.stringify(problem);
    res.statusCode = problem.status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('content-type', 'application/problem+json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  };
}
