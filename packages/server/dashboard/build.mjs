// Builds the dashboard served at /app into dist/dashboard/: main.ts bundled with chart.js by
// esbuild (nothing from a CDN), plus index.html and style.css as they are.
// Run by the server's `npm run build`, after tsup (which empties dist/).
//
// The forms check input with the API's own zod schemas, imported from @expense-tracker/core's
// public entry. That entry also exports the Node-only tracker; core is `sideEffects: false`, so
// esbuild keeps only the schemas. Node's built-ins are marked external for the resolver, and the
// build fails if any of them is still imported by the bundle (it could not run in a browser).
import { builtinModules } from 'node:module';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'dashboard');

await mkdir(out, { recursive: true });
const result = await build({
  entryPoints: [join(here, 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  // Core's TypeScript sources, as everywhere in the workspace (no need to build core first).
  conditions: ['source'],
  external: [...builtinModules, 'node:*'],
  metafile: true,
});
const nodeOnly = Object.values(result.metafile.outputs).flatMap((output) =>
  output.imports.filter((entry) => entry.external).map((entry) => entry.path),
);
if (nodeOnly.length > 0) throw new Error(`The dashboard bundle imports Node built-ins: ${nodeOnly.join(', ')}`);
await copyFile(join(here, 'index.html'), join(out, 'index.html'));
await copyFile(join(here, 'style.css'), join(out, 'style.css'));
