import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { deleteBlobs } from '@/lib/storage';

/**
 * THE answer to "which blob keys are still in use": a key is referenced while any row names it in a
 * `storage_key` column — a file (entries), an earlier version (file_versions), a file in the Trash
 * (trashed_entries), a multipart part (s3_upload_parts), or any table added later. The tables are
 * found in the catalog, so a new one cannot be forgotten. The storage sweep, version pruning and
 * emptying the Trash all ask this before deleting bytes.
 */
export async function referencedBlobKeys(db: Db | Tx, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (keys.length === 0) return found;
  const tables = await tablesWithStorageKeys(db);
  // Should the schema ever lose its storage_key columns, call everything referenced rather than nothing.
  if (tables.length === 0) return new Set(keys);
  const list = sql.join(keys.map((k) => sql`${k}`), sql`, `);
  for (const t of tables) {
    const rows = rowsOf<{ k: string }>(await db.execute(sql`select storage_key as k from ${sql.identifier(t)} where storage_key in (${list})`));
    for (const r of rows) found.add(r.k);
  }
  return found;
}

/** Every table with a storage_key column. */
export async function tablesWithStorageKeys(db: Db | Tx): Promise<string[]> {
  const rows = rowsOf<{ table_name: string }>(
    await db.execute(sql`select table_name from information_schema.columns where column_name = 'storage_key' and table_schema = current_schema()`),
  );
  return rows.map((r) => r.table_name);
}

/** Deletes those of `keys` that no row references (call after the transaction that dropped the rows commits). */
export async function deleteUnreferencedBlobs(db: Db, keys: string[]): Promise<number> {
  const unique = [...new Set(keys)];
  let deleted = 0;
  for (let i = 0; i < unique.length; i += 500) {
    const batch = unique.slice(i, i + 500);
    const inUse = await referencedBlobKeys(db, batch);
    const gone = batch.filter((k) => !inUse.has(k));
    await deleteBlobs(gone);
    deleted += gone.length;
  }
  return deleted;
}

// postgres.js answers an array of rows, PGlite an object with rows.
function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}
