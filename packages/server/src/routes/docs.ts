import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route.js';
import { sendStaticFile } from '../http/static-file.js';

/** Content types of the swagger-ui-dist files the page may load; other files are not served. */
const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
};

/** swagger-ui-dist's directory: resolved from its package.json (the package has no types to import `getAbsoluteFSPath` with). */
function swaggerUiDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

let swaggerUi: { dir: string; files: Set<string> } | undefined;

/** swagger-ui-dist's directory and the files of its listing with a known type, read once. */
function swaggerUiFiles(): { dir: string; files: Set<string> } {
  if (swaggerUi) return swaggerUi;
  const dir = swaggerUiDir();
  swaggerUi = { dir, files: new Set(readdirSync(dir).filter((name) => ASSET_TYPES[extname(name)] !== undefined)) };
  return swaggerUi;
}

// No inline script: the Content-Security-Policy (`script-src 'self'`) would block it, so the
// boot code is /docs/init.js. Assets come from this server, never a CDN.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Expense Tracker API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/**
 * `GET /openapi.json` (the OpenAPI 3.1 document, built once) and `GET /docs` (Swagger UI,
 * its files served from the installed `swagger-ui-dist` under `/docs/assets/*`, with a
 * day's cache and ETags). Only files of the package's own directory listing with a known
 * type are served, so no path can reach outside it. The boot script and the assets are
 * routes of the page, not API operations: `hidden`, out of the document.
 */
export const docsRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    tag: 'Ops',
    permission: 'public',
    noDatabase: true,
    summary: 'This OpenAPI 3.1 document',
    response: z.record(z.string(), z.unknown()),
    handler: ({ ctx, services }) => {
      ctx.type = 'application/json';
      ctx.set('cache-control', 'no-cache');
      ctx.body = services.openApiJson();
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs',
    operationId: 'interactiveDocs',
    tag: 'Ops',
    permission: 'public',
    noDatabase: true,
    summary: 'Interactive docs (Swagger UI, served from this server)',
    content: { 'text/html': z.string() },
    handler: ({ ctx }) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('cache-control', 'no-cache');
      ctx.body = PAGE;
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs/init.js',
    operationId: 'docsBootScript',
    tag: 'Ops',
    permission: 'public',
    hidden: true,
    summary: 'The boot script of /docs',
    handler: ({ ctx }) => {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('cache-control', 'no-cache');
      ctx.body = INIT;
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs/assets/{file}',
    operationId: 'docsAsset',
    tag: 'Ops',
    permission: 'public',
    hidden: true,
    summary: 'A file of swagger-ui-dist',
    handler: ({ ctx, params }) => {
      const { dir, files } = swaggerUiFiles();
      // An allow-list of basenames: `..`, `/` or anything not in the package's listing is a 404.
      if (files.has(params.file))
        sendStaticFile(ctx, join(dir, params.file), ASSET_TYPES[extname(params.file)]!, 'public, max-age=86400');
      return undefined; // otherwise falls through to the app's 404 problem
    },
  }),
];
