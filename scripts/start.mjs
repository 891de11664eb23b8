// `npm start`: build once if there is no production build, then serve it on PORT (default 3000).
// A small Node HTTP server sits ahead of Next so the client's address comes from the socket (or from
// trusted proxies only, TRUST_PROXY) and forged forwarding headers never reach the app.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import v8 from 'node:v8';
import { ACTION_BODY_LIMIT_BYTES, declaredLength, hasMalformedPathEncoding, isPagePost, readLimited, refuse, withBody } from '../lib/http/early-refusals.mjs';
import { applyForwarding, trustedHops } from '../lib/http/forwarding.mjs';
import { answerUnavailableInsteadOf500 } from '../lib/http/unavailable.mjs';

// The heap grows to at most 1.4× what is live before a full collection (V8 picks up to 4× when it
// collects quickly). Under thousands of small downloads a second, short-lived request objects reach
// the old generation at ~10 MB/s; with V8's own choice the server's RSS rose ~200 MiB before each
// full collection, with this ~40 MiB, at the same requests/s (npm run bench:s3). A flag given to
// node (e.g. NODE_OPTIONS=--heap-growing-percent=100) wins.
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--heap-growing-percent'))) {
  v8.setFlagsFromString('--heap-growing-percent=40');
}

process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.NODE_ENV = 'production';
// The AWS SDK (S3 storage driver) warns on Node 20 that its releases from January 2027 on need Node 22;
// the version in package.json is pinned and works on Node 20, so the multi-line warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const distDir = process.env.NEXT_DIST_DIR || '.next';
if (!fs.existsSync(`${distDir}/BUILD_ID`)) {
  console.log('Trove: no production build yet, building (about a minute)…');
  const build = spawnSync(process.execPath, ['node_modules/next/dist/bin/next', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || undefined;
const hops = trustedHops(process.env.TRUST_PROXY);

const { default: next } = await import('next');
const app = next({ dev: false, hostname: hostname ?? 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();

// Next drops Content-Length from route handlers' responses (it streams them chunked). S3 clients need
// it on GET and HEAD (sizes, ranged downloads), and browsers to show a download's total size, so the
// S3 endpoint and the file download route also send it as x-trove-content-length, restored here just
// before the headers go out.
const LENGTH_HINT = 'x-trove-content-length';
function restoreContentLength(res) {
  const writeHead = res.writeHead;
  res.writeHead = function (...args) {
    const hint = res.getHeader(LENGTH_HINT);
    if (hint !== undefined) {
      res.removeHeader(LENGTH_HINT);
      if (/^\d{1,16}$/.test(String(hint))) {
        res.removeHeader('transfer-encoding');
        res.setHeader('content-length', String(hint));
      }
    }
    return writeHead.apply(this, args);
  };
}

// /s3 goes straight to the S3 handler (lib/s3/node-handler.ts, registered by instrumentation.ts once
// the app is prepared), not through Next's routing: same code and authorization as app/s3's route,
// a fraction of the cost per request. Without it (an older build), Next's route serves /s3.
const isS3 = (url) => url === '/s3' || url.startsWith('/s3/') || url.startsWith('/s3?');

const TOO_LARGE = `That is too much data for one request (at most ${ACTION_BODY_LIMIT_BYTES / 1024 / 1024} MB). Nothing was saved.`;

// TROVE_COUNT_SQL=1 (npm run bench:scale): a request carrying `x-trove-count-sql` runs with a counter
// the database client adds its statements to (db/statement-count.ts); one line is logged when it ends.
const sqlCounter = process.env.TROVE_COUNT_SQL === '1' ? new (await import('node:async_hooks')).AsyncLocalStorage() : null;
if (sqlCounter) globalThis.__troveSqlCounter = sqlCounter;

const server = http.createServer(async (req, res) => {
  applyForwarding(req, hops);
  // Refused before Next, which would answer these with its own bare 500 (lib/http/early-refusals.mjs):
  // a path that is not valid percent-encoded UTF-8 (an upload's path with a lone %80), and a page POST
  // (server action) over the limit, also when it is chunked and has no Content-Length to check.
  if (hasMalformedPathEncoding(req.url)) {
    return refuse(req, res, 400, 'Bad request: the address is not valid URL encoding (a % must start a valid UTF-8 sequence, e.g. %C3%A9).', { code: 'InvalidURI' });
  }
  if (isPagePost(req)) {
    const length = declaredLength(req);
    if (length !== null && length > ACTION_BODY_LIMIT_BYTES) return refuse(req, res, 413, TOO_LARGE);
    if (length === null && req.headers['transfer-encoding']) {
      let body;
      try {
        body = await readLimited(req, ACTION_BODY_LIMIT_BYTES);
      } catch {
        return req.socket.destroy(); // the client went away mid-body
      }
      if (body === null) return refuse(req, res, 413, TOO_LARGE);
      req = withBody(req, body);
    }
  }
  const serveS3 = globalThis.__troveServeS3;
  if (serveS3 && isS3(req.url ?? '')) {
    counted(req, res, () =>
      serveS3(req, res).catch((err) => {
        console.error('Trove S3: request failed:', err);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      }),
    );
    return;
  }
  // Browser downloads (GET/HEAD under /api/datasets/<id>/files|versions/) likewise, ahead of Next
  // (lib/download-handler.ts); it answers false, having sent nothing, for what it leaves to the routes.
  const serveDownload = globalThis.__troveServeDownload;
  if (serveDownload && (req.method === 'GET' || req.method === 'HEAD') && req.url?.startsWith('/api/datasets/')) {
    counted(req, res, async () => {
      let served;
      try {
        served = await serveDownload(req, res);
      } catch (err) {
        console.error('Trove download: request failed:', err);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
        return;
      }
      if (!served) toNext(req, res);
    });
    return;
  }
  counted(req, res, () => toNext(req, res));
});

function toNext(req, res) {
  if (req.url?.startsWith('/s3') || req.url?.startsWith('/api/datasets/')) restoreContentLength(res);
  // A page that fails because the database is unreachable answers 503 + Retry-After, not Next's 500.
  answerUnavailableInsteadOf500(req, res);
  return handle(req, res);
}

// Runs a request inside the SQL statement counter when one is on and the request asks for it.
function counted(req, res, serve) {
  if (sqlCounter && req.headers['x-trove-count-sql']) {
    const store = { n: 0 };
    res.once('finish', () => setTimeout(() => console.log(`[sql-count] ${req.method} ${req.url} ${res.statusCode} ${store.n}`), 50));
    return sqlCounter.run(store, serve);
  }
  return serve();
}
server.listen(port, hostname, () => {
  console.log(`Trove: ready on http://${hostname ?? 'localhost'}:${port}${hops ? ` (trusting ${hops} proxy hop${hops === 1 ? '' : 's'})` : ''}`);
});

// SIGTERM/SIGINT: stop accepting, let in-flight requests finish, then exit (lib/server-lifecycle.ts
// hooks process.exit to hand back email leases and close the database first).
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 25_000).unref();
  });
}
