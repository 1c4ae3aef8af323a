import { createReadStream, statSync } from 'node:fs';
import type Koa from 'koa';

/**
 * Sends a file of the package (the dashboard's build, swagger-ui's assets) with a weak ETag
 * and Last-Modified from its size and mtime, answering 304 when the client's copy is fresh.
 * The caller has already decided the file is one it serves (an allow-list, never a path from
 * the request).
 */
export function sendStaticFile(
  ctx: Koa.Context | Koa.ParameterizedContext,
  file: string,
  type: string,
  cacheControl: string,
): void {
  const stat = statSync(file);
  ctx.status = 200; // `ctx.fresh` only compares validators on a 2xx
  ctx.set('cache-control', cacheControl);
  ctx.etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  ctx.lastModified = stat.mtime;
  ctx.type = type;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  ctx.length = stat.size;
  ctx.body = createReadStream(file);
}
