import 'server-only';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { referencedBlobKeys, tablesWithStorageKeys } from '@/lib/blob-refs';

/**
 * What `trove storage check` and the deletion queue need beyond lib/blob-refs.ts, which stays THE
 * answer to "which blob keys are in use" (every table with a `storage_key` column).
 */
export { referencedBlobKeys };

/** Every referenced key with the table that names it, a page at a time (for `storage check`). */
export async function* allReferencedBlobKeys(db: Db, pageSize = 5000): AsyncIterable<{ table: string; key: string }> {
  for (const table of (await tablesWithStorageKeys(db)).sort()) {
    let after = '';
    for (;;) {
      const rows = rowsOf<{ k: string }>(
        await db.execute(sql`select distinct storage_key as k from ${sql.identifier(table)} where storage_key > ${after} order by 1 limit ${pageSize}`),
      );
      for (const r of rows) yield { table, key: r.k };
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1].k;
    }
  }
}

// postgres.js answers an array of rows, PGlite an object with rows.
export function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}
