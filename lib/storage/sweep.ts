import 'server-only';
import { getDb } from '@/db/client';
import { referencedBlobKeys } from '@/lib/blob-refs';
import { dropStaleUploads } from '@/lib/upload-parts';
import { getBlobStore, type BlobStore } from './index';
import { LocalBlobStore } from './local-blob-store';

/**
 * A blob younger than this may belong to an upload between its store and its commit: never an orphan.
 * (An upload commits within seconds of its store; an hour is a wide margin.)
 */
export const ORPHAN_GRACE_MS = 3600 * 1000;
const BATCH = 500;

export type SweepResult = { tempBytes: number; orphans: number; orphanBytes: number; abortedUploads: number; staleUploads: number };

/**
 * Reclaims storage that crashes left behind: temp files of dead processes (local driver), and blobs
 * that no row references (a crash between storing and committing), on either driver. Safe with
 * several instances sharing storage and the database: each delete is of something nobody references
 * or writes.
 */
export async function sweepStorage(opts: { graceMs?: number } = {}): Promise<SweepResult> {
  const store = getBlobStore();
  const result: SweepResult = { tempBytes: 0, orphans: 0, orphanBytes: 0, abortedUploads: 0, staleUploads: 0 };
  // Unfinished uploads in parts (S3 multipart after a week, browser sessions idle for a day): rows and parts go.
  result.staleUploads = await dropStaleUploads();
  if (store instanceof LocalBlobStore) result.tempBytes = await store.sweepTemp();
  // The object store's counterpart of temp files: multipart uploads an instance never finished or aborted.
  result.abortedUploads = (await (store as BlobStore).abortStaleUploads?.(opts.graceMs ?? ORPHAN_GRACE_MS)) ?? 0;
  const cutoff = Date.now() - (opts.graceMs ?? ORPHAN_GRACE_MS);
  const db = await getDb();
  let batch: { key: string; size: number }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // Files, earlier versions, the Trash and multipart parts all count (lib/blob-refs.ts).
    const referenced = await referencedBlobKeys(db, batch.map((b) => b.key));
    const orphans = batch.filter((b) => !referenced.has(b.key));
    await store.deleteMany(orphans.map((b) => b.key));
    result.orphans += orphans.length;
    result.orphanBytes += orphans.reduce((n, b) => n + b.size, 0);
    batch = [];
  };
  for await (const blob of store.list()) {
    if (blob.mtimeMs >= cutoff) continue;
    batch.push(blob);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (result.tempBytes || result.orphans || result.abortedUploads || result.staleUploads) {
    console.log(`Trove: storage sweep freed ${result.tempBytes} bytes of temp files, ${result.staleUploads} stale uploads in parts, ${result.abortedUploads} unfinished object-store multipart uploads and ${result.orphans} orphan blobs (${result.orphanBytes} bytes).`);
  }
  return result;
}
