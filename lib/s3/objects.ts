import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { entries } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import { AppError } from '@/lib/errors';
import { createFolder, deleteEntry, openDownload, uploadFile, type Download } from '@/lib/files';
import { normalizePath } from '@/lib/paths';
import type { ByteRange } from '@/lib/storage/blob-store';
import { cleanContentType, parseRange, servedContentType } from '@/lib/storage/http';
import { bucketAccess, requireWritableKey, viaKey, type Principal } from './auth';
import { decodeAwsChunked } from './chunked';
import { readableBody, type RequestBody } from './request-body';
import { invalidArgument, noSuchBucket, noSuchKey, S3Error } from './errors';
import { doc, el, iso } from './xml';

/** Object operations, each mapped onto the lib/files.ts function the browser uses. */

const isDirKey = (key: string) => key.endsWith('/');

async function* bodyChunks(body: RequestBody): AsyncGenerator<Uint8Array> {
  const stream = readableBody(body);
  if (stream) yield* stream;
}

/** The length of the object's bytes: Content-Length, or x-amz-decoded-content-length for aws-chunked bodies. */
export function payloadLength(p: Principal, headers: Headers): number | undefined {
  const value = p.payloadHash.startsWith('STREAMING-') ? headers.get('x-amz-decoded-content-length') : headers.get('content-length');
  return value !== null && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** The object's bytes from a request body, per x-amz-content-sha256: raw, signed SHA-256 (checked by the store's caller) or aws-chunked. */
export function payloadSource(p: Principal, body: RequestBody, contentLength: number | undefined, headers: Headers): { source: AsyncIterable<Uint8Array> | RequestBody; expectedSha256?: string } {
  const trailer = headers.get('x-amz-trailer');
  const mode = p.payloadHash;
  if (mode === 'UNSIGNED-PAYLOAD') return { source: body };
  if (/^[0-9a-f]{64}$/i.test(mode)) return { source: body, expectedSha256: mode.toLowerCase() };
  if (mode === 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') return { source: decodeAwsChunked(bodyChunks(body), undefined, contentLength, trailer) };
  if (mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' || mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
    return { source: decodeAwsChunked(bodyChunks(body), p.verifyChunk, contentLength, trailer) };
  }
  throw invalidArgument('Unsupported x-amz-content-sha256 value.');
}

/** PutObject: raw, signed-SHA-256 or aws-chunked bodies, streamed through the browser's upload path. */
export async function putObject(p: Principal, bucket: string, key: string, headers: Headers, body: RequestBody, signal: AbortSignal): Promise<Headers> {
  await bucketAccess(p, bucket);
  requireWritableKey(p);
  const contentLength = payloadLength(p, headers);
  if (isDirKey(key)) {
    if (contentLength) throw invalidArgument('A key ending in "/" is a folder and cannot hold data.');
    try {
      await createFolder(p.userId, bucket, key.slice(0, -1), viaKey(p));
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'CONFLICT' && (await isFolder(bucket, key.slice(0, -1))))) throw err;
    }
    return new Headers({ ETag: '"d41d8cd98f00b204e9800998ecf8427e"' });
  }
  const { source, expectedSha256 } = payloadSource(p, body, contentLength, headers);
  const result = await uploadFile(p.userId, bucket, key, source, { contentLength, contentType: cleanContentType(headers.get('content-type')), signal, expectedSha256, ...viaKey(p) });
  return new Headers({ ETag: `"${result.sha256}"` });
}

async function isFolder(datasetId: string, path: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select({ kind: entries.kind }).from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, path)));
  return row?.kind === 'folder';
}

/** GetObject / HeadObject, with Range and the usual conditional headers; "dir/" reads as an empty object. */
export async function getObject(p: Principal, bucket: string, key: string, req: Request): Promise<Response> {
  if (isDirKey(key)) {
    await bucketAccess(p, bucket);
    const db = await getDb();
    await authorizeDataset(db, p.userId, bucket, 'dataset.view');
    const path = normalizePath(key.slice(0, -1));
    const [row] = await db.select({ kind: entries.kind, updatedAt: entries.updatedAt }).from(entries).where(and(eq(entries.datasetId, bucket), eq(entries.path, path)));
    if (row?.kind !== 'folder') throw noSuchKey();
    return new Response(null, { status: 200, headers: { 'Content-Length': '0', 'Content-Type': 'application/x-directory', 'Last-Modified': row.updatedAt.toUTCString(), ETag: '"d41d8cd98f00b204e9800998ecf8427e"' } });
  }
  const file = await openObject(p, bucket, key);
  const head = objectHead(file, (name) => req.headers.get(name));
  if (head.status === 304 || req.method === 'HEAD' || head.length === 0) return new Response(null, { status: head.status, headers: head.headers });
  // Opened before answering (a missing blob is NoSuchKey, not a cut response), read as fast as the client takes it.
  return new Response(await file.open(head.part, req.signal), { status: head.status, headers: head.headers });
}

export type ObjectHead = { status: number; headers: Record<string, string>; part?: ByteRange; length: number };

/**
 * The status and headers of GetObject / HeadObject for a readable file (here and the fast path,
 * lib/s3/fast-get.ts): the usual conditional headers (304, or PreconditionFailed thrown) and Range
 * (206, or InvalidRange thrown).
 */
export function objectHead(file: Pick<Download, 'sha256' | 'contentType' | 'updatedAt' | 'size'>, header: (name: string) => string | null | undefined): ObjectHead {
  const etag = `"${file.sha256 ?? ''}"`;
  const headers: Record<string, string> = {
    'Content-Type': servedContentType(file.contentType),
    // Presigned URLs open on our origin: whatever a file holds must stay inert there.
    'Content-Security-Policy': 'sandbox',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-store, no-transform',
    'Accept-Ranges': 'bytes',
    'Last-Modified': file.updatedAt.toUTCString(),
    ETag: etag,
  };
  const inm = header('if-none-match');
  const ims = header('if-modified-since');
  const lastModified = Math.floor(file.updatedAt.getTime() / 1000) * 1000;
  if ((inm && (inm === '*' || inm.split(',').some((t) => t.trim() === etag))) || (!inm && ims && Date.parse(ims) >= lastModified)) {
    return { status: 304, headers, length: 0 };
  }
  const ifMatch = header('if-match');
  if (ifMatch && ifMatch !== '*' && !ifMatch.split(',').some((t) => t.trim() === etag)) {
    throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold.');
  }
  const range = parseRange(header('range'), file.size);
  if (range.kind === 'unsatisfiable') throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable.');
  const part = range.kind === 'partial' ? range.range : undefined;
  const length = part ? part.end - part.start + 1 : file.size;
  if (part) headers['Content-Range'] = `bytes ${part.start}-${part.end}/${file.size}`;
  headers['Content-Length'] = String(length);
  return { status: part ? 206 : 200, headers, part, length };
}

/**
 * The object for a read, authorized by lib/files.ts openDownload (which checks the role): the key's
 * scope first (no query); only when it is not found, whether the bucket is out of reach (NoSuchBucket)
 * or the key missing (NoSuchKey) — so a read costs no extra access lookup.
 */
async function openObject(p: Principal, bucket: string, key: string): Promise<Download> {
  if (p.datasetId && p.datasetId !== bucket) throw noSuchBucket();
  try {
    return await openDownload(p.userId, bucket, key);
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    await bucketAccess(p, bucket); // NoSuchBucket when the dataset is out of reach
    throw noSuchKey(); // a missing file, a folder, or missing stored bytes
  }
}

/** GetObjectTagging: Trove keeps no tags, so an object the key can read has an empty tag set. */
export async function getObjectTagging(p: Principal, bucket: string, key: string): Promise<string> {
  await bucketAccess(p, bucket);
  try {
    await openDownload(p.userId, bucket, key);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw noSuchKey();
    throw err;
  }
  return doc('Tagging', '<TagSet></TagSet>');
}

/** DeleteObject: a file, or an empty folder's "dir/" marker; a missing key is success, as in S3. */
export async function deleteObject(p: Principal, bucket: string, key: string): Promise<void> {
  await bucketAccess(p, bucket);
  requireWritableKey(p);
  const path = isDirKey(key) ? key.slice(0, -1) : key;
  const db = await getDb();
  const [row] = await db.select({ kind: entries.kind }).from(entries).where(and(eq(entries.datasetId, bucket), eq(entries.path, normalizePath(path))));
  // S3 deletes one object: "dir/" never takes the folder's contents along, and "x" never a folder "x".
  const target = row && (row.kind === 'folder') === isDirKey(key);
  const nonEmpty = target && row.kind === 'folder' && (await db.select({ id: entries.id }).from(entries).where(and(eq(entries.datasetId, bucket), eq(entries.parent, path))).limit(1)).length > 0;
  if (!target || nonEmpty) {
    await authorizeDataset(db, p.userId, bucket, 'files.manage'); // same answer for a missing key as for a present one
    return;
  }
  try {
    await deleteEntry(p.userId, bucket, path, viaKey(p));
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
  }
}

/** The readable source of a copy (x-amz-copy-source: "[/]<bucket>/<key>", URL-encoded), within the key's reach. */
export async function openCopySource(p: Principal, headers: Headers): Promise<Download> {
  const raw = (headers.get('x-amz-copy-source') ?? '').split('?')[0];
  let source: string;
  try {
    source = decodeURIComponent(raw.replace(/^\//, ''));
  } catch {
    throw invalidArgument('x-amz-copy-source is not valid URL encoding.');
  }
  const cut = source.indexOf('/');
  if (cut <= 0 || cut === source.length - 1) throw invalidArgument('x-amz-copy-source must be "<bucket>/<key>".');
  const srcBucket = source.slice(0, cut);
  await bucketAccess(p, srcBucket);
  try {
    return await openDownload(p.userId, srcBucket, source.slice(cut + 1));
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw noSuchKey();
    throw err;
  }
}

/** CopyObject: streams the source (which the key must be able to read) into the write path. */
export async function copyObject(p: Principal, bucket: string, key: string, headers: Headers, signal: AbortSignal): Promise<string> {
  await bucketAccess(p, bucket);
  requireWritableKey(p);
  const file = await openCopySource(p, headers);
  const replace = headers.get('x-amz-metadata-directive') === 'REPLACE';
  const contentType = replace ? cleanContentType(headers.get('content-type')) : file.contentType;
  const stream = await file.open(undefined, signal);
  const result = await uploadFile(p.userId, bucket, key, stream, { contentLength: file.size, contentType, signal, ...viaKey(p) });
  return doc('CopyObjectResult', el('LastModified', iso(new Date())) + el('ETag', `"${result.sha256}"`));
}
