import 'server-only';
import { and, count, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { s3Uploads } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { refuseUploadConflicts, uploadFile, type UploadResult } from '@/lib/files';
import { normalizePath } from '@/lib/paths';
import { tooLargeMessage, type BlobSource } from '@/lib/storage';
import { claimForComplete, concatenatedParts, dropUpload, partsOf, releaseClaim, storePart } from '@/lib/upload-parts';
import { partCount, partSize, UPLOAD_PART_BYTES } from '@/lib/upload-sizes';

/**
 * Resumable browser uploads: a session declares a file (path, size), its parts arrive one PUT each
 * (UPLOAD_PART_BYTES, the last one shorter) and may be sent again; the client asks which parts the
 * server has, so after a dropped connection it sends only the missing ones; Complete streams the
 * parts in order through uploadFile (versions, activity, hash as for any upload). The parts are kept
 * by lib/upload-parts.ts, the S3 endpoint's multipart machinery (sessions are its kind 'browser').
 * The user's role is checked on every call; a session is its creator's only (anyone else: 404).
 */

export type SessionInfo = { id: string; path: string; size: number; partSize: number; parts: number; received: { partNumber: number; size: number }[] };

/** Unfinished sessions one user may hold in one dataset (each may keep up to a file's worth of parts). */
export const MAX_OPEN_SESSIONS = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = /^[0-9a-f-]{8,64}$/i;
const gone = () => new AppError('NOT_FOUND', 'This upload no longer exists: it was completed, cancelled or expired. Upload the file again.');

export type CreateSession = { path?: unknown; size?: unknown; contentType?: unknown; batch?: unknown };

/** Starts a session for a file of `size` bytes at `path`; refuses what the upload would refuse, before any byte is sent. */
export async function createSession(userId: string, datasetId: string, input: CreateSession): Promise<SessionInfo> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'files.write');
  if (typeof input.path !== 'string') throw new AppError('INVALID', 'Give the file’s path.', 'path');
  const path = normalizePath(input.path);
  const size = input.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) throw new AppError('INVALID', 'The file size must be a whole number of bytes, at least 1.', 'size');
  if (size > config.maxUploadBytes) throw new AppError('TOO_LARGE', tooLargeMessage(config.maxUploadBytes));
  const contentType = typeof input.contentType === 'string' && /^[\w.+-]+\/[\w.+-]+$/.test(input.contentType) && input.contentType.length <= 200 ? input.contentType : null;
  if (input.batch !== undefined && input.batch !== null && (typeof input.batch !== 'string' || !BATCH.test(input.batch))) throw new AppError('INVALID', 'The batch id is not valid.', 'batch');
  await refuseUploadConflicts(db, datasetId, path);
  const [open] = await db.select({ n: count() }).from(s3Uploads).where(and(eq(s3Uploads.userId, userId), eq(s3Uploads.datasetId, datasetId), eq(s3Uploads.kind, 'browser')));
  if (Number(open?.n ?? 0) >= MAX_OPEN_SESSIONS) throw new AppError('RATE_LIMITED', `You have ${MAX_OPEN_SESSIONS} unfinished uploads in this dataset. Let them finish or cancel some first.`);
  const [row] = await db
    .insert(s3Uploads)
    .values({ datasetId, userId, path, contentType, kind: 'browser', size, batch: (input.batch as string | undefined) ?? null })
    .returning({ id: s3Uploads.id });
  return { id: row.id, path, size, partSize: UPLOAD_PART_BYTES, parts: partCount(size), received: [] };
}

// The caller's own session in this dataset, or NOT_FOUND (also for a malformed id).
async function findSession(userId: string, datasetId: string, uploadId: string) {
  if (!UUID.test(uploadId)) throw gone();
  const db = await getDb();
  const [s] = await db
    .select()
    .from(s3Uploads)
    .where(and(eq(s3Uploads.id, uploadId), eq(s3Uploads.datasetId, datasetId), eq(s3Uploads.userId, userId), eq(s3Uploads.kind, 'browser')));
  if (!s || s.size === null) throw gone();
  return { ...s, size: s.size };
}

/** The session and the parts the server has (to resume: send the others). */
export async function getSession(userId: string, datasetId: string, uploadId: string): Promise<SessionInfo> {
  await authorizeDataset(await getDb(), userId, datasetId, 'files.write');
  const s = await findSession(userId, datasetId, uploadId);
  const received = (await partsOf(s.id)).map((p) => ({ partNumber: p.partNumber, size: p.size }));
  return { id: s.id, path: s.path, size: s.size, partSize: UPLOAD_PART_BYTES, parts: partCount(s.size), received };
}

/** Parses a part number from a URL segment: 1 … the session's part count, else INVALID. */
function partNumberOf(raw: string, parts: number): number {
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > parts) {
    throw new AppError('INVALID', `The part number must be a whole number from 1 to ${parts}.`, 'partNumber');
  }
  return Number(raw);
}

/**
 * Stores part `rawN` (streamed to the blob store, never held whole), replacing an earlier copy of it.
 * Exactly its size must arrive (the last part is the remainder): more is refused as it arrives, fewer
 * when the body ends; either way nothing is kept.
 */
export async function putPart(userId: string, datasetId: string, uploadId: string, rawN: string, body: BlobSource | null, opts: { contentLength?: number; signal?: AbortSignal } = {}) {
  await authorizeDataset(await getDb(), userId, datasetId, 'files.write');
  const s = await findSession(userId, datasetId, uploadId);
  if (s.completingAt) throw new AppError('CONFLICT', 'This upload is being completed; its parts can no longer change.');
  const n = partNumberOf(rawN, partCount(s.size));
  const expected = partSize(s.size, n);
  if (opts.contentLength !== undefined && opts.contentLength !== expected) {
    throw new AppError('INVALID', `Part ${n} must be exactly ${expected} bytes; the request announced ${opts.contentLength}.`, 'partNumber');
  }
  if (!body) throw new AppError('INVALID', `Part ${n} has no body; it must be ${expected} bytes.`);
  const blob = await storePart(s.id, n, body, { maxBytes: expected, expectedSize: expected, signal: opts.signal, gone }).catch((err) => {
    // A part longer than its slot is refused as it arrives: say so in terms of the part, not the file limit.
    if (err instanceof AppError && err.code === 'TOO_LARGE') throw new AppError('INVALID', `Part ${n} must be exactly ${expected} bytes; more arrived.`, 'partNumber');
    throw err;
  });
  return { partNumber: n, size: blob.size, sha256: blob.sha256 };
}

/** Streams every part, in order, through uploadFile (one write path), then drops the session. */
export async function completeSession(userId: string, datasetId: string, uploadId: string, opts: { signal?: AbortSignal } = {}): Promise<UploadResult> {
  await authorizeDataset(await getDb(), userId, datasetId, 'files.write');
  const s = await findSession(userId, datasetId, uploadId);
  const parts = await partsOf(s.id);
  const total = partCount(s.size);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((n) => parts[n - 1]?.partNumber !== n || parts[n - 1].size !== partSize(s.size, n));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? ', …' : '');
    throw new AppError('CONFLICT', `The upload is missing ${missing.length} of its ${total} parts (${shown}). Send them, then complete.`);
  }
  if (!(await claimForComplete(s.id))) throw new AppError('CONFLICT', 'This upload is already being completed.');
  let result: UploadResult;
  try {
    result = await uploadFile(userId, datasetId, s.path, concatenatedParts(parts), { contentLength: s.size, contentType: s.contentType, batch: s.batch ?? undefined, signal: opts.signal });
  } catch (err) {
    await releaseClaim(s.id).catch(() => {});
    throw err;
  }
  await dropUpload(s.id);
  return result;
}

/** Cancels a session: its parts go. Allowed to anyone who can still see the dataset (a demoted user may clean up). */
export async function abortSession(userId: string, datasetId: string, uploadId: string): Promise<void> {
  await authorizeDataset(await getDb(), userId, datasetId, 'dataset.view');
  const s = await findSession(userId, datasetId, uploadId);
  if (s.completingAt) throw new AppError('CONFLICT', 'This upload is being completed and can no longer be cancelled.');
  await dropUpload(s.id);
}
