import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { datasets, datasetStats, entries, fileVersions, missingBlobs, trashedEntries } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import { logActivity, logUpload } from '@/lib/activity';
import { config } from '@/lib/config';
import { AppError, isUniqueViolation } from '@/lib/errors';
import { ancestorsOf, baseName, isWithin, joinPath, normalizeFolderPath, normalizeName, normalizePath, parentOf } from '@/lib/paths';
import { deleteBlobs, getBlobStore, tooLargeMessage, type BlobSource, type ByteRange } from '@/lib/storage';
import { pruneVersionsOf } from '@/lib/file-history';
import { contentDisposition, servedContentType } from '@/lib/storage/http';

/** Files and folders of a dataset. Every function authorizes through lib/access.ts first. */

export type EntryItem = { name: string; path: string; kind: 'file' | 'folder'; size: number; updatedAt: Date; items: number | null };
export type SortKey = 'name' | 'size' | 'modified';
export type SortDir = 'asc' | 'desc';
export type FolderPageOptions = { sort?: SortKey; dir?: SortDir; page?: number; pageSize?: number };
export type FolderListing = { path: string; entries: EntryItem[]; page: number; pageSize: number; hasNext: boolean; sort: SortKey; dir: SortDir };

// 50 rows a page, like the inventory: a page's render cost is its rows', whatever the folder's size.
export const PAGE_SIZE = 50;
const MAX_PAGE = 1_000_000;
const inDataset = (datasetId: string) => eq(entries.datasetId, datasetId);
const under = (folder: string) => sql`starts_with(${entries.path}, ${`${folder}/`}::text)`;
const conflict = (message: string) => new AppError('CONFLICT', message);

/** Reads ?sort=&dir=&page= leniently: anything unknown falls back to name, ascending, page 1. */
export function parseFolderPageParams(sp: Record<string, string | string[] | undefined>): Required<Pick<FolderPageOptions, 'sort' | 'dir' | 'page'>> {
  const one = (k: string) => (typeof sp[k] === 'string' ? (sp[k] as string) : '');
  const sort: SortKey = one('sort') === 'size' || one('sort') === 'modified' ? (one('sort') as SortKey) : 'name';
  const dir: SortDir = one('dir') === 'desc' ? 'desc' : 'asc';
  const n = Number.parseInt(one('page'), 10);
  return { sort, dir, page: Number.isFinite(n) && n >= 1 ? Math.min(n, MAX_PAGE) : 1 };
}

// Folders are sorted among themselves by name (size sorts them by name; modified by their own time),
// files by the chosen key; the name breaks ties. Each order is one index range scan
// (entries_folder_*_idx, which lead with dataset, parent and kind), forwards or backwards.
function orderFor(kind: 'file' | 'folder', sort: SortKey, dir: SortDir) {
  const d = dir === 'desc' ? desc : asc;
  if (sort === 'modified') return [d(entries.updatedAt), d(entries.name)];
  if (sort === 'size' && kind === 'file') return [d(entries.size), d(entries.name)];
  return [d(entries.name)];
}

/**
 * One page of a folder's direct contents: folders first, then files, sorted on the server
 * (name, size or modified; ascending or descending), `pageSize` entries per page. NOT_FOUND for a
 * missing folder. The cost is that of one page, however many entries the folder holds (the offset
 * walks the index only for deep pages).
 */
export async function listFolder(userId: string, datasetId: string, rawFolder = '', options: FolderPageOptions = {}): Promise<FolderListing> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  const folder = normalizeFolderPath(rawFolder);
  const sort = options.sort ?? 'name';
  const dir = options.dir ?? 'asc';
  const pageSize = Math.max(1, Math.min(options.pageSize ?? PAGE_SIZE, 1000));
  const page = Math.max(1, Math.min(Math.floor(options.page ?? 1), MAX_PAGE));
  if (folder !== '') {
    const [row] = await db.select({ kind: entries.kind }).from(entries).where(and(inDataset(datasetId), eq(entries.path, folder)));
    if (row?.kind !== 'folder') throw new AppError('NOT_FOUND', 'This folder does not exist.');
  }
  const here = (kind: 'file' | 'folder') => and(inDataset(datasetId), eq(entries.parent, folder), eq(entries.kind, kind));
  const columns = { name: entries.name, path: entries.path, kind: entries.kind, size: entries.size, updatedAt: entries.updatedAt };
  const offset = (page - 1) * pageSize;

  const folders = await db
    .select({
      ...columns,
      // Spelled out: drizzle renders columns unqualified here, which the subquery would bind to c.
      items: sql<number | null>`(select count(*)::int from entries c where c.dataset_id = "entries"."dataset_id" and c.parent = "entries"."path")`,
    })
    .from(entries)
    .where(here('folder'))
    .orderBy(...orderFor('folder', sort, dir))
    .limit(pageSize + 1)
    .offset(offset);
  if (folders.length > pageSize) return { path: folder, entries: folders.slice(0, pageSize), page, pageSize, hasNext: true, sort, dir };

  // Files continue where the folders end: the number of folders is known unless this page starts past them.
  let folderCount = offset + folders.length;
  if (folders.length === 0 && offset > 0) {
    const [c] = await db.select({ n: sql<number>`count(*)::int` }).from(entries).where(here('folder'));
    folderCount = Number(c?.n ?? 0);
  }
  const want = pageSize - folders.length;
  const files = await db
    .select(columns)
    .from(entries)
    .where(here('file'))
    .orderBy(...orderFor('file', sort, dir))
    .limit(want + 1)
    .offset(Math.max(0, offset + folders.length - folderCount));
  return {
    path: folder,
    entries: [...folders, ...files.slice(0, want).map((f) => ({ ...f, items: null }))],
    page,
    pageSize,
    hasNext: files.length > want,
    sort,
    dir,
  };
}

/** Creates a folder (and any missing folders above it). */
export async function createFolder(userId: string, datasetId: string, rawPath: string, via: Via = {}): Promise<{ path: string }> {
  const path = normalizePath(rawPath);
  return write(datasetId, userId, 'files.write', async (tx) => {
    await ensureFolders(tx, datasetId, userId, ancestorsOf(path));
    const [created] = await tx
      .insert(entries)
      .values({ datasetId, path, parent: parentOf(path), name: baseName(path), kind: 'folder', createdBy: userId })
      .onConflictDoNothing()
      .returning({ id: entries.id });
    if (!created) throw conflict(`"${baseName(path)}" already exists in this folder.`);
    await logActivity(tx, userId, { datasetId }, 'folder.created', { path, ...via });
    return { path };
  });
}

/** How a change was made, for the activity log: `{ via: 'access key <name>' }` from the S3 endpoint. */
export type Via = { via?: string };
export type UploadOptions = Via & {
  contentLength?: number;
  contentType?: string | null;
  signal?: AbortSignal;
  /** The SHA-256 (hex) the client signed: a mismatch discards the bytes before anything is recorded. */
  expectedSha256?: string;
  /** The client's id for a batch of files uploaded together: they make one activity event. */
  batch?: string;
};
export type UploadResult = { path: string; size: number; sha256: string; created: boolean };

/**
 * Streams a file into storage, then records it; replaces an existing file. The entry is written
 * only after the bytes are safely stored, and the new blob is removed if recording fails. The one
 * commit path of every write (browser upload, S3 PutObject, CopyObject, CompleteMultipartUpload): an
 * overwrite keeps the replaced bytes as an earlier version (file_versions) in the same transaction.
 */
export async function uploadFile(userId: string, datasetId: string, rawPath: string, body: BlobSource | null, options: UploadOptions = {}): Promise<UploadResult> {
  const path = normalizePath(rawPath);
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'files.write');
  const maxBytes = config.maxUploadBytes;
  if (options.contentLength !== undefined && options.contentLength > maxBytes) throw new AppError('TOO_LARGE', tooLargeMessage(maxBytes));
  // Refuse obvious conflicts before receiving gigabytes; the transaction below re-checks.
  await refuseUploadConflicts(db, datasetId, path);

  const store = getBlobStore();
  const blob = await store.put(body ?? emptySource(), { maxBytes, expectedSize: options.contentLength, signal: options.signal });
  if (options.expectedSha256 !== undefined && blob.sha256 !== options.expectedSha256.toLowerCase()) {
    await store.delete(blob.key).catch(() => {});
    throw new AppError('INVALID', 'The content does not match its signed SHA-256.', 'sha256');
  }
  let replacedId: string | null = null;
  let created = true;
  try {
    await write(datasetId, userId, 'files.write', async (tx) => {
      await ensureFolders(tx, datasetId, userId, ancestorsOf(path));
      const values = { size: blob.size, sha256: blob.sha256, storageKey: blob.key, contentType: options.contentType ?? null };
      const [inserted] = await tx
        .insert(entries)
        .values({ datasetId, path, parent: parentOf(path), name: baseName(path), kind: 'file', createdBy: userId, updatedBy: userId, ...values })
        .onConflictDoNothing()
        .returning({ id: entries.id });
      if (!inserted) {
        const [current] = await tx
          .select()
          .from(entries)
          .where(and(inDataset(datasetId), eq(entries.path, path)))
          .for('update');
        if (!current || current.kind !== 'file') throw conflict(`"${baseName(path)}" is a folder; a file cannot replace it.`);
        // The replaced bytes stay, as an earlier version (pruned later by VERSIONS_KEEP / VERSIONS_DAYS).
        if (current.storageKey) {
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
        }
        await tx.update(entries).set({ ...values, updatedBy: userId, updatedAt: sql`now()` }).where(eq(entries.id, current.id));
        replacedId = current.id;
        created = false;
      }
      await logUpload(tx, userId, datasetId, { path, size: blob.size, created, folder: parentOf(path) }, options.batch, options.via);
    });
  } catch (err) {
    await store.delete(blob.key).catch(() => {});
    throw err;
  }
  // Beyond VERSIONS_KEEP, the oldest versions go now (the background sweep would take them later).
  if (replacedId) await pruneVersionsOf(replacedId).catch((err) => console.error('Trove: could not prune versions:', err));
  return { path, size: blob.size, sha256: blob.sha256, created };
}

/** CONFLICT when a file cannot be written at `path` (a folder is there, or a file where a folder must be); callers authorize first. */
export async function refuseUploadConflicts(db: Db | Tx, datasetId: string, path: string): Promise<void> {
  const existing = await db
    .select({ path: entries.path, kind: entries.kind })
    .from(entries)
    .where(and(inDataset(datasetId), inArray(entries.path, [path, ...ancestorsOf(path)])));
  for (const e of existing) {
    if (e.path === path && e.kind === 'folder') throw conflict(`"${baseName(path)}" is a folder; a file cannot replace it.`);
    if (e.path !== path && e.kind === 'file') throw conflict(`"${e.path}" is a file, so it cannot contain other files.`);
  }
}

export type Download = {
  name: string;
  path: string;
  size: number;
  contentType: string | null;
  sha256: string | null;
  updatedAt: Date;
  /** Opens the bytes (or one inclusive range of them) before anything is sent; NOT_FOUND when they are missing. */
  open: (range?: ByteRange, signal?: AbortSignal) => Promise<ReadableStream<Uint8Array>>;
  /** Where the bytes are stored (for downloadRedirect); never sent to clients. */
  storageKey: string;
};

/** How long a presigned download URL works (DOWNLOAD_REDIRECT=presigned). */
export const PRESIGNED_DOWNLOAD_SECONDS = 60;

/**
 * The decision for an authorized browser download: a URL to answer 302 with, or null to proxy the bytes
 * (with Content-Length and Range). A redirect is given only with DOWNLOAD_REDIRECT=presigned on the s3
 * driver, for a whole-file GET: a short-lived presigned GET carrying the same Content-Disposition and
 * Content-Type the proxied answer would. Every download path (route handler, or a faster Node handler)
 * asks here, after openDownload has authorized and found the bytes.
 */
export async function downloadRedirect(file: Download, request: { method: string }): Promise<string | null> {
  if (config.downloadRedirect !== 'presigned' || request.method !== 'GET') return null;
  // Asked of the store, not by instanceof: Next bundles a module into several chunks, so the store
  // made by one (instrumentation) is not an instance of another chunk's class.
  const store = getBlobStore();
  if (!store.presignGet) return null;
  return store.presignGet(file.storageKey, {
    expiresIn: PRESIGNED_DOWNLOAD_SECONDS,
    contentDisposition: contentDisposition(file.name),
    contentType: servedContentType(file.contentType),
  });
}

const missingBytes = (datasetId: string, path: string, key: string) => {
  console.error(`Trove: the stored bytes of file "${path}" in dataset ${datasetId} are missing (blob ${key}).`);
  return new AppError('NOT_FOUND', 'The stored bytes of this file are missing.');
};

/** A file to download; NOT_FOUND for a missing file or a folder. */
export async function openDownload(userId: string, datasetId: string, rawPath: string): Promise<Download> {
  const file = await openFirstDownload(userId, datasetId, [rawPath]);
  if (!file) throw new AppError('NOT_FOUND', 'File not found.');
  return file;
}

/**
 * The first of these paths that is a file, opened as openDownload would (null when none is), in one
 * lookup: e.g. the dataset card's README.md, readme.md or Readme.md.
 */
export async function openFirstDownload(userId: string, datasetId: string, rawPaths: string[]): Promise<Download | null> {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'dataset.view');
  const paths = rawPaths.map((p) => normalizePath(p));
  const rows = await db
    .select({ name: entries.name, path: entries.path, kind: entries.kind, size: entries.size, contentType: entries.contentType, sha256: entries.sha256, updatedAt: entries.updatedAt, storageKey: entries.storageKey, blobMissingAt: missingBlobs.foundAt })
    .from(entries)
    .leftJoin(missingBlobs, eq(missingBlobs.key, entries.storageKey))
    .where(and(inDataset(datasetId), inArray(entries.path, paths), eq(entries.kind, 'file')));
  const row = paths.map((p) => rows.find((r) => r.path === p)).find((r) => r?.storageKey);
  if (!row?.storageKey) return null;
  const { storageKey, kind: _kind, blobMissingAt, ...meta } = row;
  void _kind;
  // Marked by `trove storage check --repair`: no need to ask the store again.
  if (blobMissingAt) throw missingBytes(datasetId, row.path, storageKey);
  const store = getBlobStore();
  // Checked before the route answers: a missing blob is a clear 404, not a response cut off mid-way.
  if (!(await store.stat(storageKey))) throw missingBytes(datasetId, row.path, storageKey);
  return {
    ...meta,
    storageKey,
    open: async (range, signal) => {
      const stream = await store.openRead(storageKey, range, signal);
      if (!stream) throw missingBytes(datasetId, row.path, storageKey);
      return stream;
    },
  };
}

/** Moves or renames a file or folder to a new path (a folder takes its contents along); CONFLICT when the target exists. */
export async function moveEntry(userId: string, datasetId: string, rawFrom: string, rawTo: string, field?: string): Promise<{ path: string }> {
  const from = normalizePath(rawFrom);
  const to = normalizePath(rawTo, field);
  if (from === to) {
    await authorizeDataset(await getDb(), userId, datasetId, 'files.manage');
    return { path: to };
  }
  return write(datasetId, userId, 'files.manage', async (tx) => {
    const [source] = await tx
      .select({ id: entries.id, kind: entries.kind })
      .from(entries)
      .where(and(inDataset(datasetId), eq(entries.path, from)))
      .for('update');
    if (!source) throw new AppError('NOT_FOUND', 'That file or folder no longer exists.');
    if (source.kind === 'folder' && isWithin(to, from)) throw new AppError('INVALID', 'A folder cannot be moved into itself.', field);
    await ensureFolders(tx, datasetId, userId, ancestorsOf(to));
    await tx
      .update(entries)
      .set({ path: to, parent: parentOf(to), name: baseName(to), updatedAt: sql`now()` })
      .where(eq(entries.id, source.id));
    if (source.kind === 'folder') {
      // Re-root every descendant in one statement: "from/x/y" → "to/x/y", parents likewise.
      const cut = sql`char_length(${from}::text) + 1`;
      await tx
        .update(entries)
        .set({ path: sql`${to}::text || substr(${entries.path}, ${cut})`, parent: sql`${to}::text || substr(${entries.parent}, ${cut})` })
        .where(and(inDataset(datasetId), under(from)));
    }
    const action = parentOf(from) === parentOf(to) ? 'entry.renamed' : 'entry.moved';
    await logActivity(tx, userId, { datasetId }, action, { path: from, from, to, kind: source.kind });
    return { path: to };
  }).catch((err) => {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', `"${to}" already exists. Choose another name.`, field);
    throw err;
  });
}

/** Renames an entry within its folder. */
export async function renameEntry(userId: string, datasetId: string, rawPath: string, newName: string, field?: string): Promise<{ path: string }> {
  const path = normalizePath(rawPath);
  return moveEntry(userId, datasetId, path, joinPath(parentOf(path), normalizeName(newName, field)), field);
}

/**
 * Deletes a file, or a folder with everything in it, by moving it to the dataset's Trash (one trash
 * item); no bytes are destroyed. Managers and the owner restore or empty the Trash (lib/file-history.ts).
 */
export async function deleteEntry(userId: string, datasetId: string, rawPath: string, via: Via = {}): Promise<{ deletedFiles: number }> {
  const path = normalizePath(rawPath);
  const files = await write(datasetId, userId, 'files.manage', async (tx) => {
    const [target] = await tx
      .select({ kind: entries.kind })
      .from(entries)
      .where(and(inDataset(datasetId), eq(entries.path, path)))
      .for('update');
    if (!target) throw new AppError('NOT_FOUND', 'That file or folder no longer exists.');
    // One statement, however large the folder: the rows move from entries to trashed_entries.
    const scope = target.kind === 'folder' ? sql`(path = ${path} or starts_with(path, ${`${path}/`}::text))` : sql`path = ${path}`;
    const gone = rowsOf<{ kind: string }>(
      await tx.execute(sql`
        with gone as (delete from entries where dataset_id = ${datasetId} and ${scope} returning *)
        insert into trashed_entries (id, trash_id, root, dataset_id, path, kind, size, content_type, sha256, storage_key, created_by, updated_by, created_at, updated_at, deleted_by)
        select id, ${randomUUID()}::uuid, path = ${path}, dataset_id, path, kind, size, content_type, sha256, storage_key, created_by, updated_by, created_at, updated_at, ${userId}::uuid from gone
        returning kind`),
    );
    const files = gone.filter((g) => g.kind === 'file').length;
    await logActivity(tx, userId, { datasetId }, target.kind === 'folder' ? 'folder.deleted' : 'file.deleted', { path, files, trash: true, ...via });
    return files;
  });
  return { deletedFiles: files };
}

export const MAX_SELECTION = 1000;

/**
 * Deletes several files and folders (a folder with everything in it) in one transaction and one
 * activity event, each selected entry moving to the Trash as its own item (restorable on its own,
 * like a single delete); entries already gone are skipped, NOT_FOUND when none of them exists.
 */
export async function deleteEntries(userId: string, datasetId: string, rawPaths: string[]): Promise<{ deleted: number; deletedFiles: number }> {
  if (rawPaths.length === 0) throw new AppError('INVALID', 'Select at least one file or folder.');
  if (rawPaths.length > MAX_SELECTION) throw new AppError('INVALID', `Select at most ${MAX_SELECTION.toLocaleString('en-US')} entries at a time.`);
  const paths = [...new Set(rawPaths.map((p) => normalizePath(p)))];
  return write(datasetId, userId, 'files.manage', async (tx) => {
    const found = await tx
      .select({ path: entries.path, kind: entries.kind })
      .from(entries)
      .where(and(inDataset(datasetId), inArray(entries.path, paths)))
      .for('update');
    // An entry inside a selected folder goes with that folder's trash item.
    const folders = found.filter((t) => t.kind === 'folder').map((t) => t.path);
    const targets = found.filter((t) => !folders.some((f) => isWithin(t.path, f) && t.path !== f));
    if (targets.length === 0) throw new AppError('NOT_FOUND', 'The selected files no longer exist.');
    let files = 0;
    for (const t of targets) {
      const scope = t.kind === 'folder' ? sql`(path = ${t.path} or starts_with(path, ${`${t.path}/`}::text))` : sql`path = ${t.path}`;
      const gone = rowsOf<{ kind: string }>(
        await tx.execute(sql`
          with gone as (delete from entries where dataset_id = ${datasetId} and ${scope} returning *)
          insert into trashed_entries (id, trash_id, root, dataset_id, path, kind, size, content_type, sha256, storage_key, created_by, updated_by, created_at, updated_at, deleted_by)
          select id, ${randomUUID()}::uuid, path = ${t.path}, dataset_id, path, kind, size, content_type, sha256, storage_key, created_by, updated_by, created_at, updated_at, ${userId}::uuid from gone
          returning kind`),
      );
      files += gone.filter((g) => g.kind === 'file').length;
    }
    const folder = targets.map((t) => parentOf(t.path)).reduce((x, y) => (x === y ? x : commonPrefixFolder(x, y)));
    await logActivity(tx, userId, { datasetId }, 'entries.deleted', { entries: targets.length, files, folder, path: targets[0].path, trash: true });
    return { deleted: targets.length, deletedFiles: files };
  });
}

function commonPrefixFolder(a: string, b: string): string {
  const x = a ? a.split('/') : [];
  const y = b ? b.split('/') : [];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('/');
}

/** `totalSize` is every stored byte of the dataset: its files, their earlier versions and its Trash; `historySize` the last two. */
export type DatasetStats = { fileCount: number; totalSize: number; historySize: number };

/**
 * File count and sizes per dataset, in one primary-key lookup each: the totals are kept by triggers
 * (dataset_stats, migration 0015), so this costs the same for 10 files or 100,000. Callers authorize first.
 */
export async function statsForDatasets(db: Db | Tx, datasetIds: string[]): Promise<Map<string, DatasetStats>> {
  if (datasetIds.length === 0) return new Map();
  const rows = await db
    .select({ datasetId: datasetStats.datasetId, files: datasetStats.fileCount, bytes: datasetStats.fileBytes, history: datasetStats.historyBytes })
    .from(datasetStats)
    .where(inArray(datasetStats.datasetId, datasetIds));
  return new Map(rows.map((r) => [r.datasetId, { fileCount: Number(r.files), totalSize: Number(r.bytes) + Number(r.history), historySize: Number(r.history) }]));
}

// postgres.js answers an array of rows, PGlite an object with rows.
function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? (r as T[])) as T[];
}

/** File count and total size of one dataset; callers authorize first. */
export async function getDatasetStats(db: Db | Tx, datasetId: string): Promise<DatasetStats> {
  return (await statsForDatasets(db, [datasetId])).get(datasetId) ?? { fileCount: 0, totalSize: 0, historySize: 0 };
}

/**
 * The blob keys of a dataset — its files, their earlier versions and its Trash: read them in the
 * transaction that deletes the dataset, then pass them to deleteBlobs after it commits.
 */
export async function listStorageKeys(db: Db | Tx, datasetId: string): Promise<string[]> {
  const rows = await db.select({ key: entries.storageKey }).from(entries).where(and(inDataset(datasetId), eq(entries.kind, 'file')));
  const versions = await db.select({ key: fileVersions.storageKey }).from(fileVersions).where(eq(fileVersions.datasetId, datasetId));
  const trashed = await db.select({ key: trashedEntries.storageKey }).from(trashedEntries).where(eq(trashedEntries.datasetId, datasetId));
  return [...rows, ...versions, ...trashed].flatMap((r) => (r.key ? [r.key] : []));
}

export { deleteBlobs };

// One write transaction: authorize (inside it, so a lock or role change cannot slip in between),
// bump the dataset's updated_at (the inventory sorts by it), then make the change.
export async function write<T>(datasetId: string, userId: string, permission: 'files.write' | 'files.manage', fn: (tx: Tx) => Promise<T>): Promise<T> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    await authorizeDataset(tx, userId, datasetId, permission);
    await tx.update(datasets).set({ updatedAt: sql`now()` }).where(eq(datasets.id, datasetId));
    return fn(tx);
  });
}

// Creates missing folders above an entry; CONFLICT when one of them is a file.
export async function ensureFolders(tx: Tx, datasetId: string, userId: string, folders: string[]): Promise<void> {
  if (folders.length === 0) return;
  await tx
    .insert(entries)
    .values(folders.map((path) => ({ datasetId, path, parent: parentOf(path), name: baseName(path), kind: 'folder' as const, createdBy: userId })))
    .onConflictDoNothing();
  const files = await tx
    .select({ path: entries.path })
    .from(entries)
    .where(and(inDataset(datasetId), inArray(entries.path, folders), eq(entries.kind, 'file')));
  if (files.length > 0) throw conflict(`"${files[0].path}" is a file, so it cannot contain other entries.`);
}

async function* emptySource(): AsyncIterable<Uint8Array> {}
