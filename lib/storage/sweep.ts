import 'server-only';
import { getDb } from '@/db/client';
import { referencedBlobKeys } from '@/lib/blob-refs';
import { getBlobStore } from './index';
import { LocalBlobStore } from './local-blob-store';

/**
 * A blob younger than this may belong to an upload between its rename and its commit: never an orphan.
 * (An upload commits within seconds of its rename; an hour is a wide margin.)
 */
export const ORPHAN_GRACE_MS = 3600 * 1000;
const BATCH = 500;

export type SweepResult = { tempBytes: number; orphans: number; orphanBytes: number };

/**
 * Reclaims disk that crashes left behind: temp files of dead processes, and blobs that no entry
 * references (a crash between the rename into place and the commit). Safe with several instances
 * sharing DATA_DIR and the database: each delete is of something nobody references or writes.
 */
export async function sweepStorage(opts: { graceMs?: number } = {}): Promise<SweepResult> {
  const store = getBlobStore();
  const result: SweepResult = { tempBytes: 0, orphans: 0, orphanBytes: 0 };
  if (!(store instanceof LocalBlobStore)) return result;
  result.tempBytes = await store.sweepTemp();
  const cutoff = Date.now() - (opts.graceMs ?? ORPHAN_GRACE_MS);
  const db = await getDb();
  let batch: { key: string; size: number }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // Files, earlier versions, the Trash and multipart parts all count (lib/blob-refs.ts).
    const referenced = await referencedBlobKeys(db, batch.map((b) => b.key));
    for (const b of batch) {
      if (referenced.has(b.key)) continue;
      await store.delete(b.key);
      result.orphans++;
      result.orphanBytes += b.size;
    }
    batch = [];
  };
  for await (const blob of store.listBlobs()) {
    if (blob.mtimeMs >= cutoff) continue;
    batch.push(blob);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  if (result.tempBytes || result.orphans) {
    console.log(`Trove: storage sweep freed ${result.tempBytes} bytes of temp files and ${result.orphans} orphan blobs (${result.orphanBytes} bytes).`);
  }
  return result;
}
