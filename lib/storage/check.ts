import 'server-only';
import { inArray } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { missingBlobs } from '@/db/schema';
import { getBlobStore } from './index';
import { allReferencedBlobKeys, referencedBlobKeys } from './references';

/** Orphans younger than this are left alone by --repair (an upload between storing and committing, a deletion in progress). */
export const REPAIR_ORPHAN_AGE_MS = 24 * 3600 * 1000;

export type StorageCheck = {
  driver: string;
  blobs: number;
  /** Stored blobs no row references. */
  orphans: { count: number; bytes: number; older: number; olderBytes: number; sample: string[] };
  /** Referenced keys with no blob, by table (a key named by two tables counts in each). */
  missing: { count: number; byTable: Record<string, number>; sample: { table: string; key: string }[] };
  /** What --repair did. */
  repaired?: { orphansDeleted: number; bytesFreed: number; marked: number; cleared: number };
};

/**
 * `trove storage check`: compares storage with the database on either driver. Blobs with no row are
 * orphans (a crash between storing and committing); rows whose blob is gone are missing. With
 * `repair`, orphans older than a day are deleted (re-checked against the database just before), missing
 * blobs are marked in missing_blobs (a file naming one answers 404 at once), and marks whose blob is
 * back, or that no row names any more, are cleared.
 */
export async function checkStorage(opts: { repair?: boolean; orphanAgeMs?: number } = {}): Promise<StorageCheck> {
  const store = getBlobStore();
  const db = await getDb();
  const cutoff = Date.now() - (opts.orphanAgeMs ?? REPAIR_ORPHAN_AGE_MS);
  const stored = new Map<string, { size: number; mtimeMs: number }>();
  for await (const b of store.list()) stored.set(b.key, { size: b.size, mtimeMs: b.mtimeMs });

  const result: StorageCheck = {
    driver: store.constructor.name === 'S3BlobStore' ? 's3' : 'local',
    blobs: stored.size,
    orphans: { count: 0, bytes: 0, older: 0, olderBytes: 0, sample: [] },
    missing: { count: 0, byTable: {}, sample: [] },
  };
  const referenced = new Set<string>();
  const missingKeys = new Set<string>();
  for await (const { table, key } of allReferencedBlobKeys(db)) {
    referenced.add(key);
    if (stored.has(key)) continue;
    result.missing.count++;
    result.missing.byTable[table] = (result.missing.byTable[table] ?? 0) + 1;
    if (result.missing.sample.length < 10) result.missing.sample.push({ table, key });
    missingKeys.add(key);
  }
  const oldOrphans: { key: string; size: number }[] = [];
  for (const [key, b] of stored) {
    if (referenced.has(key)) continue;
    result.orphans.count++;
    result.orphans.bytes += b.size;
    if (result.orphans.sample.length < 10) result.orphans.sample.push(key);
    if (b.mtimeMs < cutoff) {
      result.orphans.older++;
      result.orphans.olderBytes += b.size;
      oldOrphans.push({ key, size: b.size });
    }
  }
  if (!opts.repair) return result;

  const repaired = { orphansDeleted: 0, bytesFreed: 0, marked: 0, cleared: 0 };
  for (let i = 0; i < oldOrphans.length; i += 500) {
    const batch = oldOrphans.slice(i, i + 500);
    // Re-checked now: a row may have named one since the listing.
    const inUse = await referencedBlobKeys(db, batch.map((b) => b.key));
    const doomed = batch.filter((b) => !inUse.has(b.key));
    await store.deleteMany(doomed.map((b) => b.key));
    repaired.orphansDeleted += doomed.length;
    repaired.bytesFreed += doomed.reduce((n, b) => n + b.size, 0);
  }
  const missing = [...missingKeys];
  for (let i = 0; i < missing.length; i += 500) {
    const marked = await db
      .insert(missingBlobs)
      .values(missing.slice(i, i + 500).map((key) => ({ key })))
      .onConflictDoNothing()
      .returning({ key: missingBlobs.key });
    repaired.marked += marked.length;
  }
  // Marks whose blob is back (restored from a backup), or that no row names any more.
  const stale = (await db.select({ key: missingBlobs.key }).from(missingBlobs)).map((m) => m.key).filter((k) => !missingKeys.has(k));
  for (let i = 0; i < stale.length; i += 500) {
    await db.delete(missingBlobs).where(inArray(missingBlobs.key, stale.slice(i, i + 500)));
  }
  repaired.cleared = stale.length;
  result.repaired = repaired;
  return result;
}
