import fs from 'node:fs';
import { text } from 'node:stream/consumers';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand,
  GetObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, blobDeletions, entries, fileVersions, trashedEntries } from '@/db/schema';
import { openFolderArchive } from '@/lib/archive';
import { referencedBlobKeys } from '@/lib/blob-refs';
import { searchFiles } from '@/lib/file-search';
import { createFolder, deleteEntry, getDatasetStats, listFolder, openDownload, uploadFile } from '@/lib/files';
import { createAccessKey } from '@/lib/s3/keys';
import { s3Client, startS3TestServer } from '@/lib/s3/testing';
import { getBlobStore } from '@/lib/storage';
import type { LocalBlobStore } from '@/lib/storage/local-blob-store';
import { sweepStorage } from '@/lib/storage/sweep';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { emptyTrash, listTrash, listVersions, openVersionDownload, pruneHistory, restoreFromTrash, restoreVersion } from './file-history';

// Issue 11, item 4: overwrites keep versions, deletes go to the Trash, no role below manager destroys bytes.

async function* bytes(s: string) {
  if (s) yield Buffer.from(s);
}
const put = (userId: string, datasetId: string, path: string, content: string) => uploadFile(userId, datasetId, path, bytes(content));
const read = async (userId: string, datasetId: string, path: string) => text(await (await openDownload(userId, datasetId, path)).open());
const blobExists = async (key: string) => (await getBlobStore().stat(key)) !== null;

async function keyOf(datasetId: string, path: string): Promise<string> {
  const [row] = await (await getDb()).select({ key: entries.storageKey }).from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, path)));
  return row.key!;
}

async function setup() {
  const owner = await makeUser('Olive Owner');
  const ds = await makeDataset(owner.id);
  const viewer = await makeUser('Vic Viewer');
  const editor = await makeUser('Eddie Editor');
  const manager = await makeUser('Mona Manager');
  const stranger = await makeUser('Stan Stranger');
  await grantAccess(ds.id, viewer.id, 'viewer');
  await grantAccess(ds.id, editor.id, 'editor');
  await grantAccess(ds.id, manager.id, 'manager');
  return { owner, viewer, editor, manager, stranger, id: ds.id };
}

// Opening a fresh PGlite (migrations included) can take longer than one test's budget on a busy machine.
beforeAll(async () => {
  await getDb();
});

const envBefore = { ...process.env };
afterEach(() => {
  for (const k of ['VERSIONS_KEEP', 'VERSIONS_DAYS', 'TRASH_DAYS']) {
    if (envBefore[k] === undefined) delete process.env[k];
    else process.env[k] = envBefore[k];
  }
});

describe('file versions', () => {
  it('an overwrite (even an empty one) keeps the previous bytes as a version: size, when, who', async () => {
    const { owner, editor, viewer, id } = await setup();
    await put(owner.id, id, 'data.csv', 'a,b\n1,2\n');
    const firstKey = await keyOf(id, 'data.csv');
    await put(editor.id, id, 'data.csv', ''); // the review's case: an empty upload over data.csv
    expect(await read(owner.id, id, 'data.csv')).toBe('');
    expect(await blobExists(firstKey)).toBe(true);

    const { versions } = await listVersions(viewer.id, id, 'data.csv');
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({ id: null, size: 0, savedBy: 'Eddie Editor', replacedAt: null });
    expect(versions[1]).toMatchObject({ size: 8, savedBy: 'Olive Owner' });
    expect(versions[1].replacedAt).toBeInstanceOf(Date);

    // Viewers (and editors) download earlier versions through the same authorization as files.
    for (const u of [viewer, editor]) {
      const dl = await openVersionDownload(u.id, id, versions[1].id!);
      expect(dl.name).toBe('data.csv');
      expect(await text(await dl.open())).toBe('a,b\n1,2\n');
      expect(await text(await dl.open({ start: 4, end: 6 }))).toBe('1,2');
    }
    // Versions count in the dataset's size.
    expect(await getDatasetStats(await getDb(), id)).toEqual({ fileCount: 1, totalSize: 8, historySize: 8 });
    const events = await (await getDb()).select({ action: activityEvents.action }).from(activityEvents).where(eq(activityEvents.datasetId, id));
    expect(events.map((e) => e.action)).toContain('file.replaced');
  });

  it('restore makes a version current and keeps the replaced content as a version; managers and the owner only', async () => {
    const { owner, editor, viewer, manager, stranger, id } = await setup();
    await put(owner.id, id, 'f.txt', 'one');
    await put(editor.id, id, 'f.txt', 'two');
    const old = (await listVersions(owner.id, id, 'f.txt')).versions[1];
    await expect(restoreVersion(viewer.id, id, old.id!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(restoreVersion(editor.id, id, old.id!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(restoreVersion(stranger.id, id, old.id!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listVersions(stranger.id, id, 'f.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openVersionDownload(stranger.id, id, old.id!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(restoreVersion(manager.id, id, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await restoreVersion(manager.id, id, old.id!);
    expect(await read(owner.id, id, 'f.txt')).toBe('one');
    const after = (await listVersions(owner.id, id, 'f.txt')).versions;
    expect(after.map((v) => v.size)).toEqual([3, 3]);
    expect(after[0]).toMatchObject({ id: null, savedBy: 'Mona Manager' });
    expect(await text(await (await openVersionDownload(owner.id, id, after[1].id!)).open())).toBe('two');
    // The restored version's id is spent.
    await expect(restoreVersion(owner.id, id, old.id!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const events = await (await getDb()).select({ action: activityEvents.action, detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.datasetId, id));
    expect(events).toContainEqual(expect.objectContaining({ action: 'file.version_restored', detail: expect.objectContaining({ path: 'f.txt' }) }));
  });

  it('versions follow a renamed file; a version of another dataset is not found', async () => {
    const { owner, id } = await setup();
    const other = await makeDataset(owner.id);
    await put(owner.id, id, 'a.txt', '1');
    await put(owner.id, id, 'a.txt', '2');
    const { moveEntry } = await import('@/lib/files');
    await moveEntry(owner.id, id, 'a.txt', 'dir/b.txt');
    const v = (await listVersions(owner.id, id, 'dir/b.txt')).versions;
    expect(v).toHaveLength(2);
    await expect(openVersionDownload(owner.id, other.id, v[1].id!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(restoreVersion(owner.id, other.id, v[1].id!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('prunes by count (VERSIONS_KEEP) at once and by age (VERSIONS_DAYS) in the sweep, deleting only unreferenced blobs', async () => {
    const { owner, id } = await setup();
    process.env.VERSIONS_KEEP = '2';
    await put(owner.id, id, 'p.txt', 'v1');
    const k1 = await keyOf(id, 'p.txt');
    await put(owner.id, id, 'p.txt', 'v2');
    const k2 = await keyOf(id, 'p.txt');
    await put(owner.id, id, 'p.txt', 'v3');
    const k3 = await keyOf(id, 'p.txt');
    await put(owner.id, id, 'p.txt', 'v4'); // v1 is the third earlier version: gone
    expect((await listVersions(owner.id, id, 'p.txt')).versions.map((v) => v.size)).toHaveLength(3);
    expect(await blobExists(k1)).toBe(false);
    expect(await blobExists(k2)).toBe(true);

    // Age: v2 was replaced 31 days ago.
    const db = await getDb();
    await db.update(fileVersions).set({ replacedAt: sql`now() - interval '31 days'` }).where(eq(fileVersions.storageKey, k2));
    // A blob still referenced elsewhere (a row of another table naming it) is not deleted with its version.
    await db.update(fileVersions).set({ replacedAt: sql`now() - interval '40 days'` }).where(eq(fileVersions.storageKey, k3));
    await db.insert(trashedEntries).values({ id: crypto.randomUUID(), trashId: crypto.randomUUID(), root: true, datasetId: id, path: 'ref.txt', kind: 'file', size: 2, storageKey: k3, createdAt: new Date(), updatedAt: new Date() });
    const r = await pruneHistory();
    expect(r.versions).toBeGreaterThanOrEqual(2);
    expect((await listVersions(owner.id, id, 'p.txt')).versions).toHaveLength(1);
    expect(await blobExists(k2)).toBe(false);
    expect(await blobExists(k3)).toBe(true);
    expect(await read(owner.id, id, 'p.txt')).toBe('v4');
  });
});

describe('trash', () => {
  it('a delete moves a file or folder to the Trash: invisible everywhere, bytes kept, counted in the size', async () => {
    const { owner, manager, editor, viewer, id } = await setup();
    await put(owner.id, id, 'keep.txt', 'keep');
    await put(owner.id, id, 'imgs/a.png', 'aaaa');
    await put(owner.id, id, 'imgs/sub/b.png', 'bb');
    await put(owner.id, id, 'imgs/sub/b.png', 'bbb'); // has a version
    const keys = [await keyOf(id, 'imgs/a.png'), await keyOf(id, 'imgs/sub/b.png')];
    await expect(deleteEntry(editor.id, id, 'imgs')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await deleteEntry(manager.id, id, 'imgs')).toEqual({ deletedFiles: 2 });

    expect((await listFolder(owner.id, id)).entries.map((e) => e.name)).toEqual(['keep.txt']);
    await expect(openDownload(owner.id, id, 'imgs/a.png')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listVersions(owner.id, id, 'imgs/sub/b.png')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await searchFiles(owner.id, id, 'png')).entries).toEqual([]);
    const archive = await openFolderArchive(owner.id, id, '');
    expect(archive.fileCount).toBe(1);
    for (const k of keys) expect(await blobExists(k)).toBe(true);
    expect(await getDatasetStats(await getDb(), id)).toMatchObject({ fileCount: 1, totalSize: 4 + 4 + 3 + 2 });

    await expect(listTrash(viewer.id, id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listTrash(editor.id, id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const trash = await listTrash(manager.id, id);
    expect(trash).toEqual([expect.objectContaining({ path: 'imgs', name: 'imgs', kind: 'folder', files: 2, size: 7, deletedBy: 'Mona Manager' })]);
  });

  it('restore puts an item back with its versions; a name taken since is refused with a message', async () => {
    const { owner, manager, editor, stranger, id } = await setup();
    await put(owner.id, id, 'd/x.txt', 'x1');
    await put(owner.id, id, 'd/x.txt', 'x2');
    await put(owner.id, id, 'solo.txt', 'solo');
    await deleteEntry(manager.id, id, 'd');
    await deleteEntry(manager.id, id, 'solo.txt');
    const [solo, d] = await listTrash(owner.id, id);
    expect([solo.path, d.path]).toEqual(['solo.txt', 'd']);

    await expect(restoreFromTrash(editor.id, id, d.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(restoreFromTrash(stranger.id, id, d.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await restoreFromTrash(manager.id, id, d.id);
    expect(await read(owner.id, id, 'd/x.txt')).toBe('x2');
    expect((await listVersions(owner.id, id, 'd/x.txt')).versions.map((v) => v.size)).toEqual([2, 2]);
    await expect(restoreFromTrash(manager.id, id, d.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Someone uploaded a new solo.txt meanwhile: the restore is refused, nothing changes.
    await put(editor.id, id, 'solo.txt', 'new');
    await expect(restoreFromTrash(owner.id, id, solo.id)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('“solo.txt” already exists') });
    expect(await read(owner.id, id, 'solo.txt')).toBe('new');
    expect(await listTrash(owner.id, id)).toHaveLength(1);
    // Renamed out of the way, it restores.
    const { renameEntry } = await import('@/lib/files');
    await renameEntry(owner.id, id, 'solo.txt', 'solo-new.txt');
    await restoreFromTrash(owner.id, id, solo.id);
    expect(await read(owner.id, id, 'solo.txt')).toBe('solo');

    // A deleted file whose folder is gone too: the folder comes back.
    await put(owner.id, id, 'deep/er/f.txt', 'f');
    await deleteEntry(owner.id, id, 'deep/er/f.txt');
    await deleteEntry(owner.id, id, 'deep');
    const f = (await listTrash(owner.id, id)).find((t) => t.path === 'deep/er/f.txt')!;
    await restoreFromTrash(owner.id, id, f.id);
    expect(await read(owner.id, id, 'deep/er/f.txt')).toBe('f');
    const events = await (await getDb()).select({ action: activityEvents.action }).from(activityEvents).where(eq(activityEvents.datasetId, id));
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['entry.restored', 'file.deleted', 'folder.deleted']));
  });

  it('empty trash deletes the entries, their versions and their bytes; managers and the owner only', async () => {
    const { owner, manager, editor, viewer, id } = await setup();
    await put(owner.id, id, 'gone.txt', 'g1');
    const k1 = await keyOf(id, 'gone.txt');
    await put(owner.id, id, 'gone.txt', 'g2');
    const k2 = await keyOf(id, 'gone.txt');
    await put(owner.id, id, 'stays.txt', 's1');
    await deleteEntry(owner.id, id, 'gone.txt');
    for (const u of [viewer, editor]) await expect(emptyTrash(u.id, id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await blobExists(k1)).toBe(true);
    expect(await emptyTrash(manager.id, id)).toEqual({ items: 1, files: 1, bytes: 4 });
    expect(await blobExists(k1)).toBe(false);
    expect(await blobExists(k2)).toBe(false);
    expect(await listTrash(owner.id, id)).toEqual([]);
    expect(await read(owner.id, id, 'stays.txt')).toBe('s1');
    expect(await getDatasetStats(await getDb(), id)).toEqual({ fileCount: 1, totalSize: 2, historySize: 0 });
    const events = await (await getDb()).select({ action: activityEvents.action }).from(activityEvents).where(eq(activityEvents.datasetId, id));
    expect(events.map((e) => e.action)).toContain('trash.emptied');
  });

  it('the sweep empties trash items older than TRASH_DAYS, and only those', async () => {
    const { owner, id } = await setup();
    await put(owner.id, id, 'old.txt', 'o');
    await put(owner.id, id, 'new.txt', 'n');
    const oldKey = await keyOf(id, 'old.txt');
    await deleteEntry(owner.id, id, 'old.txt');
    await deleteEntry(owner.id, id, 'new.txt');
    await (await getDb()).update(trashedEntries).set({ deletedAt: sql`now() - interval '31 days'` }).where(and(eq(trashedEntries.datasetId, id), eq(trashedEntries.path, 'old.txt')));
    const r = await pruneHistory();
    expect(r.trashItems).toBeGreaterThanOrEqual(1);
    expect((await listTrash(owner.id, id)).map((t) => t.path)).toEqual(['new.txt']);
    expect(await blobExists(oldKey)).toBe(false);
    const events = await (await getDb()).select({ action: activityEvents.action }).from(activityEvents).where(eq(activityEvents.datasetId, id));
    expect(events.map((e) => e.action)).toContain('trash.expired');
  });
});

describe('edges', () => {
  it('parallel overwrites lose nothing: each replaced content becomes a version', async () => {
    const { owner, editor, id } = await setup();
    await put(owner.id, id, 'race.txt', 'start');
    await Promise.all(['a', 'bb', 'ccc'].map((c) => put(editor.id, id, 'race.txt', c)));
    const v = (await listVersions(owner.id, id, 'race.txt')).versions;
    expect(v).toHaveLength(4);
    expect(v.map((x) => x.size).sort()).toEqual([1, 2, 3, 5]);
    const [current] = await (await getDb()).select({ size: entries.size }).from(entries).where(and(eq(entries.datasetId, id), eq(entries.path, 'race.txt')));
    expect(current.size).toBe(v[0].size);
  });

  it('a locked dataset refuses restores and emptying the Trash, whatever the role', async () => {
    const { owner, id } = await setup();
    await put(owner.id, id, 'l.txt', '1');
    await put(owner.id, id, 'l.txt', '2');
    await put(owner.id, id, 'gone.txt', 'g');
    await deleteEntry(owner.id, id, 'gone.txt');
    const versionId = (await listVersions(owner.id, id, 'l.txt')).versions[1].id!;
    const [item] = await listTrash(owner.id, id);
    const { setDatasetReadOnly } = await import('@/lib/datasets');
    await setDatasetReadOnly(owner.id, id, true);
    await expect(restoreVersion(owner.id, id, versionId)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(restoreFromTrash(owner.id, id, item.id)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(emptyTrash(owner.id, id)).rejects.toMatchObject({ code: 'LOCKED' });
    // Downloads of versions still work for readers.
    expect(await text(await (await openVersionDownload(owner.id, id, versionId)).open())).toBe('1');
  });

  it("deleting the dataset queues its versions' and its Trash's blobs for removal", async () => {
    const { owner, id } = await setup();
    await put(owner.id, id, 'v.txt', '1');
    const versionKey = await keyOf(id, 'v.txt');
    await put(owner.id, id, 'v.txt', '2');
    await put(owner.id, id, 't.txt', 't');
    const trashKey = await keyOf(id, 't.txt');
    await deleteEntry(owner.id, id, 't.txt');
    const currentKey = await keyOf(id, 'v.txt');
    const { deleteDataset } = await import('@/lib/datasets');
    const { getDatasetDetails } = await import('@/lib/datasets');
    const { name } = await getDatasetDetails(owner.id, id);
    // Queued for background deletion in the deleting transaction (lib/storage/deletions.ts).
    expect(await deleteDataset(owner.id, id, name)).toEqual({ queuedBlobs: 3 }); // the current v.txt, its version, the trashed t.txt
    const queued = (await (await getDb()).select({ key: blobDeletions.key }).from(blobDeletions)).map((q) => q.key);
    expect(queued).toEqual(expect.arrayContaining([versionKey, trashKey, currentKey]));
    expect(await (await getDb()).select().from(fileVersions).where(eq(fileVersions.datasetId, id))).toEqual([]);
  });
});

describe('blob references', () => {
  it('the storage sweep never deletes the bytes of a version or of a trashed file, however old', async () => {
    const { owner, id } = await setup();
    await put(owner.id, id, 'v.txt', 'version bytes');
    const versionKey = await keyOf(id, 'v.txt');
    await put(owner.id, id, 'v.txt', 'current');
    await put(owner.id, id, 't.txt', 'trashed bytes');
    const trashKey = await keyOf(id, 't.txt');
    await deleteEntry(owner.id, id, 't.txt');
    const store = getBlobStore() as LocalBlobStore;
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    for (const k of [versionKey, trashKey]) fs.utimesSync(store.pathOf(k), old, old);
    expect(await referencedBlobKeys(await getDb(), [versionKey, trashKey, 'nope'])).toEqual(new Set([versionKey, trashKey]));
    await sweepStorage();
    expect(await blobExists(versionKey)).toBe(true);
    expect(await blobExists(trashKey)).toBe(true);
  });
});

describe('over the S3 endpoint', () => {
  let server: Awaited<ReturnType<typeof startS3TestServer>>;
  beforeAll(async () => {
    server = await startS3TestServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  async function client(userId: string): Promise<S3Client> {
    const key = await createAccessKey(userId, { name: 'history', readOnly: false, datasetId: null, expiresAt: null });
    return s3Client(server.url, key.accessKeyId, key.secretAccessKey);
  }

  it('PutObject, CopyObject and CompleteMultipartUpload onto an existing key keep versions; deletes go to the Trash and vanish from S3', async () => {
    const { owner, editor, id } = await setup();
    const s3 = await client(editor.id);
    const Bucket = id;
    await s3.send(new PutObjectCommand({ Bucket, Key: 'obj.txt', Body: 'first' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'obj.txt', Body: 'second' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'src.txt', Body: 'copied' }));
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'obj.txt', CopySource: `${Bucket}/src.txt` }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'obj.txt' }));
    const part = await s3.send(new UploadPartCommand({ Bucket, Key: 'obj.txt', UploadId, PartNumber: 1, Body: 'multipart' }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'obj.txt', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));

    const v = (await listVersions(owner.id, id, 'obj.txt')).versions;
    expect(v.map((x) => x.size)).toEqual([9, 6, 6, 5]);
    const contents = await Promise.all(v.slice(1).map(async (x) => text(await (await openVersionDownload(owner.id, id, x.id!)).open())));
    expect(contents).toEqual(['copied', 'second', 'first']);

    // Deletes need a manager; they go to the Trash, and S3 no longer sees the key.
    const m = await client(owner.id);
    await m.send(new DeleteObjectCommand({ Bucket, Key: 'obj.txt' }));
    await m.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'src.txt' }] } }));
    expect((await m.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).toEqual([]);
    await expect(m.send(new GetObjectCommand({ Bucket, Key: 'obj.txt' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect((await listTrash(owner.id, id)).map((t) => t.path).sort()).toEqual(['obj.txt', 'src.txt']);
    const s3Deletes = await (await getDb()).select({ detail: activityEvents.detail }).from(activityEvents).where(and(eq(activityEvents.datasetId, id), eq(activityEvents.action, 'file.deleted')));
    expect(s3Deletes).toHaveLength(2);
    await createFolder(owner.id, id, 'unrelated');
  });
});
