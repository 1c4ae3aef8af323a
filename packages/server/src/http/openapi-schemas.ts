import {
  alertRuleSchema,
  expenseBatchSchema,
  expenseSchema,
  idSchema,
  instantSchema,
  ownerSettingsSchema,
} from '@expense-tracker/core';
import { z } from 'zod';
import type { AccountView, TokenPair } from '../auth/accounts.js';
import type { ApiTokenView, CreatedApiToken } from '../integrations/api-tokens.js';
import { permissionSchema } from '../integrations/scopes.js';
import { STATUS_BY_CODE, type Problem, type ProblemCode } from './problem.js';

// Zod schemas for the few shapes the server composes itself (problem bodies, tokens, the
// account, envelopes). Each `satisfies` the TypeScript type the server really returns, so a
// field added to the type and not here does not compile, and the OpenAPI document is derived
// from these exactly as from core's schemas.

const problemCodes = Object.keys(STATUS_BY_CODE) as [ProblemCode, ...ProblemCode[]];

/** An RFC 9457 problem body, as every error response carries it (`application/problem+json`). */
export const problemSchema = z
  .object({
    type: z.string().meta({
      description: 'A URI naming the kind of problem',
      example: 'https://expense-tracker.dev/problems/validation-failed',
    }),
    title: z.string().meta({ description: 'The HTTP status text', example: 'Unprocessable Content' }),
    status: z.int().meta({ example: 422 }),
    code: z.enum(problemCodes).meta({ description: 'Stable UPPER_SNAKE code to compare in client code' }),
    detail: z.string().meta({ description: 'What went wrong, written for a person' }),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.int()])), message: z.string(), code: z.string() }))
      .optional()
      .meta({ description: 'The validation issues, on VALIDATION_FAILED' }),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'Facts of a CONFLICT, e.g. { "expenseCount": 12 } for a category still in use' }),
    scope: z
      .string()
      .optional()
      .meta({ description: 'On MISSING_SCOPE: the permission the API token lacks', example: 'expenses:write' }),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem; never a stack trace' }) satisfies z.ZodType<Problem>;

/** The OAuth2 token response of login and refresh (RFC 6749 names). */
export const tokenPairSchema = z
  .object({
    access_token: z.string().meta({ description: 'A JWT to send as `Authorization: Bearer …`' }),
    token_type: z.literal('bearer'),
    expires_in: z.int().meta({ description: 'Seconds until the access token expires', example: 900 }),
    refresh_token: z.string().meta({ description: 'Opaque, single use: each refresh returns a new one' }),
  })
  .meta({ id: 'TokenPair' }) satisfies z.ZodType<TokenPair>;

/** An account as the API shows it. */
export const accountSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    email: z.string().nullable(),
    createdAt: instantSchema,
    settings: ownerSettingsSchema,
  })
  .meta({ id: 'Account' }) satisfies z.ZodType<AccountView>;

/** An API token as lists show it: never the secret. */
export const apiTokenSchema = z
  .object({
    id: z.string().meta({ example: 'tok_01JD0000000000000000000000' }),
    name: z.string(),
    prefix: z.string().meta({ description: 'The first 12 characters, to tell tokens apart', example: 'etk_AbC12xyZ' }),
    scopes: z.array(permissionSchema).meta({ description: 'The permissions it holds' }),
    createdAt: instantSchema,
    expiresAt: instantSchema,
    lastUsedAt: instantSchema.nullable().meta({ description: 'Recorded at most once a minute' }),
  })
  .meta({ id: 'ApiToken' }) satisfies z.ZodType<ApiTokenView>;

/** `POST /auth/tokens`: the token's view and, this once, the token. */
export const createdApiTokenSchema = apiTokenSchema
  .extend({
    token: z.string().meta({
      description:
        'The token (`etk_` + 38 characters): shown this once, never stored; send it as `Authorization: Bearer …`',
    }),
  })
  .meta({ id: 'CreatedApiToken' }) satisfies z.ZodType<CreatedApiToken>;

/** `GET /auth/token`: what the presented token is. */
export const tokenIntrospectionSchema = z
  .discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('session'),
        accountId: z.string(),
        sessionId: z.string(),
        expiresAt: instantSchema.meta({ description: 'When this access token expires (refresh before)' }),
        scopes: z.array(z.string()).meta({ description: 'Every permission: a session holds them all' }),
      })
      .meta({ id: 'SessionIntrospection' }),
    z
      .object({
        kind: z.literal('api-token'),
        accountId: z.string(),
        id: z.string(),
        name: z.string(),
        scopes: z.array(permissionSchema),
        expiresAt: instantSchema,
      })
      .meta({ id: 'ApiTokenIntrospection' }),
  ])
  .meta({ id: 'TokenIntrospection', discriminator: { propertyName: 'kind' } });

/** `GET /health`. */
export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** `GET /health/ready` when the database answers. */
export const readinessSchema = z
  .object({ status: z.literal('ready'), database: z.literal('ok') })
  .meta({ id: 'Readiness' });

/** Body of `POST /expenses/batch`: a bare array, or `{ items: [...] }`. */
export const expenseBatchBodySchema = z.union([expenseBatchSchema, z.object({ items: expenseBatchSchema })]);

/** Answer of `POST /expenses/batch`: the stored expenses, in the order given. */
export const expenseBatchResultSchema = z.object({ items: z.array(expenseSchema) }).meta({ id: 'ExpenseBatchResult' });

/** Query of the alert rule listings: the rules of one budget, or all; other keys are refused. */
export const alertListQuerySchema = z.strictObject(alertRuleSchema.pick({ budgetId: true }).partial().shape);

/** `{id}` in a path: a record id. */
export const pathIdSchema = idSchema.meta({ description: 'The record id, as the API returned it' });

/** The CSV export. */
export const csvExportSchema = z
  .string()
  .meta({ description: 'RFC 4180 CSV with a header row; amounts as decimal strings; formula-like cells neutralised' });

/** The NDJSON export. */
export const ndjsonExportSchema = z.string().meta({ description: 'One Expense JSON object per line' });
