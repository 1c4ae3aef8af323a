import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
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

/** Node's test for the one expectation it can meet. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * Two checks Node makes itself on HTTP/1.1 requests, made here so that they answer problems
 * rather than Node's bare ones: a request needs a Host header (RFC 9112 §3.2; the server is
 * created with Node's check off), and an `Expect` other than `100-continue` cannot be met
 * (417; Node hands those requests to the app through `checkExpectation`).
 */
function checkRequest(ctx: AppContext): void {
  if (ctx.req.httpVersion !== '1.1') return;
  if (ctx.req.headers.host === undefined)
    throw new HttpError('MALFORMED_REQUEST', 'An HTTP/1.1 request needs a Host header');
  const expectation = ctx.req.headers.expect;
  if (expectation !== undefined && !CONTINUE.test(expectation))
    throw new HttpError('EXPECTATION_FAILED', 'The only expectation the server meets is "Expect: 100-continue"');
}

/**
 * The headers helmet sets on an answer, as its middleware leaves them on a fresh response. With
 * its default options they are the same on every answer (no nonce), so helmet runs once, here,
 * instead of as a chain of a dozen middleware on every request. (It also removes
 * `X-Powered-By`, which neither Node nor Koa sets.)
 */
function helmetHeaders(): [string, string | number | readonly string[]][] {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req);
  const names: string[] = []; // as helmet spells them, which is how they go out
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => {
    names.push(name);
    return setHeader(name, value);
  };
  let done = false;
  helmet()(req, res, () => (done = true));
  if (!done) throw new Error('helmet did not finish synchronously');
  return names.map((name) => [name, res.getHeader(name) ?? '']);
}

/** Helmet's headers that protect any answer, a JSON one included, not only a page. */
const ANY_ANSWER = new Set([
  'strict-transport-security',
  'x-content-type-options',
  'x-frame-options',
  'cross-origin-resource-policy',
]);

/**
 * The security headers of an answer: on every answer, helmet's headers that protect any
 * resource (HSTS, `nosniff`, `X-Frame-Options`, `Cross-Origin-Resource-Policy`) and a CSP that
 * lets a JSON answer opened as a page load nothing and be framed by no one (OWASP's REST
 * guidance); on a page (`text/html`: the dashboard, `/docs`), all of helmet's, its CSP in
 * place of that one. Helmet's others (`Origin-Agent-Cluster`, `Cross-Origin-Opener-Policy`,
 * `X-DNS-Prefetch-Control`, `X-XSS-Protection`, ...) concern documents only: on each JSON
 * answer they were some 600 bytes and a dozen header checks that protected nothing.
 */
function securityHeaders() {
  const helmets = helmetHeaders();
  return {
    any: [
      ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
      ...helmets.filter(([name]) => ANY_ANSWER.has(name.toLowerCase())),
    ] satisfies [string, string | number | readonly string[]][],
    page: helmets.filter(([name]) => !ANY_ANSWER.has(name.toLowerCase())),
  };
}

/** How the edge middleware answers CORS: the app's `@koa/cors` middleware. */
type Cors = (ctx: AppContext, next: Next) => Promise<unknown>;

/**
 * The app's first middleware, what every request passes through before the routes, as one
 * function rather than seven (each was an async layer of its own, which cost `/health` about as
 * much CPU as Koa itself):
 * - the request id: `x-request-id` when the client sent a sane one, else a UUID, on
 *   `ctx.state.requestId` and echoed in the answer;
 * - the security headers (helmet's: see {@link securityHeaders});
 * - CORS through `@koa/cors` for requests that carry an `Origin` (every answer says
 *   `Vary: Origin`, as `@koa/cors` has it);
 * - the Host and `Expect` checks;
 * - anything thrown downstream as problem+json with no stack trace: a 5xx is logged with its
 *   cause and emitted the Koa way (`app.emit('error', error, ctx)`), so a host app's
 *   `app.on('error')` sees the server's failures as it sees its own; 4xx are answers, not errors;
 * - the error statuses left without a body as problems: no route (404), 405, 501;
 * - one structured log line when the request ends, with its final status and duration.
 */
export function createEdge(logger: Logger, cors: Cors) {
  const security = securityHeaders();
  return async function edge(ctx: AppContext, next: Next): Promise<void> {
    const start = performance.now();
    const incoming = ctx.get('x-request-id');
    const id = /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = id;
    const { res } = ctx;
    res.setHeader('x-request-id', id);
    try {
      for (const [name, value] of security.any) res.setHeader(name, value);
      const routes = (): Promise<unknown> => {
        checkRequest(ctx);
        return next();
      };
      if (ctx.get('origin')) await cors(ctx, routes);
      else {
        res.setHeader('Vary', 'Origin'); // what `@koa/cors` sets (ctx.vary) on a fresh answer
        await routes();
      }
      const unanswered = unansweredError(ctx);
      if (unanswered) {
        const { problem } = toProblem(unanswered);
        ctx.type = 'application/problem+json';
        ctx.body = problem;
        ctx.status = problem.status;
      } else if (!ctx.headerSent && ctx.response.type === 'text/html') {
        for (const [name, value] of security.page) res.setHeader(name, value);
      }
    } catch (error) {
      const { problem, headers } = toProblem(error);
      if (problem.status >= 500) {
        logger.error({ requestId: id, err: error }, 'request failed');
        ctx.app.emit('error', error, ctx);
      }
      ctx.status = problem.status;
      ctx.set(headers);
      ctx.type = 'application/problem+json';
      ctx.body = problem;
    } finally {
      if (logger.isLevelEnabled('info')) {
        const ms = Math.round((performance.now() - start) * 10) / 10;
        logger.info(
          {
            requestId: id,
            method: ctx.method,
            path: ctx.path,
            status: ctx.status,
            ms,
            owner: ctx.state.auth?.accountId,
          },
          'request',
        );
      }
    }
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
