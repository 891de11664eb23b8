import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDatasetId } from '@/lib/access';
import { lookupKeyDownload, type StoredFile } from '@/lib/downloads';
import { AppError } from '@/lib/errors';
import { CLIENT_IP_HEADER } from '@/lib/http/forwarding.mjs';
import { getBlobStore } from '@/lib/storage';
import { openBody, sendBody, type Body } from '@/lib/storage/node-body';
import { noSuchBucket, noSuchKey, S3Error } from './errors';
import { errorAnswer, MAX_KEY_BYTES, newRequestId, OBJECT_SUBRESOURCES, parseTarget, S3_PREFIX, type Target } from './handler';
import { touchAccessKey } from './keys';
import { objectHead } from './objects';
import { decryptSecret } from './secrets';
import { parseSignature } from './sigv4';
import { checkSignatureThrottle, recordBadSignature } from './throttle';

/**
 * GetObject / HeadObject of a file, the S3 endpoint's hot path, on Node's request and response: the
 * same checks and answers as handleS3 → getObject (signature, throttle, the key's scope, the user's
 * role now, conditional headers, Range), with one statement for key + role + object
 * (lib/downloads.ts), the key's clear secret kept (lib/s3/secrets.ts; the signing key is cached by
 * AWS's signer), and the blob's Node stream piped into the response — no web streams or Request
 * objects. Returns false, having answered nothing, for every other request (lib/s3/node-handler.ts
 * serves those through handleS3).
 */

const OTHER_OPERATIONS = ['uploads', 'uploadId', ...OBJECT_SUBRESOURCES];

export async function serveObjectRead(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const method = req.method;
  if (method !== 'GET' && method !== 'HEAD') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  if (!pathname.startsWith(`${S3_PREFIX}/`) || pathname.endsWith('/')) return false;
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  if (OTHER_OPERATIONS.some((name) => query.has(name))) return false;
  let target: Target;
  try {
    target = parseTarget(pathname);
  } catch {
    return false;
  }
  // Buckets that are not dataset ids, too long keys, folder markers: handleS3 answers them.
  if (!target.key || !isDatasetId(target.bucket) || Buffer.byteLength(target.key) > MAX_KEY_BYTES) return false;
  const requestId = newRequestId();
  const startedAt = Date.now();
  try {
    await answer(req, res, pathname, query, target, requestId);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
      return true;
    }
    const response = errorAnswer(err, { method, aborted: req.destroyed && !res.writableFinished, startedAt, requestId, target });
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(method === 'HEAD' ? undefined : await response.text());
  }
  return true;
}

const headerOf = (req: IncomingMessage) => (name: string): string | null => {
  const value = req.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
};

async function answer(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams, { bucket, key }: Target, requestId: string): Promise<void> {
  const header = headerOf(req);
  // As lib/s3/auth.ts authenticate: parse, throttle, find the key, verify, note its use.
  const check = parseSignature({ method: req.method!, path: pathname, altPath: pathname.slice(S3_PREFIX.length) || '/', query, headers: { get: header } });
  const ip = header(CLIENT_IP_HEADER);
  checkSignatureThrottle(ip, check.accessKeyId);
  const found = /^TRV[A-Z2-7]{17}$/.test(check.accessKeyId) ? await lookupKeyDownload(check.accessKeyId, bucket, key) : null;
  const live = found && !(found.key.expiresAt && found.key.expiresAt.getTime() <= Date.now());
  const secret = live ? decryptSecret(found.key.secretEncrypted, check.accessKeyId) : null;
  if (!found || secret === null) {
    await recordBadSignature(ip, check.accessKeyId);
    throw new S3Error('InvalidAccessKeyId', 403, 'The access key ID you provided does not exist, has expired or was revoked.');
  }
  try {
    await check.verify(secret);
  } catch (err) {
    if (err instanceof S3Error && err.code === 'SignatureDoesNotMatch') await recordBadSignature(ip, check.accessKeyId);
    throw err;
  }
  await touchAccessKey(found.key.keyId);
  // As lib/s3/objects.ts openObject: the key's scope, then the file (its role check included).
  if (found.key.datasetId && found.key.datasetId !== bucket) throw noSuchBucket();
  let file: StoredFile;
  try {
    file = found.file();
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    throw found.reachable ? noSuchKey() : noSuchBucket();
  }
  await send(req, res, file, requestId);
}

async function send(req: IncomingMessage, res: ServerResponse, file: StoredFile, requestId: string): Promise<void> {
  let head: ReturnType<typeof objectHead> | undefined;
  let refused: unknown;
  try {
    head = objectHead(file, headerOf(req));
  } catch (err) {
    refused = err;
  }
  // The bytes are found before anything is answered (even a refused precondition): a missing blob is NoSuchKey.
  let body: Body | null = null;
  if (head && req.method === 'GET' && head.status !== 304 && head.length > 0) {
    body = await openBody(file.storageKey, file.size, head.part);
    if (!body) throw missing(file);
  } else if (!(await getBlobStore().stat(file.storageKey))) {
    throw missing(file);
  }
  if (!head) throw refused;
  res.statusCode = head.status;
  for (const [name, value] of Object.entries(head.headers)) res.setHeader(name, value);
  res.setHeader('x-amz-request-id', requestId);
  if (body) await sendBody(res, body);
  else res.end();
}

function missing(file: StoredFile): S3Error {
  console.error(`Trove: the stored bytes of file "${file.path}" are missing (blob ${file.storageKey}).`);
  return noSuchKey();
}
