import 'server-only';
import type { Readable } from 'node:stream';
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { datasets, entries } from '@/db/schema';
import { authorizeDataset } from '@/lib/access';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { formatBytes } from '@/lib/format';
import { MAX_SELECTION } from '@/lib/files';
import { normalizeFolderPath, normalizePath, parentOf } from '@/lib/paths';
import { getBlobStore } from '@/lib/storage';
import { zipStream, type ZipEntry } from '@/lib/zip-stream';

const MAX_ZIP_ENTRIES = 100_000;

export type FolderArchive = { fileName: string; fileCount: number; totalSize: number; stream: () => Readable };

/**
 * A folder (or the whole dataset) as a streamed .zip: authorized like a download, refused above
 * MAX_ZIP_BYTES before anything is sent. Entries are stored uncompressed (datasets are mostly
 * compressed media already, and storing keeps the stream near a plain download's speed); each file's
 * bytes are opened only when the zip reaches it, so memory and open files stay flat (lib/zip-stream.ts).
 */
export async function openFolderArchive(userId: string, datasetId: string, rawFolder: string): Promise<FolderArchive> {
  const db = await getDb();
  const { dataset } = await authorizeDataset(db, userId, datasetId, 'dataset.view');
  const folder = normalizeFolderPath(rawFolder);
  if (folder) {
    const [row] = await db.select({ kind: entries.kind }).from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, folder)));
    if (row?.kind !== 'folder') throw new AppError('NOT_FOUND', 'This folder does not exist.');
  }
  const under = folder ? sql`starts_with(${entries.path}, ${`${folder}/`}::text)` : undefined;
  const [ds] = await db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, dataset.id));
  const base = folder ? folder.split('/').at(-1)! : (ds?.name ?? 'dataset');
  return build(datasetId, under, folder, `${base}.zip`, 'This folder');
}

/**
 * Several files and folders (a selection in one folder) as one streamed .zip, with the same
 * authorization and caps as a folder; names inside are relative to the folder they were picked in.
 */
export async function openSelectionArchive(userId: string, datasetId: string, rawPaths: string[]): Promise<FolderArchive> {
  const db = await getDb();
  const { dataset } = await authorizeDataset(db, userId, datasetId, 'dataset.view');
  if (rawPaths.length === 0) throw new AppError('INVALID', 'Select at least one file or folder.');
  if (rawPaths.length > MAX_SELECTION) throw new AppError('INVALID', `Select at most ${MAX_SELECTION.toLocaleString('en-US')} entries at a time.`);
  const paths = [...new Set(rawPaths.map((p) => normalizePath(p)))];
  const found = await db.select({ path: entries.path, kind: entries.kind }).from(entries).where(and(eq(entries.datasetId, datasetId), inArray(entries.path, paths)));
  if (found.length === 0) throw new AppError('NOT_FOUND', 'The selected files no longer exist.');
  const folders = found.filter((f) => f.kind === 'folder').map((f) => f.path);
  const where = or(inArray(entries.path, found.map((f) => f.path)), ...folders.map((f) => sql`starts_with(${entries.path}, ${`${f}/`}::text)`));
  const base = found.map((f) => parentOf(f.path)).reduce(commonFolder);
  const [ds] = await db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, dataset.id));
  const name = `${(base ? base.split('/').at(-1) : ds?.name) ?? 'dataset'} (selection).zip`;
  return build(datasetId, where, base, name, 'The selection');
}

function commonFolder(a: string, b: string): string {
  const x = a ? a.split('/') : [];
  const y = b ? b.split('/') : [];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('/');
}

async function build(datasetId: string, where: SQL | undefined, base: string, fileName: string, what: string): Promise<FolderArchive> {
  const db = await getDb();
  const rows = await db
    .select({ path: entries.path, kind: entries.kind, size: entries.size, updatedAt: entries.updatedAt, storageKey: entries.storageKey })
    .from(entries)
    .where(and(eq(entries.datasetId, datasetId), where))
    .orderBy(asc(entries.path))
    .limit(MAX_ZIP_ENTRIES + 1);
  if (rows.length > MAX_ZIP_ENTRIES) throw new AppError('TOO_LARGE', `${what} holds more than ${MAX_ZIP_ENTRIES.toLocaleString('en-US')} entries, too many for one .zip. Download its sub-folders, or use the S3 endpoint.`);
  const totalSize = rows.reduce((n, r) => n + (r.kind === 'file' ? r.size : 0), 0);
  if (totalSize > config.maxZipBytes) {
    throw new AppError('TOO_LARGE', `${what} holds ${formatBytes(totalSize)}, more than the ${formatBytes(config.maxZipBytes)} a .zip download may hold. Download its sub-folders or single files instead.`);
  }
  const strip = base ? base.length + 1 : 0;
  const files = rows.filter((r) => r.kind === 'file' && r.storageKey);

  const stream = () => {
    const store = getBlobStore();
    const items: ZipEntry[] = rows.flatMap((r): ZipEntry[] => {
      const name = r.path.slice(strip);
      if (r.kind === 'folder') return [{ kind: 'folder', name, mtime: r.updatedAt }];
      const key = r.storageKey;
      return key ? [{ kind: 'file', name, mtime: r.updatedAt, size: r.size, open: () => store.createReadStream(key) }] : [];
    });
    return zipStream(items);
  };
  return { fileName, fileCount: files.length, totalSize, stream };
}
