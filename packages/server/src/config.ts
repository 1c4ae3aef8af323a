import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl, type SecretBoxKey } from '@expense-tracker/core';
import { z } from 'zod';

const seconds = (name: string, fallback: number) =>
  z.coerce
    .number({ message: `${name} must be a number of seconds` })
    .int(`${name} must be a whole number of seconds`)
    .min(1, `${name} must be at least 1 second`)
    .default(fallback);

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `WEBHOOK_ENCRYPTION_KEYS`: comma-separated `id:base64` keys of 32 bytes, the one that
 * encrypts first and older ones after it (they still decrypt, so keys rotate without
 * re-creating endpoints). Checked here so a bad key stops the server with the variable's name.
 */
const webhookKeysSchema = z
  .string()
  .default('')
  .transform((value, ctx): SecretBoxKey[] => {
    const keys: SecretBoxKey[] = [];
    for (const entry of value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const colon = entry.indexOf(':');
      const id = entry.slice(0, colon);
      const key = entry.slice(colon + 1);
      if (colon < 1 || !KEY_ID.test(id) || !BASE64.test(key) || Buffer.from(key, 'base64').length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message:
            'WEBHOOK_ENCRYPTION_KEYS must be comma-separated id:key pairs, each id 1-32 of A-Z a-z 0-9 _ -, each key 32 bytes in base64 (openssl rand -base64 32)',
        });
        return z.NEVER;
      }
      if (keys.some((k) => k.id === id)) {
        ctx.addIssue({ code: 'custom', message: `WEBHOOK_ENCRYPTION_KEYS names the key id "${id}" twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    return keys;
  });

/**
 * The environment the server reads, validated; every message names its variable.
 *
 * @example
 * ```ts
 * import { envSchema } from '@expense-tracker/server';
 *
 * envSchema.parse({ PORT: '3000' }).PORT; // 3000
 * envSchema.parse({}).DATABASE_URL; // 'sqlite:./data/expense-tracker.db'
 * envSchema.parse({ CORS_ORIGINS: 'https://a.example, https://b.example' }).CORS_ORIGINS; // ['https://a.example', 'https://b.example']
 * envSchema.safeParse({ LOG_LEVEL: 'loud' }).success; // false
 * ```
 */
export const envSchema = z
  .object({
    NODE_ENV: z.string().optional(),
    PORT: z.coerce
      .number({ message: 'PORT must be a port number' })
      .int('PORT must be a whole number')
      .min(0, 'PORT must be 0–65535')
      .max(65535, 'PORT must be 0–65535')
      .default(8000),
    HOST: z.string().min(1, 'HOST must not be empty').default('127.0.0.1'),
    DATABASE_URL: z
      .string()
      .refine(
        (v) => /^sqlite:/i.test(v) || isPostgresUrl(v) || v === ':memory:',
        'DATABASE_URL must start with sqlite: or postgres://',
      )
      .default('sqlite:./data/expense-tracker.db'),
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWT_SECRET_KEY: z.string().min(32, 'JWT_SECRET_KEY must be at least 32 characters').optional(),
    ACCESS_TOKEN_TTL: seconds('ACCESS_TOKEN_TTL', 15 * 60),
    REFRESH_TOKEN_TTL: seconds('REFRESH_TOKEN_TTL', 30 * 24 * 60 * 60),
    CORS_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    DATA_DIR: z.string().optional(),
    /** Trust X-Forwarded-* from a reverse proxy (the client address for login throttling). */
    TRUST_PROXY: z
      .enum(['true', 'false'], { message: 'TRUST_PROXY must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    /** scrypt cost N as a power of two; 17 (OWASP's minimum) unless set lower for tests. */
    SCRYPT_LOG_N: z.coerce
      .number()
      .int()
      .min(10, 'SCRYPT_LOG_N must be 10–20')
      .max(20, 'SCRYPT_LOG_N must be 10–20')
      .default(17),
    /** A client must have sent its request line and headers within this many seconds (slowloris). */
    HEADERS_TIMEOUT: seconds('HEADERS_TIMEOUT', 10),
    /** A client must have sent its whole request, body included, within this many seconds. */
    REQUEST_TIMEOUT: seconds('REQUEST_TIMEOUT', 30),
    /** An idle keep-alive connection is closed after this many seconds (Node's default, 5). */
    KEEP_ALIVE_TIMEOUT: seconds('KEEP_ALIVE_TIMEOUT', 5),
    /** Exports (`GET /analytics/export`) one user may be receiving at once. */
    EXPORTS_PER_USER: z.coerce
      .number({ message: 'EXPORTS_PER_USER must be a number' })
      .int('EXPORTS_PER_USER must be a whole number')
      .min(1, 'EXPORTS_PER_USER must be at least 1')
      .default(2),
    /** An export whose client takes nothing for this many seconds is cut off. */
    EXPORT_IDLE_TIMEOUT: seconds('EXPORT_IDLE_TIMEOUT', 30),
    /** The keys that encrypt webhook signing secrets at rest; without them no endpoint can be created. */
    WEBHOOK_ENCRYPTION_KEYS: webhookKeysSchema,
    /** Let webhook deliveries reach loopback, private and link-local addresses (never cloud metadata). */
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: z
      .enum(['true', 'false'], { message: 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be true or false' })
      .default('false')
      .transform((v) => v === 'true'),
    /** The longest one webhook attempt may take, connect to last byte, in milliseconds. */
    WEBHOOK_TIMEOUT_MS: z.coerce
      .number({ message: 'WEBHOOK_TIMEOUT_MS must be a number of milliseconds' })
      .int('WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds')
      .min(100, 'WEBHOOK_TIMEOUT_MS must be at least 100')
      .max(60_000, 'WEBHOOK_TIMEOUT_MS must be at most 60000 (a minute)')
      .default(15_000),
    /** How long an instance's claim on a webhook message lasts (a dead instance's claim runs out), in milliseconds. */
    WEBHOOK_LEASE_MS: z.coerce
      .number({ message: 'WEBHOOK_LEASE_MS must be a number of milliseconds' })
      .int('WEBHOOK_LEASE_MS must be a whole number of milliseconds')
      .max(3_600_000, 'WEBHOOK_LEASE_MS must be at most 3600000 (an hour)')
      .optional(),
    /** How often the server runs due work (`tracker.runDue`: webhook deliveries and retries), in milliseconds. */
    DUE_WORK_INTERVAL_MS: z.coerce
      .number({ message: 'DUE_WORK_INTERVAL_MS must be a number of milliseconds' })
      .int('DUE_WORK_INTERVAL_MS must be a whole number of milliseconds')
      .min(50, 'DUE_WORK_INTERVAL_MS must be at least 50')
      .max(3_600_000, 'DUE_WORK_INTERVAL_MS must be at most 3600000 (an hour)')
      .default(1000),
  })
  .refine((e) => e.HEADERS_TIMEOUT <= e.REQUEST_TIMEOUT, {
    // The whole request includes its headers: a longer headers timeout could never apply.
    path: ['HEADERS_TIMEOUT'],
    message: 'HEADERS_TIMEOUT must not be longer than REQUEST_TIMEOUT',
  })
  .refine((e) => e.WEBHOOK_LEASE_MS === undefined || e.WEBHOOK_LEASE_MS > e.WEBHOOK_TIMEOUT_MS, {
    // A claim that ran out while its attempt still ran would let another instance send the message twice.
    path: ['WEBHOOK_LEASE_MS'],
    message: 'WEBHOOK_LEASE_MS must be longer than WEBHOOK_TIMEOUT_MS',
  });

/**
 * The server's configuration. {@link loadConfig} returns it.
 *
 * @example
 * ```ts
 * import { Tracker } from '@expense-tracker/core';
 * import { createApp, loadConfig, migrateServer, type ServerConfig } from '@expense-tracker/server';
 *
 * const config: ServerConfig = loadConfig();
 * const tracker = await Tracker.open({ database: config.databaseUrl });
 * await tracker.migrate();
 * await migrateServer({ tracker });
 * createApp({ tracker, jwtSecret: config.jwtSecret, corsOrigins: config.corsOrigins, trustProxy: config.trustProxy })
 *   .listen(config.port, config.host);
 * ```
 */
export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  jwtSecret: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  corsOrigins: string[];
  logLevel: z.output<typeof envSchema>['LOG_LEVEL'];
  scryptLogN: number;
  production: boolean;
  trustProxy: boolean;
  /** Seconds a client has to send its request line and headers. @default 10 */
  headersTimeout: number;
  /** Seconds a client has to send its whole request, body included. @default 30 */
  requestTimeout: number;
  /** Seconds an idle keep-alive connection is kept open. @default 5 */
  keepAliveTimeout: number;
  /** Exports one user may be receiving at once. @default 2 */
  exportsPerUser: number;
  /** Seconds after which an export whose client takes nothing is cut off. @default 30 */
  exportIdleTimeout: number;
  /** Keys that encrypt webhook secrets at rest, the current one first. @default none: webhooks cannot be created */
  webhookEncryptionKeys: SecretBoxKey[];
  /** Whether webhook deliveries may reach private and loopback addresses. @default false */
  webhookAllowPrivateAddresses: boolean;
  /** The longest one webhook attempt may take, in milliseconds. @default 15000 */
  webhookTimeoutMs: number;
  /** How long a claim on a webhook message lasts, in milliseconds. @default 4 × webhookTimeoutMs */
  webhookLeaseMs: number;
  /** Milliseconds between runs of due work. @default 1000 */
  dueWorkIntervalMs: number;
}

/**
 * Thrown for configuration that cannot work; the message names the variable.
 *
 * @example
 * ```ts
 * import { ConfigError, loadConfig } from '@expense-tracker/server';
 *
 * try {
 *   loadConfig({ PORT: 'eighty' });
 * } catch (error) {
 *   if (!(error instanceof ConfigError)) throw error;
 *   console.error(error.message); // 'Invalid configuration: PORT: PORT must be a port number'
 * }
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration from `env` (and a `.env` file in the working directory, when
 * there is one and `loadDotEnv` is set). Fails fast with the variable's name. Outside
 * production a missing JWT secret is generated once and kept in the data directory;
 * in production its absence is an error.
 *
 * @param env - the variables to read (default: `process.env`)
 * @param options - `loadDotEnv: true` also reads `./.env` into `process.env` first
 * @throws {@link ConfigError} naming the first invalid variable
 * @example
 * ```ts
 * import { loadConfig } from '@expense-tracker/server';
 *
 * const config = loadConfig({ DATABASE_URL: 'postgres://app@db/expenses', JWT_SECRET: 'a-secret-of-at-least-32-characters!', PORT: '3000' });
 * config.port; // 3000
 * config.accessTokenTtl; // 900: the default, in seconds
 * const fromEnvironment = loadConfig(process.env, { loadDotEnv: true }); // what the server's main does
 * ```
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { loadDotEnv?: boolean } = {}): ServerConfig {
  if (options.loadDotEnv && existsSync('.env')) process.loadEnvFile('.env');
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(
    e.DATA_DIR ??
      (e.DATABASE_URL.startsWith('sqlite:') ? dirname(e.DATABASE_URL.replace(/^sqlite:(\/\/)?/i, '')) : './data'),
  );
  let jwtSecret = e.JWT_SECRET ?? e.JWT_SECRET_KEY;
  if (!jwtSecret) {
    if (production)
      throw new ConfigError('Invalid configuration: JWT_SECRET is required in production (at least 32 characters)');
    jwtSecret = developmentSecret(dataDir);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    jwtSecret,
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    scryptLogN: e.SCRYPT_LOG_N,
    production,
    trustProxy: e.TRUST_PROXY,
    headersTimeout: e.HEADERS_TIMEOUT,
    requestTimeout: e.REQUEST_TIMEOUT,
    keepAliveTimeout: e.KEEP_ALIVE_TIMEOUT,
    exportsPerUser: e.EXPORTS_PER_USER,
    exportIdleTimeout: e.EXPORT_IDLE_TIMEOUT,
    webhookEncryptionKeys: e.WEBHOOK_ENCRYPTION_KEYS,
    webhookAllowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookLeaseMs: e.WEBHOOK_LEASE_MS ?? e.WEBHOOK_TIMEOUT_MS * 4,
    dueWorkIntervalMs: e.DUE_WORK_INTERVAL_MS,
  };
}

/** A random secret kept in `dataDir/jwt-secret` (mode 600), so tokens survive a restart. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  // The data directory holds the secret and the SQLite files: its owner's alone.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
