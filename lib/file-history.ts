import 'server-only';
import { and, desc, eq, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { entries, fileVersions, trashedEntries, users } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { deleteUnreferencedBlobs } from '@/lib/blob-refs';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { ensureFolders, write, type Download } from '@/lib/files';
import { ancestorsOf, baseName, normalizePath } from '@/lib/paths';
import { getBlobStore } from '@/lib/storage';

/**
 * A file's earlier versions and a dataset's Trash. An overwrite (lib/files.ts uploadFile) keeps the
 * replaced bytes as a version; a delete (deleteEntry) moves entries to the Trash. Viewers list and
 * download versions; managers and the owner restore versions, restore from the Trash and empty it.
 * Bytes are destroyed only by emptying the Trash and by the background sweep (pruneHistory), and then
 * only blobs no row references (lib/blob-refs.ts).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const versionNotFound = () => new AppError('NOT_FOUND', 'That version no longer exists.');

export type VersionItem = {
  /** null for the file's current content. */
  id: string | null;
  size: number;
  savedAt: Date;
  savedBy: string | null;
  /** When it stopped being the current content (null for the current one). */
  replacedAt: Date | null;
};
export type FileVersions = { path: string; name: string; versions: VersionItem[] };

/** The file's current content, then its earlier versions, newest first; NOT_FOUND for a missing file or a folder. */
export async function listVersions(userId: string, datasetId: string, rawPath: string): Promise<FileVersions> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  const path = normalizePath(rawPath);
  const [file] = await db
    .select({ id: entries.id, name: entries.name, kind: entries.kind, size: entries.size, updatedAt: entries.updatedAt, by: sql<string | null>`coalesce(${users.name}, (select name from users u where u.id = ${entries.createdBy}))` })
    .from(entries)
    .leftJoin(users, eq(users.id, entries.updatedBy))
    .where(and(eq(entries.datasetId, datasetId), eq(entries.path, path)));
  if (!file || file.kind !== 'file') throw new AppError('NOT_FOUND', 'File not found.');
  const older = await db
    .select({ id: fileVersions.id, size: fileVersions.size, savedAt: fileVersions.savedAt, replacedAt: fileVersions.replacedAt, savedBy: users.name })
    .from(fileVersions)
    .leftJoin(users, eq(users.id, fileVersions.savedBy))
    .where(and(eq(fileVersions.datasetId, datasetId), eq(fileVersions.entryId, file.id)))
    .orderBy(desc(fileVersions.replacedAt), desc(fileVersions.id));
  return {
    path,
    name: file.name,
    versions: [{ id: null, size: file.size, savedAt: file.updatedAt, savedBy: file.by, replacedAt: null }, ...older],
  };
}

/** An earlier version of a file that is in the dataset (not in the Trash) to download; NOT_FOUND otherwise. */
export async function openVersionDownload(userId: string, datasetId: string, versionId: string): Promise<Download> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  if (!UUID.test(versionId)) throw versionNotFound();
  const [row] = await db
    .select({ name: entries.name, path: entries.path, size: fileVersions.size, contentType: fileVersions.contentType, sha256: fileVersions.sha256, updatedAt: fileVersions.savedAt, storageKey: fileVersions.storageKey })
    .from(fileVersions)
    .innerJoin(entries, and(eq(entries.id, fileVersions.entryId), eq(entries.datasetId, datasetId)))
    .where(and(eq(fileVersions.id, versionId), eq(fileVersions.datasetId, datasetId)));
  if (!row) throw versionNotFound();
  const { storageKey, ...meta } = row;
  const store = getBlobStore();
  const missing = () => {
    console.error(`Trove: the stored bytes of a version of "${row.path}" in dataset ${datasetId} are missing (blob ${storageKey}).`);
    return new AppError('NOT_FOUND', 'The stored bytes of this version are missing.');
  };
  if (!(await store.stat(storageKey))) throw missing();
  return {
    ...meta,
    storageKey,
    open: async (range, signal) => {
      const stream = await store.openRead(storageKey, range, signal);
      if (!stream) throw missing();
      return stream;
    },
  };
}

/** Managers and the owner: an earlier version becomes the file's content; the content it replaces is kept as a version. */
export async function restoreVersion(userId: string, datasetId: string, versionId: string): Promise<{ path: string }> {
  if (!UUID.test(versionId)) {
    await authorizeDataset(await getDb(), userId, datasetId, 'files.manage');
    throw versionNotFound();
  }
  const result = await write(datasetId, userId, 'files.manage', async (tx) => {
    const [version] = await tx
      .select()
      .from(fileVersions)
      .where(and(eq(fileVersions.id, versionId), eq(fileVersions.datasetId, datasetId)))
      .for('update');
    if (!version) throw versionNotFound();
    const [current] = await tx.select().from(entries).where(and(eq(entries.id, version.entryId), eq(entries.datasetId, datasetId))).for('update');
    if (!current || current.kind !== 'file' || !current.storageKey) throw new AppError('NOT_FOUND', 'That file is no longer in the dataset (it may be in the Trash).');
    await tx.insert(fileVersions).values({
      datasetId,
      entryId: current.id,
      size: current.size,
      sha256: current.sha256,
      storageKey: current.storageKey,
      contentType: current.contentType,
      savedBy: current.updatedBy ?? current.createdBy,
      savedAt: current.updatedAt,
    });
    await tx
      .update(entries)
      .set({ size: version.size, sha256: version.sha256, storageKey: version.storageKey, contentType: version.contentType, updatedBy: userId, updatedAt: sql`now()` })
      .where(eq(entries.id, current.id));
    await tx.delete(fileVersions).where(eq(fileVersions.id, version.id));
    await logActivity(tx, userId, { datasetId }, 'file.version_restored', { path: current.path, savedAt: version.savedAt.toISOString(), size: version.size });
    return { path: current.path, entryId: current.id };
  });
  await pruneVersionsOf(result.entryId).catch((err) => console.error('Trove: could not prune versions:', err));
  return { path: result.path };
}

// ——— Trash ———

export type TrashItem = { id: string; path: string; name: string; kind: 'file' | 'folder'; files: number; size: number; deletedAt: Date; deletedBy: string | null };

/** Managers and the owner: the dataset's Trash, most recently deleted first (one item per deletion). */
export async function listTrash(userId: string, datasetId: string): Promise<TrashItem[]> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'files.manage');
  const totals = db
    .select({
      trashId: trashedEntries.trashId,
      files: sql<number>`count(*) filter (where ${trashedEntries.kind} = 'file')::int`.as('item_files'),
      size: sql<string>`coalesce(sum(${trashedEntries.size}) filter (where ${trashedEntries.kind} = 'file'), 0)::text`.as('item_size'),
    })
    .from(trashedEntries)
    .where(eq(trashedEntries.datasetId, datasetId))
    .groupBy(trashedEntries.trashId)
    .as('totals');
  const rows = await db
    .select({ id: trashedEntries.trashId, path: trashedEntries.path, kind: trashedEntries.kind, files: totals.files, size: totals.size, deletedAt: trashedEntries.deletedAt, deletedBy: users.name })
    .from(trashedEntries)
    .innerJoin(totals, eq(totals.trashId, trashedEntries.trashId))
    .leftJoin(users, eq(users.id, trashedEntries.deletedBy))
    .where(and(eq(trashedEntries.datasetId, datasetId), eq(trashedEntries.root, true)))
    .orderBy(desc(trashedEntries.deletedAt), desc(trashedEntries.id))
    .limit(1000);
  return rows.map((r) => ({ ...r, name: baseName(r.path), files: Number(r.files), size: Number(r.size) }));
}

/**
 * Managers and the owner: puts a trash item back where it was, with its versions. Folders it needs
 * are created again; a folder that exists again is merged into; a file or folder that now takes one
 * of its places is a CONFLICT (nothing is restored), to be renamed or moved first.
 */
export async function restoreFromTrash(userId: string, datasetId: string, trashId: string): Promise<{ path: string }> {
  if (!UUID.test(trashId)) {
    await authorizeDataset(await getDb(), userId, datasetId, 'files.manage');
    throw new AppError('NOT_FOUND', 'That item is no longer in the Trash.');
  }
  return write(datasetId, userId, 'files.manage', async (tx) => {
    const [root] = await tx
      .select({ path: trashedEntries.path, kind: trashedEntries.kind })
      .from(trashedEntries)
      .where(and(eq(trashedEntries.datasetId, datasetId), eq(trashedEntries.trashId, trashId), eq(trashedEntries.root, true)))
      .for('update');
    if (!root) throw new AppError('NOT_FOUND', 'That item is no longer in the Trash.');
    const clash = rowsOf<{ path: string }>(
      await tx.execute(sql`
        select e.path from entries e join trashed_entries t on t.dataset_id = e.dataset_id and t.path = e.path
        where t.dataset_id = ${datasetId} and t.trash_id = ${trashId} and not (e.kind = 'folder' and t.kind = 'folder')
        order by length(e.path) limit 1`),
    );
    if (clash.length > 0) {
      const what = clash[0].path === root.path ? `“${baseName(root.path)}”` : `“${clash[0].path}”`;
      throw new AppError('CONFLICT', `${what} already exists in this dataset, so “${baseName(root.path)}” cannot be restored. Rename or move the existing one, then restore again.`);
    }
    await ensureFolders(tx, datasetId, userId, ancestorsOf(root.path));
    await tx.execute(sql`
      insert into entries (id, dataset_id, path, parent, name, kind, size, content_type, sha256, storage_key, created_by, updated_by, created_at, updated_at)
      select id, dataset_id, path, regexp_replace(path, '/?[^/]*$', ''), regexp_replace(path, '^.*/', ''), kind, size, content_type, sha256, storage_key, created_by, updated_by, created_at, updated_at
      from trashed_entries where dataset_id = ${datasetId} and trash_id = ${trashId}
      on conflict (dataset_id, path) do nothing`);
    const back = await tx.delete(trashedEntries).where(and(eq(trashedEntries.datasetId, datasetId), eq(trashedEntries.trashId, trashId))).returning({ kind: trashedEntries.kind });
    const files = back.filter((b) => b.kind === 'file').length;
    await logActivity(tx, userId, { datasetId }, 'entry.restored', { path: root.path, kind: root.kind, files });
    return { path: root.path };
  });
}

/**
 * Managers and the owner: empties the Trash (or deletes one item of it for good): its entries and
 * their versions go, then the bytes no row references any more.
 */
export async function emptyTrash(userId: string, datasetId: string, trashId?: string): Promise<{ items: number; files: number; bytes: number }> {
  if (trashId !== undefined && !UUID.test(trashId)) {
    await authorizeDataset(await getDb(), userId, datasetId, 'files.manage');
    throw new AppError('NOT_FOUND', 'That item is no longer in the Trash.');
  }
  const { keys, items, files, bytes } = await write(datasetId, userId, 'files.manage', async (tx) => {
    const gone = await dropTrash(tx, sql`dataset_id = ${datasetId}${trashId ? sql` and trash_id = ${trashId}` : sql``}`);
    if (trashId && gone.items === 0) throw new AppError('NOT_FOUND', 'That item is no longer in the Trash.');
    await logActivity(tx, userId, { datasetId }, 'trash.emptied', { items: gone.items, files: gone.files, bytes: gone.bytes, ...(trashId ? { path: gone.paths[0] } : {}) });
    return gone;
  });
  await deleteUnreferencedBlobs(await getDb(), keys);
  return { items, files, bytes };
}

// Deletes trashed entries matching `where` and the versions of those files; returns what went.
async function dropTrash(tx: Tx, where: ReturnType<typeof sql>) {
  // The statement below fires two triggers that update dataset_stats (Trash, then versions, or the other
  // way round): lock the rows they will update first, in dataset order, so two instances' sweeps (each
  // spanning several datasets) cannot take them in opposite orders and deadlock.
  await tx.execute(sql`select 1 from dataset_stats where dataset_id in (select dataset_id from trashed_entries where ${where}) order by dataset_id for update`);
  const rows = rowsOf<{ dataset_id: string; path: string; root: boolean; kind: string; size: string; key: string | null; version: boolean }>(
    await tx.execute(sql`
      with t as (delete from trashed_entries where ${where} returning id, dataset_id, path, root, kind, size, storage_key),
           v as (delete from file_versions where entry_id in (select id from t) returning dataset_id, size, storage_key)
      select dataset_id, path, root, kind, size::text, storage_key as key, false as version from t
      union all select dataset_id, '', false, 'file', size::text, storage_key, true from v`),
  );
  const current = rows.filter((r) => !r.version);
  return {
    rows,
    items: current.filter((r) => r.root).length,
    files: current.filter((r) => r.kind === 'file').length,
    bytes: rows.filter((r) => r.kind === 'file').reduce((n, r) => n + Number(r.size), 0),
    paths: current.filter((r) => r.root).map((r) => r.path),
    keys: rows.flatMap((r) => (r.key ? [r.key] : [])),
  };
}

// ——— Background pruning ———

const versionsToPrune = (keep: number, days: number, entryId?: string) => sql`
  select id from (
    select id, replaced_at, row_number() over (partition by entry_id order by replaced_at desc, id desc) as n
    from file_versions ${entryId ? sql`where entry_id = ${entryId}` : sql``}
  ) x where n > ${keep} or replaced_at < now() - ${days}::float8 * interval '1 day'`;

/** Drops one file's versions beyond VERSIONS_KEEP or older than VERSIONS_DAYS, and their unreferenced bytes. */
export async function pruneVersionsOf(entryId: string): Promise<number> {
  const db = await getDb();
  const gone = rowsOf<{ key: string }>(
    await db.execute(sql`delete from file_versions where id in (${versionsToPrune(config.versionsKeep, config.versionsDays, entryId)}) returning storage_key as key`),
  );
  await deleteUnreferencedBlobs(db, gone.map((g) => g.key));
  return gone.length;
}

export type PruneResult = { versions: number; trashItems: number; blobs: number };

/**
 * The background sweep: versions beyond VERSIONS_KEEP per file or replaced more than VERSIONS_DAYS
 * ago, and trash items deleted more than TRASH_DAYS ago (with their versions), go; then their
 * blobs, unless a row still references them. Runs with the storage sweep (lib/server-lifecycle.ts).
 */
export async function pruneHistory(now: { keep?: number; versionDays?: number; trashDays?: number } = {}): Promise<PruneResult> {
  const db = await getDb();
  const keep = now.keep ?? config.versionsKeep;
  const versionDays = now.versionDays ?? config.versionsDays;
  const trashDays = now.trashDays ?? config.trashDays;
  const versions = rowsOf<{ key: string }>(await db.execute(sql`delete from file_versions where id in (${versionsToPrune(keep, versionDays)}) returning storage_key as key`));
  const trash = await db.transaction(async (tx) => {
    const gone = await dropTrash(tx, sql`deleted_at < now() - ${trashDays}::float8 * interval '1 day'`);
    const perDataset = new Map<string, number>();
    for (const r of gone.rows) if (r.root && !r.version) perDataset.set(r.dataset_id, (perDataset.get(r.dataset_id) ?? 0) + 1);
    for (const [datasetId, items] of perDataset) await logActivity(tx, null, { datasetId }, 'trash.expired', { items, days: trashDays });
    return gone;
  });
  const blobs = await deleteUnreferencedBlobs(db, [...versions.map((v) => v.key), ...trash.keys]);
  if (versions.length || trash.items) console.log(`Trove: pruned ${versions.length} old file versions and ${trash.items} expired trash items (${blobs} blobs).`);
  return { versions: versions.length, trashItems: trash.items, blobs };
}

// postgres.js answers an array of rows, PGlite an object with rows.
function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}

