import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { entries } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';

/** Object listings of a dataset for S3: files are objects, folders are "<path>/" (CommonPrefixes). */

export type ListedItem = { key: string; kind: 'object' | 'prefix'; size: number; updatedAt: Date; sha256: string | null };
export type ListOptions = { prefix: string; delimiter: string; after: string; maxKeys: number };
export type Listing = { items: ListedItem[]; truncated: boolean };

// A folder's key is its path and a slash, so "a/" sorts with "a/…" as S3 clients expect; "C" = byte order.
const key = sql<string>`(case when ${entries.kind} = 'folder' then ${entries.path} || '/' else ${entries.path} end)`;

/**
 * With delimiter "/": the direct children of the folder the prefix points into (folders as
 * prefixes, empty ones included). Without: every file under the prefix, and empty folders as
 * "<path>/" markers so they survive a round trip. Keys after `after`, in byte order.
 */
export async function listObjects(userId: string, datasetId: string, opts: ListOptions): Promise<Listing> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  if (opts.maxKeys === 0) return { items: [], truncated: false };
  let where;
  if (opts.delimiter === '/') {
    const cut = opts.prefix.lastIndexOf('/');
    const folder = cut < 0 ? '' : opts.prefix.slice(0, cut);
    const namePrefix = opts.prefix.slice(cut + 1);
    where = and(eq(entries.datasetId, datasetId), eq(entries.parent, folder), sql`starts_with(${entries.name}, ${namePrefix}::text)`);
  } else {
    // Spelled out: inside the subquery an unqualified column would bind to c.
    const empty = sql`not exists (select 1 from entries c where c.dataset_id = "entries"."dataset_id" and c.parent = "entries"."path")`;
    where = and(eq(entries.datasetId, datasetId), sql`starts_with(${key}, ${opts.prefix}::text)`, sql`(${entries.kind} = 'file' or ${empty})`);
  }
  const rows = await db
    .select({ key, kind: entries.kind, size: entries.size, updatedAt: entries.updatedAt, sha256: entries.sha256 })
    .from(entries)
    .where(and(where, sql`${key} collate "C" > ${opts.after}::text collate "C"`))
    .orderBy(sql`${key} collate "C"`)
    .limit(opts.maxKeys + 1);
  const items = rows.slice(0, opts.maxKeys).map((r) => ({
    key: r.key,
    kind: r.kind === 'folder' && opts.delimiter === '/' ? ('prefix' as const) : ('object' as const),
    size: Number(r.size),
    updatedAt: r.updatedAt,
    sha256: r.sha256,
  }));
  return { items, truncated: rows.length > opts.maxKeys };
}
