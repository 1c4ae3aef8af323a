import type { OwnerHandle } from '@expense-tracker/core';
import type { Router, RouterContext } from '@koa/router';
import type Koa from 'koa';
import type { z } from 'zod';
import { TrackerError, type ValidationIssue } from '@expense-tracker/core';
import type { Credentials } from '../auth/credentials.js';
import { HttpError } from './problem.js';

declare module 'koa' {
  interface Request {
    /** The parsed body, set by the body parser of routes that take one (`http/body.ts`). */
    body?: unknown;
    /** The body's text as received, kept for the idempotency hash. */
    rawBody?: string;
  }
}

/**
 * What middleware leaves on `ctx.state`. `requestId` is set on every request; `auth` and
 * `owner` on the API's own routes that need a token.
 *
 * @example
 * ```ts
 * import { Router } from '@koa/router';
 * import { createApp, type AppState } from '@expense-tracker/server';
 *
 * // A route of your own on the server's app, typed like the built-in ones.
 * const app = createApp({ tracker, jwtSecret: process.env.JWT_SECRET! });
 * const router = new Router<AppState>();
 * router.get('/version', (ctx) => {
 *   ctx.body = { version: '1.4.0', requestId: ctx.state.requestId }; // the id also sent as x-request-id
 * });
 * app.use(router.routes());
 * ```
 */
export interface AppState extends Koa.DefaultState {
  requestId: string;
  /** Set by `requireAuth`: a session's access claims, or an API token's. */
  auth?: Credentials;
  /** The authenticated account's owner handle: every core call through it is scoped to them. */
  owner?: OwnerHandle;
}

/** The Koa context of this app. */
export type AppContext = RouterContext<AppState, Koa.DefaultContext>;

/** A router of this app. */
export type AppRouter = Router<AppState, Koa.DefaultContext>;

/** The owner handle of an authenticated request (the route is behind `requireAuth`). */
export function ownerOf(ctx: { state: AppState }): OwnerHandle {
  if (!ctx.state.owner) throw new HttpError('UNAUTHORIZED', 'Authentication required');
  return ctx.state.owner;
}

/** The parsed JSON body, or `{}` when there is none. */
export function bodyOf(ctx: { request: unknown }): unknown {
  return (ctx.request as { body?: unknown }).body ?? {};
}

/**
 * The query string as an object for core's schemas: repeated parameters become arrays,
 * `true`/`false` stay strings for schemas that coerce them.
 */
export function queryOf(ctx: {
  query: Record<string, string | string[] | undefined>;
}): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(ctx.query)) if (value !== undefined) out[key] = value;
  return out;
}

/** Parses with a server-side schema, throwing core's `VALIDATION_FAILED` (a 422 with issues). */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message,
    code: issue.code,
  }));
  throw new TrackerError(
    'VALIDATION_FAILED',
    `Invalid input: ${issues[0]?.path.join('.') || 'body'}: ${issues[0]?.message ?? 'invalid'}`,
    { issues },
  );
}
