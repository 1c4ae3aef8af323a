/**
 * `@expense-tracker/server`: the REST + WebSocket API over `@expense-tracker/core`, as a
 * Koa app you can listen on or mount.
 *
 * @packageDocumentation
 */
export { createApp, dueWorkOf, migrateServer, type AppOptions, type ExpenseTrackerApp } from './app.js';
export type { DueWorkOptions, DueWorkTicker } from './due-work-ticker.js';
export { ConfigError, envSchema, loadConfig, type ServerConfig } from './config.js';
export {
  HttpError,
  SERVER_ERROR_CODES,
  STATUS_BY_CODE,
  toProblem,
  type Problem,
  type ProblemCode,
  type ServerErrorCode,
} from './http/problem.js';
export {
  AccountService,
  accountPatchSchema,
  loginSchema,
  registerSchema,
  type AccountView,
  type AuthLimits,
  type TokenPair,
} from './auth/accounts.js';
export type { AppState } from './http/context.js';
export type { ExportLimits } from './routes/export-streams.js';
export { buildOpenApiDocument, type JsonObject, type OpenApiDocument, type OpenApiOptions } from './http/openapi.js';
export {
  attachNotificationSocket,
  NOTIFICATION_CLOSE_CODES,
  type NotificationSocket,
  type NotificationSocketOptions,
  type SocketCredentials,
  type WsApp,
} from './ws/notifications.js';
export { notificationMessageSchema, type NotificationMessage } from './ws/notification-message.js';
export {
  ImportProgressHub,
  PROGRESS_INTERVAL_MS,
  importProgressMessageSchema,
  type ImportProgressMessage,
} from './ws/import-progress.js';
export {
  PasswordHasher,
  type HashingLimits,
  type HashingStats,
  type HashTicket,
  type ScryptParams,
} from './auth/passwords.js';
export type { ThrottleRule } from './auth/throttle.js';
export { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService, type AccessClaims } from './auth/tokens.js';
export { SERVER_TABLES, type ServerDatabase } from './auth/server-tables.js';
export { isApiTokenClaims, type Credentials } from './auth/credentials.js';
export {
  ApiTokenService,
  createApiTokenSchema,
  MAX_API_TOKEN_DAYS,
  MAX_LIVE_API_TOKENS,
  TOKEN_EXPIRY_NOTICE_DAYS,
  type ApiTokenClaims,
  type ApiTokenView,
  type CreatedApiToken,
} from './integrations/api-tokens.js';
