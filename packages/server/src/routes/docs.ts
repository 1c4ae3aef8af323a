import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { Router } from '@koa/router';
import type { AppState } from '../http/context.js';
import { buildOpenApiDocument } from '../http/openapi.js';
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
 * type are served, so no path can reach outside it.
 */
export function createDocsRouter(): Router<AppState> {
  const router = new Router<AppState>();
  const assetDir = swaggerUiDir();
  const assets = new Set(readdirSync(assetDir).filter((name) => ASSET_TYPES[extname(name)] !== undefined));
  let documentJson: string | undefined;

  router.get('/openapi.json', (ctx) => {
    documentJson ??= JSON.stringify(buildOpenApiDocument());
    ctx.type = 'application/json';
    ctx.set('cache-control', 'no-cache');
    ctx.body = documentJson;
  });

  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('cache-control', 'no-cache');
    ctx.body = PAGE;
  });

  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('cache-control', 'no-cache');
    ctx.body = INIT;
  });

  router.get('/docs/assets/:file', (ctx) => {
    const name = ctx.params.file!;
    // An allow-list of basenames: `..`, `/` or anything not in the package's listing is a 404.
    if (!assets.has(name)) return; // falls through to the app's 404 problem
    sendStaticFile(ctx, join(assetDir, name), ASSET_TYPES[extname(name)]!, 'public, max-age=86400');
  });

  return router;
}
