/**
 * `@expense-tracker/server`: the REST + WebSocket API over `@expense-tracker/core`, as a
 * Koa app you can listen on or mount.
 *
 * @packageDocumentation
 */
export { createApp, migrateServer, type AppOptions, type ExpenseTrackerApp } from './app.js';
export { ConfigError, envSchema, loadConfig, type ServerConfig } from './config.js';
export { HttpError, SERVER_ERROR_CODES, STATUS_BY_CODE, toProblem, type Problem, type ProblemCode, type ServerErrorCode } from './http/problem.js';
export { accountPatchSchema, loginSchema, registerSchema, type AccountView, type TokenPair } from './auth/accounts.js';
export { TOKEN_AUDIENCE, TOKEN_ISSUER, type AccessClaims } from './auth/tokens.js';
export type { AppState } from './http/context.js';
export { buildOpenApiDocument } from './http/openapi.js';
