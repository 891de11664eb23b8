// Refusals scripts/start.mjs makes before a request reaches Next, for requests that would otherwise
// meet Next's own bare 500: proxy.ts cannot see them (it never runs for route handlers with a body,
// and a chunked body has no Content-Length to check). Plain JavaScript: start.mjs runs it untranspiled.
import http from 'node:http';

/**
 * Server-action bodies above this are refused with 413: the same as ACTION_BODY_LIMIT_BYTES in
 * lib/http/request-checks.ts (which proxy.ts uses; it cannot import node:http) and next.config.ts.
 */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** The path part of a request target ("/a/b?c" → "/a/b"). */
const pathOf = (url) => {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
};

/**
 * True when a segment of the request's path is not valid percent-encoded UTF-8: `%ZZ`, a lone
 * continuation byte `%80`, an encoded surrogate `%ED%A0%80`, an overlong `%C0%AF`…
 */
export function hasMalformedPathEncoding(url) {
  for (const segment of pathOf(url ?? '').split('/')) {
    if (!segment.includes('%')) continue;
    try {
      decodeURIComponent(segment);
    } catch {
      return true;
    }
  }
  return false;
}

/** Which answer a refused request gets: S3's XML under /s3, JSON under /api, else plain text. */
export function surfaceOf(url) {
  const p = pathOf(url ?? '');
  if (p === '/s3' || p.startsWith('/s3/')) return 's3';
  if (p.startsWith('/api/')) return 'api';
  return 'page';
}

/** How much of a refused body is read and dropped (so the client can read the answer), and for how long. */
export const LINGER_BYTES = 64 * 1024 * 1024;
export const LINGER_MS = 15_000;

/**
 * Answers `status` with `message`; the body (an upload, an oversized form) never reaches the app. The
 * rest of it is read and dropped, up to LINGER_BYTES or LINGER_MS (a client still sending when the
 * connection closes sees a broken pipe, not the answer), then the connection is closed.
 */
export function refuse(req, res, status, message, { code = 'InvalidRequest' } = {}) {
  const surface = surfaceOf(req.url);
  const body =
    surface === 's3'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`
      : surface === 'api'
        ? JSON.stringify({ error: message })
        : message;
  const type = surface === 's3' ? 'application/xml' : surface === 'api' ? 'application/json' : 'text/plain; charset=utf-8';
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  if (req.complete) return;
  let dropped = 0;
  const hangUp = () => req.socket.destroy();
  const timer = setTimeout(hangUp, LINGER_MS);
  timer.unref();
  req.on('data', (chunk) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) hangUp();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** A POST to a page (a server action, with or without JavaScript); route handlers and /s3 have their own limits. */
export function isPagePost(req) {
  return req.method === 'POST' && surfaceOf(req.url) === 'page';
}

/** The declared body length, or null when there is none (chunked). */
export function declaredLength(req) {
  const v = req.headers['content-length'];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
}

/**
 * Reads a body of unknown length up to `limit` bytes. Resolves to the bytes, or to null as soon as it
 * is over the limit (nothing more is buffered).
 */
export function readLimited(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/**
 * A request like `req` whose body is `body`, with a Content-Length: what Next is handed once a chunked
 * body has been read and found within the limit.
 */
export function withBody(req, body) {
  const copy = new http.IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  copy.headers = headers;
  const raw = [];
  for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) raw.push(k, String(one));
  copy.rawHeaders = raw;
  copy.push(body);
  copy.push(null);
  copy.complete = true;
  return copy;
}
