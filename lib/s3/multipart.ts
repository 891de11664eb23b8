import 'server-only';
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { s3Uploads } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import { config } from '@/lib/config';
import { uploadFile } from '@/lib/files';
import { normalizePath } from '@/lib/paths';
import { concatenatedParts, dropUpload, partsOf, storePart as storeUploadPart, STALE_S3_UPLOAD_DAYS } from '@/lib/upload-parts';
import { cleanContentType } from '@/lib/storage/http';
import { parseRange } from '@/lib/storage/http';
import { bucketAccess, requireWritableKey, viaKey, type Principal } from './auth';
import { invalidArgument, S3Error } from './errors';
import type { RequestBody } from './request-body';
import { openCopySource, payloadLength, payloadSource } from './objects';
import { blocks, doc, el, texts } from './xml';

/**
 * Multipart upload: each part is streamed into the blob store as it arrives; Complete streams the
 * parts, in order, through lib/files.ts uploadFile (temp → hash → commit), the browser's write path,
 * then drops the parts. Abort drops them. The user's role is checked at every step. The part storage
 * is lib/upload-parts.ts, shared with the browser's resumable uploads (which are kind 'browser' and
 * never visible here).
 */

const noSuchUpload = () => new S3Error('NoSuchUpload', 404, 'The specified multipart upload does not exist. It may have been completed or aborted.');
const MAX_PARTS = 10_000;
const STALE_UPLOAD = sql`now() - make_interval(days => ${STALE_S3_UPLOAD_DAYS}::int)`;

async function writable(p: Principal, bucket: string): Promise<void> {
  await bucketAccess(p, bucket);
  requireWritableKey(p);
  await authorizeDataset(await getDb(), p.userId, bucket, 'files.write');
}

async function findUpload(p: Principal, bucket: string, key: string, uploadId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(uploadId)) throw noSuchUpload();
  const db = await getDb();
  const [u] = await db
    .select({ id: s3Uploads.id, contentType: s3Uploads.contentType })
    .from(s3Uploads)
    .where(and(eq(s3Uploads.id, uploadId), eq(s3Uploads.datasetId, bucket), eq(s3Uploads.userId, p.userId), eq(s3Uploads.path, key), eq(s3Uploads.kind, 's3')));
  if (!u) throw noSuchUpload();
  return u;
}

/** CreateMultipartUpload. */
export async function createUpload(p: Principal, bucket: string, key: string, headers: Headers): Promise<string> {
  await writable(p, bucket);
  const path = normalizePath(key);
  const db = await getDb();
  // Uploads a client never finished or aborted: their parts go after a week.
  const stale = await db.select({ id: s3Uploads.id }).from(s3Uploads).where(and(eq(s3Uploads.userId, p.userId), eq(s3Uploads.kind, 's3'), lt(s3Uploads.createdAt, STALE_UPLOAD)));
  for (const old of stale) await dropUpload(old.id);
  const [u] = await db.insert(s3Uploads).values({ datasetId: bucket, userId: p.userId, path, contentType: cleanContentType(headers.get('content-type')) }).returning({ id: s3Uploads.id });
  return doc('InitiateMultipartUploadResult', el('Bucket', bucket) + el('Key', key) + el('UploadId', u.id));
}

/** UploadPart: stores the part (replacing one with the same number); returns its ETag. */
export async function uploadPart(p: Principal, bucket: string, key: string, q: URLSearchParams, headers: Headers, body: RequestBody, signal: AbortSignal): Promise<string> {
  await writable(p, bucket);
  const upload = await findUpload(p, bucket, key, q.get('uploadId') ?? '');
  const n = partNumberOf(q);
  const contentLength = payloadLength(p, headers);
  const { source, expectedSha256 } = payloadSource(p, body, contentLength, headers);
  return storePart(upload.id, n, source ?? (async function* () {})(), contentLength, expectedSha256, signal);
}

/** UploadPartCopy: a part copied from an object the key can read (x-amz-copy-source-range optional). */
export async function uploadPartCopy(p: Principal, bucket: string, key: string, q: URLSearchParams, headers: Headers, signal: AbortSignal): Promise<string> {
  await writable(p, bucket);
  const upload = await findUpload(p, bucket, key, q.get('uploadId') ?? '');
  const n = partNumberOf(q);
  const file = await openCopySource(p, headers);
  const rangeHeader = headers.get('x-amz-copy-source-range');
  const range = rangeHeader ? parseRange(rangeHeader, file.size) : ({ kind: 'full' } as const);
  if (rangeHeader && range.kind !== 'partial') throw new S3Error('InvalidRange', 416, 'x-amz-copy-source-range is not a satisfiable byte range.');
  const part = range.kind === 'partial' ? range.range : undefined;
  const stream = await file.open(part, signal);
  const etag = await storePart(upload.id, n, stream, part ? part.end - part.start + 1 : file.size, undefined, signal);
  return doc('CopyPartResult', el('LastModified', new Date().toISOString()) + el('ETag', etag));
}

function partNumberOf(q: URLSearchParams): number {
  const n = Number(q.get('partNumber'));
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTS) throw invalidArgument('partNumber must be an integer from 1 to 10000.');
  return n;
}

// Streams a part into the blob store and records it, replacing an earlier part of the same number.
async function storePart(uploadId: string, n: number, source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>, size: number | undefined, expectedSha256: string | undefined, signal: AbortSignal): Promise<string> {
  const blob = await storeUploadPart(uploadId, n, source, {
    maxBytes: config.maxUploadBytes,
    expectedSize: size,
    signal,
    gone: noSuchUpload,
    verify: (b) => {
      if (expectedSha256 && b.sha256 !== expectedSha256) throw new S3Error('XAmzContentSHA256Mismatch', 400, 'The content does not match its signed SHA-256.');
    },
  });
  return `"${blob.sha256}"`;
}

/** CompleteMultipartUpload: the listed parts, in ascending order, become the file. */
export async function completeUpload(p: Principal, bucket: string, key: string, q: URLSearchParams, xml: string, signal: AbortSignal): Promise<string> {
  await writable(p, bucket);
  const upload = await findUpload(p, bucket, key, q.get('uploadId') ?? '');
  const stored = new Map((await partsOf(upload.id)).map((part) => [part.partNumber, part]));
  const listed = blocks(xml, 'Part').map((b) => ({ n: Number(texts(b, 'PartNumber')[0]), etag: (texts(b, 'ETag')[0] ?? '').replace(/"/g, '') }));
  if (listed.length === 0) throw new S3Error('MalformedXML', 400, 'The request must list at least one part.');
  const chosen = listed.map(({ n, etag }, i) => {
    const part = stored.get(n);
    if (i > 0 && n <= listed[i - 1].n) throw new S3Error('InvalidPartOrder', 400, 'The parts must be listed in ascending order.');
    if (!part || (etag && etag !== part.sha256)) throw new S3Error('InvalidPart', 400, `Part ${n} was not uploaded, or its ETag does not match.`);
    return part;
  });
  const size = chosen.reduce((sum, part) => sum + part.size, 0);
  const result = await uploadFile(p.userId, bucket, key, concatenatedParts(chosen), { contentLength: size, contentType: upload.contentType, signal, ...viaKey(p) });
  await dropUpload(upload.id);
  return doc('CompleteMultipartUploadResult', el('Bucket', bucket) + el('Key', key) + el('ETag', `"${result.sha256}"`));
}

/** AbortMultipartUpload: the parts go. */
export async function abortUpload(p: Principal, bucket: string, key: string, q: URLSearchParams): Promise<void> {
  await bucketAccess(p, bucket);
  const upload = await findUpload(p, bucket, key, q.get('uploadId') ?? '');
  await dropUpload(upload.id);
}

/** ListParts. */
export async function listParts(p: Principal, bucket: string, key: string, q: URLSearchParams): Promise<string> {
  await bucketAccess(p, bucket);
  const upload = await findUpload(p, bucket, key, q.get('uploadId') ?? '');
  const parts = (await partsOf(upload.id))
    .map((part) => `<Part>${el('PartNumber', part.partNumber)}${el('LastModified', part.createdAt.toISOString())}${el('ETag', `"${part.sha256}"`)}${el('Size', part.size)}</Part>`)
    .join('');
  return doc('ListPartsResult', el('Bucket', bucket) + el('Key', key) + el('UploadId', upload.id) + el('IsTruncated', false) + parts);
}

/**
 * ListMultipartUploads: the key's user's unfinished uploads in this bucket (the ones this user can
 * continue, list the parts of, or abort), by key then upload id; prefix, delimiter "/", key-marker,
 * upload-id-marker and max-uploads as in S3.
 */
export async function listUploads(p: Principal, bucket: string, q: URLSearchParams): Promise<string> {
  await bucketAccess(p, bucket);
  await authorizeDataset(await getDb(), p.userId, bucket, 'dataset.view');
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  if (delimiter !== '' && delimiter !== '/') throw new S3Error('NotImplemented', 501, 'A delimiter other than "/" is not supported by Trove.');
  const keyMarker = q.get('key-marker') ?? '';
  const idMarker = keyMarker ? (q.get('upload-id-marker') ?? '') : '';
  const rawMax = q.get('max-uploads');
  if (rawMax !== null && !/^\d{1,9}$/.test(rawMax)) throw invalidArgument('max-uploads must be a non-negative integer.');
  const maxUploads = Math.min(rawMax === null ? 1000 : Number(rawMax), 1000);
  const db = await getDb();
  const rows = await db
    .select({ id: s3Uploads.id, path: s3Uploads.path, createdAt: s3Uploads.createdAt })
    .from(s3Uploads)
    .where(and(eq(s3Uploads.datasetId, bucket), eq(s3Uploads.userId, p.userId), eq(s3Uploads.kind, 's3'), sql`starts_with(${s3Uploads.path}, ${prefix}::text)`))
    .orderBy(sql`${s3Uploads.path} collate "C"`, asc(s3Uploads.id))
    .limit(MAX_LISTED_UPLOADS);
  const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  const after = rows.filter((r) => !keyMarker || byteOrder(r.path, keyMarker) > 0 || (idMarker !== '' && r.path === keyMarker && r.id > idMarker));
  const uploads: string[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; id: string } | null = null;
  for (const r of after) {
    const cut = delimiter ? r.path.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? r.path.slice(0, cut + 1) : null;
    if (common && prefixes.at(-1) === common) continue;
    if (uploads.length + prefixes.length === maxUploads) {
      truncated = true;
      break;
    }
    if (common) {
      prefixes.push(common);
      last = { key: common, id: '' };
    } else {
      uploads.push(`<Upload>${el('Key', r.path)}${el('UploadId', r.id)}<Initiator>${el('ID', p.userId)}</Initiator><Owner>${el('ID', p.userId)}</Owner><StorageClass>STANDARD</StorageClass>${el('Initiated', r.createdAt.toISOString())}</Upload>`);
      last = { key: r.path, id: r.id };
    }
  }
  const paging = el('KeyMarker', keyMarker) + el('UploadIdMarker', idMarker) + (truncated && last ? el('NextKeyMarker', last.key) + el('NextUploadIdMarker', last.id) : '');
  const head = el('Bucket', bucket) + paging + el('Prefix', prefix) + (delimiter ? el('Delimiter', delimiter) : '') + el('MaxUploads', maxUploads) + el('IsTruncated', truncated);
  return doc('ListMultipartUploadsResult', head + uploads.join('') + prefixes.map((c) => `<CommonPrefixes>${el('Prefix', c)}</CommonPrefixes>`).join(''));
}
const MAX_LISTED_UPLOADS = 100_000;
