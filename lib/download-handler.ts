import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ResponseCookies } from 'next/dist/compiled/@edge-runtime/cookies';
import { isDatasetId } from '@/lib/access';
import { decodeSessionCookie, encodeSessionCookie, needsRefresh, sessionCookieName, sessionCookieOptions } from '@/lib/auth/session-cookie';
import { config } from '@/lib/config';
import { isDatabaseKnownDown } from '@/lib/db-availability';
import { lookupSessionDownload, missingBytes, type DownloadTarget, type StoredFile } from '@/lib/downloads';
import { API_CSP, SECURITY_HEADERS } from '@/lib/http/request-checks';
import { errorResponse, jsonResponse, UNAVAILABLE_MESSAGE } from '@/lib/http/responses';
import { RETRY_AFTER_S } from '@/lib/http/unavailable.mjs';
import { getBlobStore } from '@/lib/storage';
import { downloadHead } from '@/lib/storage/http';
import { openBody, sendBody, type Body } from '@/lib/storage/node-body';

/**
 * Browser downloads (GET/HEAD of /api/datasets/<id>/files/<path…> and …/versions/<versionId>) straight on
 * Node's request and response, for scripts/start.mjs to call ahead of Next (registered on globalThis by
 * instrumentation.ts), as /s3 is served: the same answers as the route handlers (app/api/datasets/…) and
 * what next.config.ts and proxy.ts add to them, without Next's routing and web-stream conversions per
 * request. One statement (lib/downloads.ts) checks the session, the role and finds the file; the blob's
 * Node stream is piped into the response. Returns false, having answered nothing, for whatever it leaves
 * to the route handlers (other methods, odd paths or cookies, presigned redirects).
 */

const ROUTE = /^\/api\/datasets\/([^/?#]+)\/(files|versions)\/([^?#]+)(?:\?.*)?$/;

type Parsed = { datasetId: string; target: DownloadTarget; where: string };

function parse(url: string): Parsed | null {
  const m = ROUTE.exec(url);
  // Next redirects a path with an empty segment (308 to the path without it): left to it.
  if (!m || m[3].includes('//') || m[3].endsWith('/')) return null;
  let datasetId: string;
  try {
    datasetId = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  if (!isDatasetId(datasetId)) return null; // the route's 404 (after its 401), left to it
  if (m[2] === 'versions') {
    if (m[3].includes('/')) return null;
    return { datasetId, target: { version: m[3] }, where: 'versions route' };
  }
  // Decoded segment by segment, as the route does (a name may hold an encoded '/' or '%').
  let file: string;
  try {
    file = m[3].split('/').map(decodeURIComponent).join('/');
  } catch {
    return null; // scripts/start.mjs refuses such paths first; the route's own answer otherwise
  }
  return { datasetId, target: { file }, where: 'files route' };
}

// The cookie's value as Next's cookie jar reads it, or undefined when it is not there; null when the
// header holds something this path leaves to Next (the cookie twice, or split into name.0, name.1…).
function sessionToken(header: string | undefined): string | undefined | null {
  if (!header) return undefined;
  const name = sessionCookieName();
  let found: string | undefined;
  for (const pair of header.split(/;\s*/)) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key === `${name}.0`) return null;
    if (key !== name) continue;
    if (found !== undefined) return null;
    found = pair.slice(eq + 1);
  }
  if (found === undefined) return undefined;
  try {
    return decodeURIComponent(found);
  } catch {
    return null;
  }
}

/** Serves the request when it is a download this path answers; false (nothing sent) otherwise. */
export async function serveDownload(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD') return false;
  // A presigned redirect is decided (and its headers set) by the route handler alone.
  if (method === 'GET' && config.downloadRedirect === 'presigned') return false;
  const parsed = parse(req.url ?? '');
  if (!parsed) return false;
  const token = sessionToken(req.headers.cookie);
  if (token === null) return false;
  await answer(req, res, parsed, token);
  return true;
}

// What Next's app router adds to every route handler answer (its client-router cache keys; and
// Accept-Encoding where it may compress, i.e. the JSON answers), kept so both paths answer alike.
const NEXT_VARY = 'rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch';

function baseHeaders(res: ServerResponse, versions: boolean): void {
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.setHeader('Vary', NEXT_VARY);
  // next.config.ts: the version route gets the API policy, set before its own `sandbox` (Next keeps the first).
  if (versions) res.setHeader('Content-Security-Policy', API_CSP);
}

async function sendResponse(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'content-security-policy' || !res.hasHeader(name)) res.setHeader(name, value);
  });
  res.setHeader('Vary', `${NEXT_VARY}, Accept-Encoding`);
  const body = req.method === 'HEAD' ? '' : await response.text();
  res.end(body);
}

async function answer(req: IncomingMessage, res: ServerResponse, { datasetId, target, where }: Parsed, token: string | undefined): Promise<void> {
  const versions = 'version' in target;
  baseHeaders(res, versions);
  // proxy.ts answers these before the route, while the database is known to be down.
  if (isDatabaseKnownDown()) {
    return sendResponse(req, res, jsonResponse(503, { error: UNAVAILABLE_MESSAGE }, { 'Retry-After': String(RETRY_AFTER_S) }));
  }
  try {
    const claims = token ? await decodeSessionCookie(token) : null;
    const file = claims ? await lookupSessionDownload(claims.sid, claims.sub, datasetId, target) : null;
    if (!file) return sendResponse(req, res, jsonResponse(401, { error: 'Log in to download files.' }));
    if (claims && needsRefresh(claims)) {
      const cookies = new ResponseCookies(new Headers());
      cookies.set(sessionCookieName(), await encodeSessionCookie(claims), sessionCookieOptions());
      res.setHeader('Set-Cookie', cookies.toString());
    }
    await sendFile(req, res, datasetId, file, versions);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    return sendResponse(req, res, errorResponse(err, where));
  }
}

async function sendFile(req: IncomingMessage, res: ServerResponse, datasetId: string, file: StoredFile, versions: boolean): Promise<void> {
  const head = downloadHead({ range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined }, file);
  // The bytes are found before anything is sent: a missing blob is a clear 404, not a cut response.
  let body: Body | null = null;
  if (req.method === 'GET' && head.status !== 416 && head.length > 0) {
    body = await openBody(file.storageKey, file.size, head.part);
    if (!body) throw missingBytes(datasetId, file, versions);
  } else if (!(await getBlobStore().stat(file.storageKey))) {
    throw missingBytes(datasetId, file, versions);
  }
  res.statusCode = head.status;
  for (const [name, value] of Object.entries(head.headers)) {
    if (name !== 'Content-Security-Policy' || !res.hasHeader(name)) res.setHeader(name, value);
  }
  if (body) await sendBody(res, body);
  else res.end();
}
