import { bodyParser } from '@koa/bodyparser';
import type { AppContext } from './context.js';
import { assertNoNul } from './nul-guard.js';
import { HttpError } from './problem.js';

/** The largest JSON body, and the largest on `POST /expenses/batch` (up to 1,000 expenses). */
const JSON_LIMIT = '1mb';
const BATCH_LIMIT = '5mb';
/** The batch route, as the router matches it (case-insensitively, with an optional trailing slash). */
const BATCH_PATH = /^\/expenses\/batch\/?$/i;

/** The problem for a body the parser refused: too large, an unsupported type, or not JSON. */
function bodyError(error: Error, form: boolean): HttpError {
  const status = (error as { status?: number }).status;
  if (status === 413) return new HttpError('PAYLOAD_TOO_LARGE', 'The request body is too large (1 MiB; 5 MiB for /expenses/batch)');
  if (status === 415 || error.name === 'UnsupportedBodyTypeError') return unsupported(form);
  // The body stopped arriving: the client went away, or Node's requestTimeout cut it off (and
  // answered 408 itself). Either way it is not a JSON error, and the log line says so.
  if ((error as { type?: string }).type === 'request.aborted') return new HttpError('REQUEST_TIMEOUT', 'The request body did not arrive in full in time');
  return new HttpError('MALFORMED_JSON', 'The request body is not valid JSON');
}

function unsupported(form: boolean): HttpError {
  return new HttpError('UNSUPPORTED_MEDIA_TYPE', form ? 'Send application/json or a form (application/x-www-form-urlencoded)' : 'Send application/json');
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
  const onError = (error: Error) => {
    throw bodyError(error, form);
  };
  const methods = { parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] as ('POST' | 'PUT' | 'PATCH' | 'DELETE')[] };
  // DELETE too: `DELETE /categories/{id}` takes its options as a JSON body as well as in the query.
  const body = bodyParser({ enableTypes: form ? ['json', 'form'] : ['json'], ...methods, jsonLimit: JSON_LIMIT, formLimit: '64kb', onError });
  const batchBody = bodyParser({ enableTypes: ['json'], ...methods, jsonLimit: BATCH_LIMIT, onError });
  const types = form ? ['json', 'urlencoded'] : ['json'];
  return function parseBody(ctx: AppContext, next: () => Promise<unknown>): Promise<unknown> {
    const empty = ctx.request.length === 0 || (ctx.request.length === undefined && !ctx.get('transfer-encoding'));
    if (!empty && ctx.is(types) === false) throw unsupported(form);
    const checked = () => {
      assertNoNul(ctx);
      return next();
    };
    return BATCH_PATH.test(ctx.path) ? batchBody(ctx as never, checked) : body(ctx as never, checked);
  };
}
