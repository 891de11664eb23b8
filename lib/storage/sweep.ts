import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
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
  const tables = await tablesWithStorageKeys(db);
  // Should the schema ever lose its storage_key columns, reclaim nothing rather than everything.
  if (tables.length === 0) return result;
  let batch: { key: string; size: number }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const referenced = await referencedKeys(db, tables, batch.map((b) => b.key));
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

/**
 * Every table with a storage_key column (file entries today; versions and trash when they come): a blob
 * is in use if any of them names it. Found in the catalog, so a new table cannot be forgotten here.
 */
async function tablesWithStorageKeys(db: Db): Promise<string[]> {
  const rows = rowsOf<{ table_name: string }>(
    await db.execute(sql`select table_name from information_schema.columns where column_name = 'storage_key' and table_schema = current_schema()`),
  );
  return rows.map((r) => r.table_name);
}

async function referencedKeys(db: Db, tables: string[], keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const list = sql.join(keys.map((k) => sql`${k}`), sql`, `);
  for (const t of tables) {
    const rows = rowsOf<{ k: string }>(await db.execute(sql`select storage_key as k from ${sql.identifier(t)} where storage_key in (${list})`));
    for (const r of rows) found.add(r.k);
  }
  return found;
}

// postgres.js answers an array of rows, PGlite an object with rows.
function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}
