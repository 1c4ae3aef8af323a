import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBankFile, type ParseBankFileOptions, type ParsedBankRow } from '../../src/imports/index.js';

/** The path of a fixture under test/fixtures/imports. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/imports/${name}`, import.meta.url));
}

/**
 * A fixture as a Node stream of small chunks: 7 bytes cut multi-byte characters, tags and
 * CSV records in two, so every parser is tested across chunk boundaries.
 */
export function fixtureStream(name: string, chunkSize = 7): AsyncIterable<Uint8Array> {
  return createReadStream(fixturePath(name), { highWaterMark: chunkSize });
}

/** Bytes as a stream of chunks of `chunkSize`. */
export async function* chunksOf(bytes: Uint8Array, chunkSize = 7): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += chunkSize) yield bytes.subarray(start, start + chunkSize);
}

/** Every row of a fixture. */
export async function parseFixture(name: string, options: ParseBankFileOptions = {}): Promise<ParsedBankRow[]> {
  return collect(parseBankFile(fixtureStream(name), { fileName: name, ...options }));
}

/** Drains an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
