import { fileError } from './file-errors.js';

/**
 * How much one file may hold. Both limits fail the whole file, never truncate it silently.
 *
 * @example
 * ```ts
 * import type { ImportLimits } from '@expense-tracker/core';
 *
 * // Given as `limits` of owner.imports.preview(): a file of more rows is refused whole.
 * const small: Partial<ImportLimits> = { maxRows: 1_000 };
 * ```
 */
export interface ImportLimits {
  /**
   * Bytes of the file as received (before decoding).
   * @default 10485760 (10 MiB)
   */
  maxBytes: number;
  /**
   * Rows yielded (transactions, invalid and skipped lines alike).
   * @default 50000
   */
  maxRows: number;
}

/** The limits of SPEC §7.1: 10 MiB and 50,000 rows per file. */
export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxRows: 50_000,
});

/**
 * Passes chunks through, counting bytes, and throws `file_too_large` as soon as the count
 * passes `maxBytes`: a larger file is never read to its end.
 */
export async function* limitBytes(source: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw fileError('file_too_large', `The file is larger than the ${maxBytes} bytes an import accepts`, {
        maxBytes,
      });
    }
    yield chunk;
  }
}

/** Passes rows through and throws `too_many_rows` at the first row past `maxRows`. */
export async function* limitRows<T>(rows: AsyncIterable<T>, maxRows: number): AsyncGenerator<T> {
  let count = 0;
  for await (const row of rows) {
    count += 1;
    if (count > maxRows) {
      throw fileError('too_many_rows', `The file has more than the ${maxRows} rows an import accepts`, { maxRows });
    }
    yield row;
  }
}
