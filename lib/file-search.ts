import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { entries } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import type { EntryItem } from '@/lib/files';

export const SEARCH_LIMIT = 500;

/** Searches a whole dataset by path (case-insensitive "contains", indexed), folders first; `truncated` past SEARCH_LIMIT. */
export async function searchFiles(userId: string, datasetId: string, rawQuery: string): Promise<{ query: string; entries: EntryItem[]; truncated: boolean }> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  const query = rawQuery.trim().slice(0, 200);
  // Stored paths never hold control characters (and NUL would upset PostgreSQL): such a query matches nothing.
  if (!query || /[\u0000-\u001f\u007f]/.test(query)) return { query, entries: [], truncated: false };
  const rows = await db
    .select({ name: entries.name, path: entries.path, kind: entries.kind, size: entries.size, updatedAt: entries.updatedAt })
    .from(entries)
    // ILIKE with the wildcards escaped is "contains, case-insensitive", and the trigram index
    // (entries_path_trgm_idx, pg_trgm) serves it for queries of 3 characters or more.
    .where(and(eq(entries.datasetId, datasetId), sql`${entries.path} ilike ${`%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`))
    .orderBy(sql`${entries.kind} <> 'folder'`, asc(entries.path))
    .limit(SEARCH_LIMIT + 1);
  return { query, entries: rows.slice(0, SEARCH_LIMIT).map((r) => ({ ...r, items: null })), truncated: rows.length > SEARCH_LIMIT };
}
