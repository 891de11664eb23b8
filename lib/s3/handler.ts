import 'server-only';
import crypto from 'node:crypto';
import { AppError } from '@/lib/errors';
import { databaseFailedSince, RETRY_AFTER_S, UNAVAILABLE_MESSAGE } from '@/lib/http/unavailable.mjs';
import { authenticate, bucketAccess, type Principal } from './auth';
import { listBucketsXml, listObjectsXml } from './buckets';
import { accessDenied, invalidArgument, notImplemented, S3Error } from './errors';
import { bodyOf, readableBody } from './request-body';
import { abortUpload, completeUpload, createUpload, listParts, listUploads, uploadPart, uploadPartCopy } from './multipart';
import { copyObject, deleteObject, getObject, getObjectTagging, putObject } from './objects';
import { doc, el, requireDocument, texts } from './xml';

/**
 * The S3-compatible endpoint (path-style, under /s3): parse, authenticate, dispatch, and turn every
 * failure into S3's XML error shape with a request id. Operations live in buckets.ts / objects.ts.
 */

export const S3_PREFIX = '/s3';
const MAX_XML_BODY = 1 << 20;
export const MAX_KEY_BYTES = 1024; // S3's limit on a key's UTF-8 length

export type Target = { bucket: string; key: string };

export function parseTarget(pathname: string): Target {
  const rest = pathname === S3_PREFIX ? '' : pathname.slice(S3_PREFIX.length + 1);
  const cut = rest.indexOf('/');
  const [rawBucket, rawKey] = cut < 0 ? [rest, ''] : [rest.slice(0, cut), rest.slice(cut + 1)];
  try {
    return { bucket: decodeURIComponent(rawBucket), key: decodeURIComponent(rawKey) };
  } catch {
    throw invalidArgument('The request path is not valid URL encoding.');
  }
}

function xml(status: number, body: string, requestId: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('Content-Type', 'application/xml');
  h.set('x-amz-request-id', requestId);
  return new Response(body, { status, headers: h });
}

function empty(status: number, requestId: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set('x-amz-request-id', requestId);
  return new Response(null, { status, headers: h });
}

const APP_ERRORS: Record<string, [string, number]> = {
  NOT_FOUND: ['NoSuchKey', 404],
  FORBIDDEN: ['AccessDenied', 403],
  LOCKED: ['AccessDenied', 403],
  CONFLICT: ['InvalidRequest', 409],
  INVALID: ['InvalidArgument', 400],
  TOO_LARGE: ['EntityTooLarge', 400],
  EXPIRED: ['AccessDenied', 403],
  RATE_LIMITED: ['SlowDown', 503],
  UNAUTHENTICATED: ['AccessDenied', 403],
};

function toS3Error(err: unknown): S3Error | null {
  if (err instanceof S3Error) return err;
  if (err instanceof AppError) {
    if (err.code === 'INVALID' && err.field === 'sha256') return new S3Error('XAmzContentSHA256Mismatch', 400, err.message);
    const [code, status] = APP_ERRORS[err.code] ?? ['InvalidRequest', 400];
    return new S3Error(code, status, err.message);
  }
  return null;
}

/**
 * A request id (16 hex digits, as S3's): from randomUUID, which draws from a pooled batch of random
 * bytes, not one getrandom call per request (randomBytes was a few percent of a small GetObject).
 */
export const newRequestId = () => crypto.randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();

/** Handles one S3 request under /s3 (any method); never throws. */
export async function handleS3(request: Request): Promise<Response> {
  const requestId = newRequestId();
  const startedAt = Date.now();
  const url = new URL(request.url);
  let target: Target = { bucket: '', key: '' };
  try {
    target = parseTarget(url.pathname);
    const principal = await authenticate({ method: request.method, path: url.pathname, altPath: url.pathname.slice(S3_PREFIX.length) || '/', query: url.searchParams, headers: request.headers });
    const response = await dispatch(request, url.searchParams, target, principal, requestId);
    // Next strips Content-Length; scripts/start.mjs puts it back from this header.
    const length = response.headers.get('content-length');
    if (length !== null) response.headers.set('x-trove-content-length', length);
    return response;
  } catch (err) {
    return errorAnswer(err, { method: request.method, aborted: request.signal.aborted, startedAt, requestId, target });
  }
}

/** The S3 error answer (XML, or headers only for HEAD) for what a request failed with; logs the unexpected. */
export function errorAnswer(err: unknown, r: { method: string; aborted: boolean; startedAt: number; requestId: string; target: Target }): Response {
  const { requestId, target } = r;
  if (r.aborted && !(err instanceof AppError) && !(err instanceof S3Error)) return empty(499, requestId);
  // A query that failed for want of the database: S3's "try again" answer, as pages get 503 + Retry-After.
  const unavailable = !(err instanceof S3Error || err instanceof AppError) && databaseFailedSince(r.startedAt);
  const e = unavailable ? new S3Error('ServiceUnavailable', 503, UNAVAILABLE_MESSAGE) : toS3Error(err);
  if (!e) console.error(`Trove S3 ${requestId}: ${r.method} failed:`, err);
  const { code, status, message } = e ?? { code: 'InternalError', status: 500, message: 'We encountered an internal error. Please try again.' };
  const retry: Record<string, string> = unavailable ? { 'Retry-After': String(RETRY_AFTER_S) } : {};
  if (r.method === 'HEAD') return empty(status, requestId, { 'x-amz-error-code': code, ...retry });
  // A refused upload may not have been read to its end: close the connection rather than leave the
  // rest of the body to be taken for the client's next request.
  const close: Record<string, string> = { ...retry, ...(r.method === 'PUT' || r.method === 'POST' ? { Connection: 'close' } : {}) };
  const resource = `${S3_PREFIX}/${target.bucket}${target.key ? `/${target.key}` : ''}`;
  return xml(status, doc('Error', el('Code', code) + el('Message', message) + el('Resource', resource) + el('RequestId', requestId)).replace(' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"', ''), requestId, close);
}

// Small XML request bodies (DeleteObjects, CompleteMultipartUpload), refused past 1 MiB while reading.
async function readXmlBody(request: Request): Promise<string> {
  const body = readableBody(bodyOf(request));
  if (!body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_XML_BODY) throw new S3Error('MaxMessageLengthExceeded', 400, 'The request body is too large.');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function dispatch(request: Request, q: URLSearchParams, { bucket, key }: Target, p: Principal, id: string): Promise<Response> {
  const m = request.method;
  if (!bucket) {
    if (m === 'GET' || m === 'HEAD') return xml(200, await listBucketsXml(p), id);
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
  }
  if (!key) return bucketOp(request, q, bucket, p, id);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 400, `Your key is too long: at most ${MAX_KEY_BYTES} bytes.`);
  if (q.has('uploads') || q.has('uploadId')) return multipartOp(request, q, bucket, key, p, id);
  if (q.has('tagging') && m === 'GET') return xml(200, await getObjectTagging(p, bucket, key), id);
  // Never answer a sub-resource request with the object itself (or write one as an object).
  const sub = OBJECT_SUBRESOURCES.find((s) => q.has(s));
  if (sub) throw notImplemented(`The object sub-resource "${sub}"`);
  switch (m) {
    case 'GET':
    case 'HEAD': {
      const res = await getObject(p, bucket, key, request);
      res.headers.set('x-amz-request-id', id);
      return res;
    }
    case 'PUT':
      if (request.headers.has('x-amz-copy-source')) return xml(200, await copyObject(p, bucket, key, request.headers, request.signal), id);
      return empty(200, id, await putObject(p, bucket, key, request.headers, bodyOf(request), request.signal));
    case 'DELETE':
      await deleteObject(p, bucket, key);
      return empty(204, id);
    default:
      throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
  }
}

async function multipartOp(request: Request, q: URLSearchParams, bucket: string, key: string, p: Principal, id: string): Promise<Response> {
  const m = request.method;
  if (m === 'POST' && q.has('uploads')) return xml(200, await createUpload(p, bucket, key, request.headers), id);
  if (m === 'PUT' && q.has('partNumber')) {
    if (request.headers.has('x-amz-copy-source')) return xml(200, await uploadPartCopy(p, bucket, key, q, request.headers, request.signal), id);
    return empty(200, id, { ETag: await uploadPart(p, bucket, key, q, request.headers, bodyOf(request), request.signal) });
  }
  if (m === 'POST') {
    const body = await readXmlBody(request);
    checkBodyHash(p, body);
    requireDocument(body, 'CompleteMultipartUpload');
    return xml(200, await completeUpload(p, bucket, key, q, body, request.signal), id);
  }
  if (m === 'DELETE') {
    await abortUpload(p, bucket, key, q);
    return empty(204, id);
  }
  if (m === 'GET') return xml(200, await listParts(p, bucket, key, q), id);
  throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
}

function checkBodyHash(p: Principal, body: string): void {
  if (/^[0-9a-f]{64}$/.test(p.payloadHash) && crypto.createHash('sha256').update(body).digest('hex') !== p.payloadHash) {
    throw new S3Error('XAmzContentSHA256Mismatch', 400, 'The content does not match its signed SHA-256.');
  }
}

export const OBJECT_SUBRESOURCES = ['tagging', 'acl', 'attributes', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'versionId'];

const SUBRESOURCES = ['versions', 'acl', 'policy', 'cors', 'lifecycle', 'tagging', 'website', 'logging', 'notification', 'replication', 'encryption', 'object-lock', 'requestPayment', 'accelerate', 'analytics', 'inventory', 'metrics', 'ownershipControls', 'publicAccessBlock', 'intelligent-tiering'];

async function bucketOp(request: Request, q: URLSearchParams, bucket: string, p: Principal, id: string): Promise<Response> {
  const m = request.method;
  if (m === 'PUT' && [...q.keys()].length === 0) {
    await bucketAccess(p, bucket).catch(() => {
      throw accessDenied('Buckets are datasets: create a dataset in Trove (Datasets → New dataset), then use its id as the bucket name.');
    });
    throw new S3Error('BucketAlreadyOwnedByYou', 409, 'This dataset already exists and you can reach it.');
  }
  if (m === 'DELETE' && [...q.keys()].length === 0) {
    await bucketAccess(p, bucket);
    throw accessDenied('Buckets are datasets: delete a dataset from its page in Trove, not over S3.');
  }
  await bucketAccess(p, bucket);
  if (SUBRESOURCES.some((s) => q.has(s))) throw notImplemented('This bucket sub-resource');
  if (m === 'HEAD') return empty(200, id, { 'x-amz-bucket-region': 'us-east-1' });
  if (m === 'GET') {
    if (q.has('location')) return xml(200, doc('LocationConstraint', ''), id);
    if (q.has('versioning')) return xml(200, doc('VersioningConfiguration', ''), id);
    if (q.has('uploads')) return xml(200, await listUploads(p, bucket, q), id);
    return xml(200, await listObjectsXml(p, bucket, q), id);
  }
  if (m === 'POST' && q.has('delete')) return xml(200, await deleteObjects(request, p, bucket), id);
  throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
}

/** DeleteObjects: up to 1000 keys, each answered on its own (Deleted or Error). */
async function deleteObjects(request: Request, p: Principal, bucket: string): Promise<string> {
  const body = await readXmlBody(request);
  checkBodyHash(p, body);
  requireDocument(body, 'Delete');
  const keys = texts(body, 'Key');
  if (keys.length === 0 || keys.length > 1000) throw new S3Error('MalformedXML', 400, 'The XML must list between 1 and 1000 keys.');
  const quiet = texts(body, 'Quiet')[0] === 'true';
  const out: string[] = [];
  for (const key of keys) {
    try {
      await deleteObject(p, bucket, key);
      if (!quiet) out.push(`<Deleted>${el('Key', key)}</Deleted>`);
    } catch (err) {
      const e = toS3Error(err);
      if (!e) throw err;
      out.push(`<Error>${el('Key', key)}${el('Code', e.code)}${el('Message', e.message)}</Error>`);
    }
  }
  return doc('DeleteResult', out.join(''));
}

