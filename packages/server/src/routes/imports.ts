import {
  csvProfileSchema,
  importDecisionSchema,
  importListQuerySchema,
  importRowPageSchema,
  importRowSchema,
  importRowsQuerySchema,
  importSchema,
  importUploadOptionsSchema,
  isTrackerError,
  TrackerError,
  type CsvProfileInput,
  type OwnerHandle,
} from '@expense-tracker/core';
import { z } from 'zod';
import type { AppContext } from '../http/context.js';
import { HttpError } from '../http/problem.js';
import { defineRoute, type Route, type RouteServices } from '../http/route.js';
import { check } from '../http/route-input.js';
import { RAW_UPLOAD_TYPES, readUpload } from '../http/upload.js';
import { byId } from './descriptions.js';

/** The largest bank file an upload takes (SPEC §7.1): 10 MiB, counted as it is read. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** The upload's options: the query's, or a multipart body's fields (with `mapping`, a CSV profile as JSON). */
const uploadFieldsSchema = importUploadOptionsSchema.extend({
  mapping: z.string().optional().meta({ description: 'A CSV mapping (an import profile’s `profile`) as JSON' }),
});

const binary = z.string().meta({ format: 'binary', description: 'The bank file' });
const multipartSchema = uploadFieldsSchema.partial().extend({ file: binary }).meta({
  id: 'ImportUploadForm',
  description: 'The options as fields, sent before the `file` part; the query’s options apply too',
});

/** A CSV mapping sent inline as JSON, checked with core's profile schema. */
function mappingOf(text: string | undefined): CsvProfileInput | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const message = 'mapping must be a CSV profile as JSON';
    throw new TrackerError('VALIDATION_FAILED', message, {
      issues: [{ path: ['mapping'], code: 'invalid_json', message }],
    });
  }
  return check(csvProfileSchema, parsed).input;
}

/** Core refuses a file past its byte limit while reading it: that is a 413, not a 422. */
function asUploadError(error: unknown): unknown {
  if (isTrackerError(error) && error.issues.some((issue) => issue.code === 'file_too_large'))
    return new HttpError('PAYLOAD_TOO_LARGE', error.message);
  return error;
}

/**
 * Reads the upload, streams it into core's preview (bounded: core holds a chunk of rows at a
 * time) and tells progress to the owner's sockets. An answer sent before the body was read
 * to its end closes the connection, so the rest of a refused file is not read.
 */
async function previewUpload(ctx: AppContext, owner: OwnerHandle, services: RouteServices) {
  const progress = services.progress.reporter(owner.ownerId);
  try {
    const upload = await readUpload(ctx.req, MAX_IMPORT_BYTES);
    const { mapping, profile, ...options } = check(uploadFieldsSchema, { ...ctx.query, ...upload.fields }).output;
    return await owner.imports.preview(upload.file, {
      ...options,
      fileName: options.fileName ?? upload.fileName,
      profileId: profile,
      profile: mappingOf(mapping),
      contentType: upload.contentType,
      limits: { maxBytes: MAX_IMPORT_BYTES },
      onProgress: progress.report,
    });
  } catch (error) {
    if (!ctx.req.complete) ctx.set('connection', 'close');
    throw asUploadError(error);
  } finally {
    progress.flush();
  }
}

const rowParams = z.object({
  n: z
    .string()
    .regex(/^[1-9]\d{0,8}$/)
    .meta({ description: 'The row number (1…)' }),
});
const revertQuerySchema = z.strictObject({
  force: z.enum(['true', 'false']).optional().meta({ description: 'Revert even expenses edited since the commit' }),
});

/**
 * `/imports` (SPEC §7.1): upload a bank file to a preview of every row (rules applied),
 * change decisions, commit (progress on the socket), revert. Reads need `imports:read`,
 * everything else `imports:write`.
 */
export const importRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/imports',
    operationId: 'uploadImport',
    tag: 'Imports',
    summary: 'Upload a bank file: its preview, every row with its state',
    description:
      'The file as the raw body with its content type (`?format=` for `text/plain`), or `multipart/form-data` with a `file` part. At most 10 MiB (413 past it, counted while reading) and 50,000 rows. Progress reaches the notification socket as `import.progress`.',
    permission: 'imports:write',
    unchecked: { query: importUploadOptionsSchema },
    upload: {
      ...Object.fromEntries(RAW_UPLOAD_TYPES.map((type) => [type, binary])),
      'multipart/form-data': multipartSchema,
    },
    status: 201,
    response: importSchema,
    handler: ({ ctx, owner, services }) => previewUpload(ctx, owner, services),
  }),
  defineRoute({
    method: 'get',
    path: '/imports',
    operationId: 'listImports',
    tag: 'Imports',
    summary: 'The imports, newest first, with their counts',
    permission: 'imports:read',
    query: importListQuerySchema,
    response: z.array(importSchema),
    handler: ({ owner, parsed }) => owner.imports.list(parsed.query),
  }),
  defineRoute({
    method: 'get',
    path: '/imports/{id}',
    operationId: 'getImport',
    tag: 'Imports',
    summary: 'One import with its counts',
    description: byId('import'),
    permission: 'imports:read',
    response: importSchema,
    handler: ({ owner, params }) => owner.imports.get(params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/imports/{id}/rows',
    operationId: 'listImportRows',
    tag: 'Imports',
    summary: 'A page of an import’s rows, in file order, each with what the rules would give it',
    permission: 'imports:read',
    query: importRowsQuerySchema,
    response: importRowPageSchema,
    handler: ({ owner, params, query }) => owner.imports.rows(params.id, query),
  }),
  defineRoute({
    method: 'patch',
    path: '/imports/{id}/rows/{n}',
    operationId: 'decideImportRow',
    tag: 'Imports',
    summary: 'Change what commit does with one row (create a credit: a refund)',
    permission: 'imports:write',
    params: rowParams,
    body: importDecisionSchema,
    response: importRowSchema,
    errors: [409],
    handler: ({ owner, params, body }) => owner.imports.decide(params.id, Number(params.n), body),
  }),
  defineRoute({
    method: 'post',
    path: '/imports/{id}/commit',
    operationId: 'commitImport',
    tag: 'Imports',
    summary: 'Apply every row’s decision (idempotent, resumable); progress on the socket',
    permission: 'imports:write',
    response: importSchema,
    handler: async ({ owner, params, services }) => {
      const progress = services.progress.reporter(owner.ownerId);
      try {
        return await owner.imports.commit(params.id, { onProgress: progress.report });
      } finally {
        progress.flush();
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/imports/{id}/revert',
    operationId: 'revertImport',
    tag: 'Imports',
    summary: 'Remove exactly what the import created (409 if edited since, unless force=true)',
    permission: 'imports:write',
    query: revertQuerySchema,
    response: importSchema,
    handler: ({ owner, params, query }) => owner.imports.revert(params.id, { force: query.force === 'true' }),
  }),
];
