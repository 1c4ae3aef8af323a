/**
 * One bounded cache: every size-capped map in core and the server is an `LRUCache` from
 * `lru-cache`, made per instance (per tracker, store, token service), so two trackers in one
 * process never share one. Hand-rolled eviction (`map.delete(map.keys().next().value)`) once
 * appeared five times, each with its own small variations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** Every TypeScript source file of core and the server, with its text. */
function sources(): { path: string; text: string }[] {
  return ['core/src', 'server/src'].flatMap((dir) =>
    readdirSync(join(packagesDir, dir), { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts'))
      .map((path) => ({ path: `${dir}/${path}`, text: readFileSync(join(packagesDir, dir, path), 'utf8') })),
  );
}

describe('bounded caches', () => {
  it('evict only through lru-cache: no source drops a map’s oldest key by hand', () => {
    expect(
      sources()
        .filter(({ text }) => text.includes('.keys().next()'))
        .map(({ path }) => path),
    ).toEqual([]);
  });

  it('are made per instance: no LRUCache is module state', () => {
    // A module-level cache is a line that starts (unindented) by declaring one.
    const moduleLevel = sources().filter(({ text }) =>
      /^(?:export )?(?:const|let) \w+\s*(?::[^=]+)?=\s*new LRUCache\b/m.test(text),
    );
    expect(moduleLevel.map(({ path }) => path)).toEqual([]);
    expect(sources().filter(({ text }) => /new LRUCache\b/.test(text)).length).toBeGreaterThanOrEqual(5);
  });
});
