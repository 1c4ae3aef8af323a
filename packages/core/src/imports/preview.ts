import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import { assertOpen, parseInput, write, type ServiceContext } from '../write-context.js';
import type { BankFileFormat, ParsedBankRow } from './bank-row.js';
import { classifyChunk, inflowState } from './classify.js';
import type { CsvProfileInput } from './csv-profile.js';
import type { DateOrder } from './date-text.js';
import { lineHash, OccurrenceCounter } from './fingerprint.js';
import type { ImportLimits } from './limits.js';
import { parseBankFile } from './parse-bank-file.js';
import { toImport } from './presenters.js';
import type { ImportRecord, ImportRowRecord } from './repository.js';
import { sourceKeySchema, type Import } from './schema.js';
import type { TextEncoding } from './text-decoding.js';

/** Rows classified and stored per transaction while previewing. */
export const PREVIEW_CHUNK_SIZE = 500;

/**
 * Progress of a long preview or commit, told after each chunk.
 *
 * @example
 * ```ts
 * import type { ImportProgress } from '@expense-tracker/core';
 *
 * const onProgress = (p: ImportProgress) => console.log(`${p.phase}: ${p.rows} rows`);
 * ```
 */
export interface ImportProgress {
  importId: string;
  phase: 'preview' | 'commit';
  /** Rows done so far. */
  rows: number;
  /** Rows in all, when known (commit knows it; a preview reading a stream does not). */
  total: number | null;
}

/**
 * Options of `owner.imports.preview()`.
 *
 * @example
 * ```ts
 * import type { ImportPreviewOptions } from '@expense-tracker/core';
 *
 * const options: ImportPreviewOptions = { sourceKey: 'DE89370400440532013000', fileName: 'march.xml' };
 * ```
 */
export interface ImportPreviewOptions {
  /** The bank account the file is from: duplicates are detected per key. */
  sourceKey: string;
  /** Sniffed from the content when absent. */
  format?: BankFileFormat;
  /** The CSV mapping, given here... */
  profile?: CsvProfileInput;
  /** ...or saved with `owner.imports.profiles.create()`. */
  profileId?: string;
  /** Detected when absent. */
  encoding?: TextEncoding;
  /** Kept with the import, for people to recognise it; a hint to the format too. */
  fileName?: string;
  /** The upload's content type: a hint to the format. */
  contentType?: string;
  /** The currency of a QIF file. */
  currency?: string;
  /** The order of day, month and year of a QIF file. */
  dateOrder?: DateOrder;
  /** @default 10 MiB and 50,000 rows */
  limits?: Partial<ImportLimits>;
  /** Told after each chunk of rows. */
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Bytes at once, or a stream of chunks (a Node `Readable` is one): the file `owner.imports.preview()` reads.
 *
 * @example
 * ```ts
 * import { createReadStream } from 'node:fs';
 * import type { ImportInput } from '@expense-tracker/core';
 *
 * const bytes: ImportInput = new TextEncoder().encode('!Type:Bank\nD01/31/2026\nT-12.50\nPCAFE NORD\n^\n');
 * const stream: ImportInput = createReadStream('statement.ofx'); // read chunk by chunk, never held whole
 * ```
 */
export type ImportInput = Uint8Array | AsyncIterable<Uint8Array>;

async function* chunksOf(input: ImportInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) yield input;
  else yield* input;
}

const clip = (text: string | null, max: number) => (text === null || text === '' ? null : text.slice(0, max));

/** The stored row of a parsed line (`null` for a line that is no transaction). */
function toRowRecord(
  base: { ownerId: string; importId: string; n: number },
  parsed: ParsedBankRow,
  occurrences: OccurrenceCounter,
): ImportRowRecord | null {
  if (parsed.kind === 'skipped') return null;
  const empty = {
    ...base,
    line: parsed.line,
    reasonCode: null,
    reason: null,
    date: null,
    amountMinor: null,
    currency: null,
    description: null,
    merchant: null,
    originalText: parsed.originalText,
    externalId: null,
    fingerprint: null,
    occurrence: null,
    candidateIds: [],
    decision: null,
    linkExpenseId: null,
    expenseId: null,
    appliedAt: null,
    bill: null,
  };
  if (parsed.kind === 'invalid') return { ...empty, state: 'invalid', reasonCode: parsed.code, reason: parsed.reason };
  const facts = {
    date: parsed.date,
    amountMinor: Number(parsed.amountMinor),
    currency: parsed.currency,
    description: clip(parsed.description, 500),
    merchant: clip(parsed.merchant, 200),
  };
  const inflow = inflowState(parsed.direction);
  const row: ImportRowRecord = { ...empty, ...facts, state: inflow ?? 'new', externalId: parsed.externalId };
  // Credits get a key too: one the person turns into a refund is then stored once, however
  // often the statement is imported (commit checks the key again).
  return Object.assign(row, occurrences.next(lineHash({ ...facts, credit: parsed.direction === 'credit' })));
}

/**
 * Stores the rows of `parsed` as a new import, classified chunk by chunk against what is
 * stored, and returns it previewed. A file that turns out unreadable midway leaves nothing.
 */
export async function stageImport(
  ctx: ServiceContext,
  ownerId: string,
  head: Pick<ImportRecord, 'sourceKey' | 'fileName'> & { format: () => string },
  parsed: AsyncIterable<ParsedBankRow> | Iterable<ParsedBankRow>,
  onProgress: ImportPreviewOptions['onProgress'],
): Promise<ImportRecord> {
  const at = ctx.clock.now().toISOString();
  const record: ImportRecord = {
    id: newId('imp'),
    ownerId,
    sourceKey: head.sourceKey,
    format: 'unknown',
    fileName: head.fileName,
    state: 'parsing',
    rowCount: 0,
    createdAt: at,
    updatedAt: at,
    committedAt: null,
    revertedAt: null,
  };
  await ctx.store.imports.insert(record);
  const occurrences = new OccurrenceCounter();
  const memory = { seen: new Set<string>(), claimed: new Set<string>(), bills: new Set<string>() };
  let chunk: ImportRowRecord[] = [];
  const flush = async () => {
    const rows = chunk;
    chunk = [];
    await ctx.store.transaction(async (tx) => {
      await classifyChunk(tx, ownerId, record.sourceKey, rows, memory);
      await tx.imports.insertRows(rows);
    });
    onProgress?.({ importId: record.id, phase: 'preview', rows: record.rowCount, total: null });
  };
  try {
    for await (const parsedRow of parsed) {
      const row = toRowRecord({ ownerId, importId: record.id, n: record.rowCount + 1 }, parsedRow, occurrences);
      if (row === null) continue;
      record.rowCount += 1;
      chunk.push(row);
      if (chunk.length >= PREVIEW_CHUNK_SIZE) await flush();
    }
    if (chunk.length > 0) await flush();
  } catch (error) {
    await ctx.store.imports.delete(ownerId, record.id).catch(() => undefined);
    throw error;
  }
  return { ...record, format: head.format() };
}

/** Marks a staged import previewed, with its `import.previewed` event. */
export async function finishPreview(ctx: ServiceContext, ownerId: string, staged: ImportRecord): Promise<Import> {
  return write(ctx, ownerId, async ({ tx, at, record }) => {
    const done: ImportRecord = { ...staged, state: 'previewed', updatedAt: at };
    await tx.imports.update(done);
    const imp = toImport(done, await tx.imports.countRows(ownerId, done.id));
    record({ type: 'import.previewed', data: { import: imp } });
    return imp;
  });
}

/** `owner.imports.preview()`: parse, classify and store a bank file's rows for review. */
export async function previewImport(
  ctx: ServiceContext,
  ownerId: string,
  input: ImportInput,
  options: ImportPreviewOptions,
): Promise<Import> {
  const sourceKey = parseInput(sourceKeySchema, options.sourceKey, ['sourceKey']);
  assertOpen(ctx);
  let profile = options.profile;
  if (options.profileId !== undefined) {
    const saved = await ctx.store.imports.findProfile(ownerId, options.profileId);
    if (!saved) throw notFound('Import profile', options.profileId);
    profile = saved.profile as CsvProfileInput;
  }
  let format: string = options.format ?? 'unknown';
  const parsed = parseBankFile(chunksOf(input), {
    format: options.format,
    encoding: options.encoding,
    profile,
    currency: options.currency,
    dateOrder: options.dateOrder,
    limits: options.limits,
    fileName: options.fileName,
    contentType: options.contentType,
    onFormat: (found) => {
      format = found;
    },
  });
  const staged = await stageImport(
    ctx,
    ownerId,
    { sourceKey, fileName: options.fileName ?? null, format: () => format },
    parsed,
    options.onProgress,
  );
  return finishPreview(ctx, ownerId, staged);
}
