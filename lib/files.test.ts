import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, datasetGrants, datasets, entries } from '@/db/schema';
import { config } from '@/lib/config';
import { makeUser } from '@/lib/testing/factories';
import { createFolder, deleteEntry, getDatasetStats, listFolder, listStorageKeys, moveEntry, openDownload, renameEntry, statsForDatasets, uploadFile } from './files';

async function makeDataset(opts: { readOnly?: boolean } = {}) {
  const owner = await makeUser('Owner');
  const db = await getDb();
  const [ds] = await db
    .insert(datasets)
    .values({ ownerId: owner.id, name: `ds-${crypto.randomUUID().slice(0, 8)}`, readOnly: opts.readOnly ?? false })
    .returning({ id: datasets.id, updatedAt: datasets.updatedAt });
  return { owner, id: ds.id, updatedAt: ds.updatedAt };
}

async function grant(datasetId: string, role: 'viewer' | 'editor' | 'manager') {
  const user = await makeUser(role);
  await (await getDb()).insert(datasetGrants).values({ datasetId, userId: user.id, role });
  return user;
}

async function* bytes(...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
}

async function* failing() {
  yield Buffer.alloc(64 * 1024, 1);
  throw new Error('client went away');
}

const blobsDir = () => path.join(config.dataDir, 'blobs');
const blobExists = (key: string) => fs.existsSync(path.join(blobsDir(), key.slice(0, 2), key.slice(2, 4), key));
const tmpFiles = () => {
  const dir = path.join(blobsDir(), 'tmp');
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.part')) : [];
};
const upload = (userId: string, ds: string, p: string, content: string) => uploadFile(userId, ds, p, bytes(content), { contentLength: Buffer.byteLength(content) });
const names = async (userId: string, ds: string, folder = '') => (await listFolder(userId, ds, folder)).entries.map((e) => `${e.kind}:${e.name}`);
async function keyOf(ds: string, p: string) {
  const [row] = await (await getDb()).select({ key: entries.storageKey }).from(entries).where(and(eq(entries.datasetId, ds), eq(entries.path, p)));
  return row?.key ?? null;
}

// A file row without bytes, written straight to the table (bypassing locks), for delete to remove.
async function seedEntry(datasetId: string) {
  const name = `victim-${crypto.randomUUID()}.txt`;
  if (datasetId === 'not-a-uuid') return name;
  await (await getDb()).insert(entries).values({ datasetId, path: name, parent: '', name, kind: 'file' });
  return name;
}

const originalMax = process.env.MAX_UPLOAD_BYTES;
afterEach(() => {
  if (originalMax === undefined) delete process.env.MAX_UPLOAD_BYTES;
  else process.env.MAX_UPLOAD_BYTES = originalMax;
});

describe('file operations by role', () => {
  // Every lib/files operation, with the lowest role PRODUCT.md §2 allows it.
  const ops = {
    listFolder: { min: 'viewer', run: (u: string, ds: string) => listFolder(u, ds, '') },
    openDownload: { min: 'viewer', run: (u: string, ds: string) => openDownload(u, ds, 'seed.txt') },
    uploadFile: { min: 'editor', run: (u: string, ds: string) => upload(u, ds, `up-${crypto.randomUUID()}.txt`, 'x') },
    createFolder: { min: 'editor', run: (u: string, ds: string) => createFolder(u, ds, `f-${crypto.randomUUID()}`) },
    renameEntry: { min: 'manager', run: (u: string, ds: string) => renameEntry(u, ds, 'seed.txt', 'seed.txt') },
    moveEntry: { min: 'manager', run: (u: string, ds: string) => moveEntry(u, ds, 'seed.txt', 'seed.txt') },
    deleteEntry: { min: 'manager', run: async (u: string, ds: string) => deleteEntry(u, ds, await seedEntry(ds)) },
  } as const;
  const rank = { viewer: 1, editor: 2, manager: 3, owner: 4 } as const;

  for (const [name, op] of Object.entries(ops)) {
    it(`${name}: strangers get NOT_FOUND, lower roles FORBIDDEN, a locked dataset LOCKED`, async () => {
      const { owner, id } = await makeDataset();
      await upload(owner.id, id, 'seed.txt', 'seed');
      const stranger = await makeUser('Stranger');
      await expect(op.run(stranger.id, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(op.run(owner.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      for (const role of ['viewer', 'editor', 'manager'] as const) {
        const user = await grant(id, role);
        if (rank[role] >= rank[op.min]) await expect(op.run(user.id, id)).resolves.toBeDefined();
        else await expect(op.run(user.id, id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      }
      await expect(op.run(owner.id, id)).resolves.toBeDefined();
      const db = await getDb();
      await db.update(datasets).set({ readOnly: true }).where(eq(datasets.id, id));
      if (op.min === 'viewer') await expect(op.run(owner.id, id)).resolves.toBeDefined();
      else await expect(op.run(owner.id, id)).rejects.toMatchObject({ code: 'LOCKED' });
    });
  }
});

describe('uploads', () => {
  it('stores the bytes, creates parent folders, bumps the dataset and logs activity', async () => {
    const { owner, id, updatedAt } = await makeDataset();
    const r = await upload(owner.id, id, 'raw/2024/data.csv', 'a,b\n1,2\n');
    expect(r).toMatchObject({ path: 'raw/2024/data.csv', size: 8, created: true });
    expect(await names(owner.id, id)).toEqual(['folder:raw']);
    expect((await listFolder(owner.id, id, 'raw')).entries).toEqual([expect.objectContaining({ name: '2024', kind: 'folder', items: 1 })]);
    expect((await listFolder(owner.id, id, 'raw/2024')).entries[0]).toMatchObject({ name: 'data.csv', size: 8, items: null });
    expect(await names(owner.id, id, 'raw/2024')).toEqual(['file:data.csv']);
    const dl = await openDownload(owner.id, id, 'raw/2024/data.csv');
    expect(await text(await dl.open())).toBe('a,b\n1,2\n');
    expect(await text(await dl.open({ start: 4, end: 6 }))).toBe('1,2');
    expect(dl.sha256).toBe(crypto.createHash('sha256').update('a,b\n1,2\n').digest('hex'));
    const db = await getDb();
    const [ds] = await db.select({ updatedAt: datasets.updatedAt }).from(datasets).where(eq(datasets.id, id));
    expect(ds.updatedAt.getTime()).toBeGreaterThan(updatedAt.getTime());
    const events = await db.select({ action: activityEvents.action, detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.datasetId, id));
    expect(events).toContainEqual({ action: 'file.uploaded', detail: { path: 'raw/2024/data.csv', size: 8 } });
    expect(await getDatasetStats(db, id)).toEqual({ fileCount: 1, totalSize: 8, historySize: 0 });
  });

  it('refuses over the limit (declared or counted) with TOO_LARGE and keeps nothing', async () => {
    const { owner, id } = await makeDataset();
    process.env.MAX_UPLOAD_BYTES = '10';
    await expect(uploadFile(owner.id, id, 'big.bin', bytes('x'), { contentLength: 11 })).rejects.toMatchObject({ code: 'TOO_LARGE', status: 413 });
    await expect(uploadFile(owner.id, id, 'big.bin', bytes('123456', '789012'))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(await names(owner.id, id)).toEqual([]);
    expect(tmpFiles()).toEqual([]);
  });

  it('an interrupted upload leaves no entry and no stray bytes', async () => {
    const { owner, id } = await makeDataset();
    await upload(owner.id, id, 'keep.txt', 'original');
    const before = await listStorageKeys(await getDb(), id);
    await expect(uploadFile(owner.id, id, 'partial.bin', failing())).rejects.toThrow('client went away');
    await expect(uploadFile(owner.id, id, 'keep.txt', failing())).rejects.toThrow('client went away');
    await expect(uploadFile(owner.id, id, 'short.bin', bytes('abc'), { contentLength: 10 })).rejects.toMatchObject({ code: 'INVALID' });
    expect(await names(owner.id, id)).toEqual(['file:keep.txt']);
    expect(await text(await (await openDownload(owner.id, id, 'keep.txt')).open())).toBe('original');
    expect(await listStorageKeys(await getDb(), id)).toEqual(before);
    expect(tmpFiles()).toEqual([]);
  });

  it('overwriting replaces the file and keeps the old blob as an earlier version (counted in the size)', async () => {
    const { owner, id } = await makeDataset();
    await upload(owner.id, id, 'f.txt', 'one');
    const oldKey = (await keyOf(id, 'f.txt'))!;
    const r = await upload(owner.id, id, 'f.txt', 'two!');
    expect(r.created).toBe(false);
    expect(await text(await (await openDownload(owner.id, id, 'f.txt')).open())).toBe('two!');
    expect(blobExists(oldKey)).toBe(true);
    expect(blobExists((await keyOf(id, 'f.txt'))!)).toBe(true);
    expect(await getDatasetStats(await getDb(), id)).toEqual({ fileCount: 1, totalSize: 7, historySize: 3 });
  });

  it('refuses to write a file over a folder or under a file (CONFLICT), and bad paths (INVALID)', async () => {
    const { owner, id } = await makeDataset();
    await createFolder(owner.id, id, 'dir');
    await upload(owner.id, id, 'file.txt', 'x');
    await expect(upload(owner.id, id, 'dir', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(upload(owner.id, id, 'file.txt/inner', 'x')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(createFolder(owner.id, id, 'dir')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(createFolder(owner.id, id, 'file.txt')).rejects.toMatchObject({ code: 'CONFLICT' });
    for (const bad of ['../x', '/x', 'a//b', 'a\u0000b']) await expect(upload(owner.id, id, bad, 'x')).rejects.toMatchObject({ code: 'INVALID' });
    await expect(openDownload(owner.id, id, 'dir')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listFolder(owner.id, id, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('rename, move and delete', () => {
  it('renaming a folder moves its contents; the target must be free', async () => {
    const { owner, id } = await makeDataset();
    await upload(owner.id, id, 'a/b/c.txt', 'c');
    await upload(owner.id, id, 'a/top.txt', 't');
    await upload(owner.id, id, 'ab.txt', 'not inside a');
    await upload(owner.id, id, 'taken/x', 'x');
    await renameEntry(owner.id, id, 'a', 'z');
    expect(await names(owner.id, id)).toEqual(['folder:taken', 'folder:z', 'file:ab.txt']);
    expect(await names(owner.id, id, 'z')).toEqual(['folder:b', 'file:top.txt']);
    expect(await text(await (await openDownload(owner.id, id, 'z/b/c.txt')).open())).toBe('c');
    await expect(openDownload(owner.id, id, 'a/b/c.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(renameEntry(owner.id, id, 'z', 'taken')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(renameEntry(owner.id, id, 'ab.txt', 'a/b')).rejects.toMatchObject({ code: 'INVALID' });
    await expect(moveEntry(owner.id, id, 'z', 'z/b/inside')).rejects.toMatchObject({ code: 'INVALID' });
    await expect(moveEntry(owner.id, id, 'missing', 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await moveEntry(owner.id, id, 'z/b', 'taken/deeper/b');
    expect(await names(owner.id, id, 'taken/deeper/b')).toEqual(['file:c.txt']);
    const [row] = await (await getDb()).select({ parent: entries.parent, name: entries.name }).from(entries).where(and(eq(entries.datasetId, id), eq(entries.path, 'taken/deeper/b/c.txt')));
    expect(row).toEqual({ parent: 'taken/deeper/b', name: 'c.txt' });
  });

  it('deleting a folder moves it and its contents to the Trash, keeping their blobs, and nothing else', async () => {
    const { owner, id } = await makeDataset();
    await upload(owner.id, id, 'd/1.txt', '1');
    await upload(owner.id, id, 'd/e/2.txt', '22');
    await upload(owner.id, id, 'dd.txt', 'keep');
    const keys = [(await keyOf(id, 'd/1.txt'))!, (await keyOf(id, 'd/e/2.txt'))!];
    expect(await deleteEntry(owner.id, id, 'd')).toEqual({ deletedFiles: 2 });
    expect(await names(owner.id, id)).toEqual(['file:dd.txt']);
    for (const k of keys) expect(blobExists(k)).toBe(true);
    expect(await listStorageKeys(await getDb(), id)).toEqual(expect.arrayContaining(keys));
    expect(blobExists((await keyOf(id, 'dd.txt'))!)).toBe(true);
    await expect(deleteEntry(owner.id, id, 'd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports stats for many datasets in one call', async () => {
    const a = await makeDataset();
    const b = await makeDataset();
    await upload(a.owner.id, a.id, 'x/1', '123');
    await upload(a.owner.id, a.id, '2', '45');
    const stats = await statsForDatasets(await getDb(), [a.id, b.id]);
    expect(stats.get(a.id)).toEqual({ fileCount: 2, totalSize: 5, historySize: 0 });
    expect(stats.get(b.id)).toEqual({ fileCount: 0, totalSize: 0, historySize: 0 }); // every dataset has its totals row
  });
});
