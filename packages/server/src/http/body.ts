import coBody from 'co-body';
import type { AppContext } from './context.js';
import { assertNoNul } from './nul-guard.js';
import { HttpError } from './problem.js';

/** The largest JSON body, and the largest on `POST /expenses/batch` (up to 1,000 expenses). */
const JSON_LIMIT = '1mb';
const BATCH_LIMIT = '5mb';
const FORM_LIMIT = '64kb';
/** The batch route, as the router matches it (case-insensitively, with an optional trailing slash). */
const BATCH_PATH = /^\/expenses\/batch\/?$/i;

/** The problem for a body the parser refused: too large, an unsupported type, or not JSON. */
function bodyError(error: Error): HttpError {
  const status = (error as { status?: number }).status;
  if (status === 413)
    return new HttpError('PAYLOAD_TOO_LARGE', 'The request body is too large (1 MiB; 5 MiB for /expenses/batch)');
  // The body stopped arriving: the client went away, or Node's requestTimeout cut it off (and
  // answered 408 itself). Either way it is not a JSON error, and the log line says so.
  if ((error as { type?: string }).type === 'request.aborted')
    return new HttpError('REQUEST_TIMEOUT', 'The request body did not arrive in full in time');
  return new HttpError('MALFORMED_JSON', 'The request body is not valid JSON');
}

function unsupported(form: boolean): HttpError {
  return new HttpError(
    'UNSUPPORTED_MEDIA_TYPE',
    form ? 'Send application/json or a form (application/x-www-form-urlencoded)' : 'Send application/json',
  );
}

/**
 * The body parser of one kind of route, run where the route needs its body: after
 * `requireAuth` on every route that needs a token, so an anonymous request is refused (401)
 * before a byte of its body is read, let alone parsed; on the public auth routes it runs
 * first. JSON only, or JSON and forms (`form: true`: `/auth/login` and `/auth/refresh`, as the
 * OAuth2 password grant and refresh send them); any other body type is a 415, since a body
 * the parser ignored would otherwise be validated as if it were empty. Limits: 1 MiB, 5 MiB
 * on `/expenses/batch`, 64 KiB for a form. Then NUL characters in the query or body are refused.
 */
export function createBodyParser(options: { form: boolean }) {
  const { form } = options;
  const types = form ? ['json', 'urlencoded'] : ['json'];
  return async function parseBody(ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> {
    const empty = ctx.request.length === 0 || (ctx.request.length === undefined && !ctx.get('transfer-encoding'));
    const type = empty ? false : ctx.is(types);
    if (!empty && type === false) throw unsupported(form);
    // DELETE too: `DELETE /categories/{id}` takes its options as a JSON body as well as in the query.
    if (PARSED_METHODS.has(ctx.method) && ctx.request.body === undefined) {
      await read(ctx, type === 'urlencoded' ? 'form' : type === false ? undefined : 'json');
    }
    assertNoNul(ctx);
    return next();
  };
}

/** The methods whose bodies are read. */
const PARSED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads and parses the body with co-body (what `@koa/bodyparser` runs underneath, called
 * directly: its middleware is typed for koa-websocket's context, not a router's), strict JSON
 * (an object or an array), keeping the raw text for the idempotency hash. No body: `{}`.
 */
async function read(ctx: AppContext, kind: 'json' | 'form' | undefined): Promise<void> {
  if (kind === undefined) {
    ctx.request.body = {};
    return;
  }
  const limit = kind === 'form' ? FORM_LIMIT : BATCH_PATH.test(ctx.path) ? BATCH_LIMIT : JSON_LIMIT;
  try {
    // co-body is typed `any`; with returnRawBody it resolves to { parsed, raw }.
    const { parsed, raw } = (await coBody[kind](ctx.req, {
      limit,
      encoding: 'utf-8',
      returnRawBody: true,
      strict: true,
    })) as { parsed: unknown; raw: string };
    ctx.request.body = parsed;
    ctx.request.rawBody = raw;
  } catch (error) {
    throw bodyError(error instanceof Error ? error : new Error(String(error)));
  }
}
