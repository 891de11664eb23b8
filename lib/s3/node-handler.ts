import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { serveObjectRead } from './fast-get';
import { handleS3 } from './handler';
import { attachNodeBody } from './request-body';

/**
 * The S3 endpoint straight on Node's request and response, for scripts/start.mjs to call ahead of
 * Next (registered on globalThis by instrumentation.ts). Same handler, same authorization and answers
 * as the route handler (app/s3), without Next's routing per request — which cost far more than the
 * request itself for small objects — and with Content-Length written directly.
 */
export async function serveS3(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // GetObject / HeadObject of a file take a shorter path still (one statement, Node streams only).
  if (await serveObjectRead(req, res)) return;
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  // The handler reads only the path and query from the URL (the signature uses the Host header itself),
  // so a fixed origin keeps a malformed Host header from failing the request before it is answered.
  const request = new Request(`http://localhost${req.url}`, { method, headers, signal: controller.signal });
  if (hasBody) attachNodeBody(request, req);
  const response = await handleS3(request);
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'x-trove-content-length') res.setHeader(name, value);
  });
  const length = response.headers.get('x-trove-content-length');
  if (length !== null) res.setHeader('content-length', length);
  if (!response.body || method === 'HEAD') {
    await response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res);
  } catch {
    // The client went away, or the file could not be read mid-way: the connection is closed either way.
    if (!res.destroyed) res.destroy();
  }
}
