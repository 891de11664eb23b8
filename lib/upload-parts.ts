import 'server-only';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { s3UploadParts, s3Uploads } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { deleteBlobs, getBlobStore, type BlobSource, type StoredBlob } from '@/lib/storage';

/**
 * Uploads in parts, shared by the S3 endpoint's multipart upload (lib/s3/multipart.ts) and the
 * browser's resumable upload sessions (lib/upload-sessions.ts): each part is streamed into the blob
 * store as it arrives and recorded in s3_upload_parts; completing streams the parts, in order, through
 * lib/files.ts uploadFile (the one write path); aborting, or the storage sweep, drops them.
 */

export type StoredPart = typeof s3UploadParts.$inferSelect;

/** The parts stored so far, by part number. */
export async function partsOf(uploadId: string): Promise<StoredPart[]> {
  const db = await getDb();
  return db.select().from(s3UploadParts).where(eq(s3UploadParts.uploadId, uploadId)).orderBy(asc(s3UploadParts.partNumber));
}

export type StorePartOptions = {
  /** Refuse as soon as more bytes than this arrive (nothing kept). */
  maxBytes: number;
  /** Fewer or more bytes than this: nothing kept. */
  expectedSize?: number;
  signal?: AbortSignal;
  /** Checks the stored blob before it is recorded (e.g. a signed SHA-256); throw to refuse it (the blob is deleted). */
  verify?: (blob: StoredBlob) => void;
  /** The error when the upload was completed or aborted while the part was arriving. */
  gone?: () => Error;
};

// The part's row refers to an upload that no longer exists (PostgreSQL 23503, foreign key).
function isForeignKeyViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23503') return true;
  return false;
}

/** Streams a part into the blob store and records it, replacing an earlier part of the same number. */
export async function storePart(uploadId: string, n: number, source: BlobSource, options: StorePartOptions): Promise<StoredBlob> {
  const store = getBlobStore();
  const blob = await store.put(source, { maxBytes: options.maxBytes, expectedSize: options.expectedSize, signal: options.signal });
  const db = await getDb();
  let previous: string | undefined;
  try {
    options.verify?.(blob);
    const [earlier] = await db
      .select({ key: s3UploadParts.storageKey })
      .from(s3UploadParts)
      .where(and(eq(s3UploadParts.uploadId, uploadId), eq(s3UploadParts.partNumber, n)));
    previous = earlier?.key;
    await db.transaction(async (tx) => {
      await tx
        .insert(s3UploadParts)
        .values({ uploadId, partNumber: n, storageKey: blob.key, size: blob.size, sha256: blob.sha256 })
        .onConflictDoUpdate({ target: [s3UploadParts.uploadId, s3UploadParts.partNumber], set: { storageKey: blob.key, size: blob.size, sha256: blob.sha256 } });
      await tx.update(s3Uploads).set({ touchedAt: sql`now()` }).where(eq(s3Uploads.id, uploadId));
    });
  } catch (err) {
    // The upload may have been aborted (its row gone) while the part was arriving: nothing kept.
    await store.delete(blob.key).catch(() => {});
    if (isForeignKeyViolation(err)) throw options.gone?.() ?? new AppError('NOT_FOUND', 'This upload no longer exists: it was completed, cancelled or expired.');
    throw err;
  }
  if (previous && previous !== blob.key) await deleteBlobs([previous]);
  return blob;
}

/** The parts' bytes, one after the other, read as the consumer pulls. */
export async function* concatenatedParts(parts: Pick<StoredPart, 'storageKey'>[]): AsyncGenerator<Uint8Array> {
  const store = getBlobStore();
  for (const part of parts) yield* store.createReadStream(part.storageKey);
}

/** Drops an upload: its row, its parts' rows, then their blobs. */
export async function dropUpload(uploadId: string): Promise<void> {
  const db = await getDb();
  const gone = await db.delete(s3UploadParts).where(eq(s3UploadParts.uploadId, uploadId)).returning({ key: s3UploadParts.storageKey });
  await db.delete(s3Uploads).where(eq(s3Uploads.id, uploadId));
  await deleteBlobs(gone.map((g) => g.key));
}

/** How long an unfinished upload is kept: S3 multipart uploads a week after they began, browser sessions a day after their last part. */
export const STALE_S3_UPLOAD_DAYS = 7;
export const STALE_BROWSER_SESSION_HOURS = 24;

/** Drops unfinished uploads past their time (the storage sweep calls this); returns how many went. */
export async function dropStaleUploads(): Promise<number> {
  const db = await getDb();
  const stale = await db
    .select({ id: s3Uploads.id })
    .from(s3Uploads)
    .where(
      or(
        and(eq(s3Uploads.kind, 's3'), lt(s3Uploads.createdAt, sql`now() - make_interval(days => ${STALE_S3_UPLOAD_DAYS}::int)`)),
        and(eq(s3Uploads.kind, 'browser'), lt(s3Uploads.touchedAt, sql`now() - make_interval(hours => ${STALE_BROWSER_SESSION_HOURS}::int)`)),
      ),
    );
  for (const u of stale) await dropUpload(u.id);
  return stale.length;
}

/**
 * Claims an upload for Complete: true for the one caller that set completing_at (a second Complete, or
 * a part arriving meanwhile, is refused). A claim older than an hour is taken to be a crashed Complete.
 */
export async function claimForComplete(uploadId: string): Promise<boolean> {
  const db = await getDb();
  const claimed = await db
    .update(s3Uploads)
    .set({ completingAt: sql`now()` })
    .where(and(eq(s3Uploads.id, uploadId), or(isNull(s3Uploads.completingAt), lt(s3Uploads.completingAt, sql`now() - interval '1 hour'`))))
    .returning({ id: s3Uploads.id });
  return claimed.length === 1;
}

/** Gives a claim back after a Complete that failed, so the client can try again. */
export async function releaseClaim(uploadId: string): Promise<void> {
  const db = await getDb();
  await db.update(s3Uploads).set({ completingAt: null }).where(eq(s3Uploads.id, uploadId));
}
