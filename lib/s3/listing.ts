import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { entries } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';

/** Object listings of a dataset for S3: files are objects, folders are "<path>/" (CommonPrefixes). */

export type ListedItem = { key: string; kind: 'object' | 'prefix'; size: number; updatedAt: Date; sha256: string | null };
export type ListOptions = { prefix: string; delimiter: string; after: string; maxKeys: number };
/** `next`: the key to continue after (the last one examined, which may be a skipped non-empty folder). */
export type Listing = { items: ListedItem[]; truncated: boolean; next: string | null };

// A folder's key is its path and a slash, so "a/" sorts with "a/…" as S3 clients expect; "C" = byte order.
const key = sql<string>`(case when ${entries.kind} = 'folder' then ${entries.path} || '/' else ${entries.path} end)`;

/**
 * With delimiter "/": the direct children of the folder the prefix points into (folders as
 * prefixes, empty ones included). Without: every file under the prefix, and empty folders as
 * "<path>/" markers so they survive a round trip. Keys after `after`, in byte order.
 *
 * Without a delimiter a page is one range scan of entries_s3_key_idx plus one lookup of which of its
 * folders have children; those folders are left out, so a page may hold fewer than maxKeys keys
 * (as S3 allows: clients follow the continuation token while the listing is truncated).
 */
export async function listObjects(userId: string, datasetId: string, opts: ListOptions): Promise<Listing> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  if (opts.maxKeys === 0) return { items: [], truncated: false, next: null };
  let where;
  if (opts.delimiter === '/') {
    const cut = opts.prefix.lastIndexOf('/');
    const folder = cut < 0 ? '' : opts.prefix.slice(0, cut);
    const namePrefix = opts.prefix.slice(cut + 1);
    where = and(eq(entries.datasetId, datasetId), eq(entries.parent, folder), sql`starts_with(${entries.name}, ${namePrefix}::text)`);
  } else {
    // The prefix as a lower bound the index can use too, and the prefix test for where the range ends.
    where = and(eq(entries.datasetId, datasetId), sql`${key} collate "C" >= ${opts.prefix}::text collate "C"`, sql`starts_with(${key}, ${opts.prefix}::text)`);
  }
  const rows = await db
    .select({ key, kind: entries.kind, path: entries.path, size: entries.size, updatedAt: entries.updatedAt, sha256: entries.sha256 })
    .from(entries)
    .where(and(where, sql`${key} collate "C" > ${opts.after}::text collate "C"`))
    .orderBy(sql`${key} collate "C"`)
    .limit(opts.maxKeys + 1);
  const page = rows.slice(0, opts.maxKeys);
  let nonEmpty = new Set<string>();
  if (opts.delimiter !== '/') {
    const folders = page.filter((r) => r.kind === 'folder').map((r) => r.path);
    if (folders.length > 0) {
      const parents = await db.selectDistinct({ parent: entries.parent }).from(entries).where(and(eq(entries.datasetId, datasetId), inArray(entries.parent, folders)));
      nonEmpty = new Set(parents.map((p) => p.parent));
    }
  }
  const items = page
    .filter((r) => !(r.kind === 'folder' && nonEmpty.has(r.path)))
    .map((r) => ({
      key: r.key,
      kind: r.kind === 'folder' && opts.delimiter === '/' ? ('prefix' as const) : ('object' as const),
      size: Number(r.size),
      updatedAt: r.updatedAt,
      sha256: r.sha256,
    }));
  const truncated = rows.length > opts.maxKeys;
  return { items, truncated, next: truncated ? (page.at(-1)?.key ?? null) : null };
}
