// "The database is unreachable": shared by db/read-retry.ts (which notes failures), proxy.ts (which
// answers 503 while one is recent) and scripts/start.mjs (which turns a page's 500 into that 503). Plain
// JavaScript with no imports: start.mjs runs it untranspiled, and the three run in one process but are
// bundled separately, so the clock lives on globalThis.

/** Seconds a client is asked to wait (Retry-After) while the database is unreachable. */
export const RETRY_AFTER_S = 5;

/** What a browser is shown while the database is unreachable: readable, and it tries again by itself. */
export const UNAVAILABLE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trove is briefly unavailable</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="${RETRY_AFTER_S}"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 6rem auto; padding: 0 1rem; text-align: center; color: #0f172a">
<main><h1 style="font-size: 1.5rem">Trove is briefly unavailable</h1>
<p style="color: #475569">Trove can’t reach its database right now. This usually passes within a few seconds; this page will try again by itself.</p></main>
</body></html>`;

export const UNAVAILABLE_MESSAGE = 'Trove cannot reach its database right now. Please try again in a few seconds.';

const g = /** @type {{ __troveDbLastFailureAt?: number }} */ (globalThis);

/** Records that a query just failed (or was refused) because the database could not be reached. */
export function noteDatabaseFailure(now = Date.now()) {
  g.__troveDbLastFailureAt = now;
}

/** Whether a query failed for want of the database at or after `t` (ms since the epoch). */
export function databaseFailedSince(t) {
  const at = g.__troveDbLastFailureAt;
  return typeof at === 'number' && at >= t;
}

/**
 * For scripts/start.mjs: if this response is about to go out as a 500 while a query failed for want of
 * the database since the request began (a page's server components threw a connection error, and
 * Next's error boundary answers 500), it goes out as 503 with Retry-After instead — a browser's
 * document request with the "briefly unavailable" page in place of Next's error page, whole.
 * Call before handing the request to Next (whatever Next wraps around res later calls through these).
 */
export function answerUnavailableInsteadOf500(req, res, startedAt = Date.now()) {
  const { writeHead, write, end } = res;
  const document = !req.headers.rsc && !req.headers['next-action'] && /text\/html/.test(String(req.headers.accept ?? ''));
  const body = req.method === 'HEAD' ? '' : UNAVAILABLE_PAGE;
  let replaced = false;
  const convert = (status) => status === 500 && !res.headersSent && databaseFailedSince(startedAt);

  res.writeHead = function (status, ...rest) {
    if (!convert(status)) return writeHead.call(this, status, ...rest);
    res.setHeader('retry-after', String(RETRY_AFTER_S));
    res.setHeader('cache-control', 'no-store');
    if (!document) return writeHead.call(this, 503, ...rest);
    // Next's body (its error page) is dropped and ours goes out instead; headers handed to writeHead
    // itself (Next sets them on res first) go with it.
    replaced = true;
    res.removeHeader('content-encoding');
    res.removeHeader('transfer-encoding');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-length', String(Buffer.byteLength(body)));
    return writeHead.call(this, 503);
  };
  res.write = function (chunk, encoding, cb) {
    if (convert(res.statusCode)) res.writeHead(500);
    if (!replaced) return write.call(this, chunk, encoding, cb);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  };
  res.end = function (chunk, encoding, cb) {
    if (convert(res.statusCode)) res.writeHead(500);
    if (!replaced) return end.call(this, chunk, encoding, cb);
    const done = [chunk, encoding, cb].find((a) => typeof a === 'function');
    if (res.writableEnded) {
      if (done) process.nextTick(done);
      return this;
    }
    return end.call(this, body, 'utf8', done);
  };
}
