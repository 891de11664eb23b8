import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { getDb } from '@/db/client';
import { activityEvents, entries } from '@/db/schema';
import { openSelectionArchive } from '@/lib/archive';
import { searchFiles } from '@/lib/file-search';
import { createFolder, deleteEntries, listFolder, parseFolderPageParams, uploadFile } from '@/lib/files';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';

const put = (userId: string, dsId: string, path: string, body: string) => uploadFile(userId, dsId, path, Readable.from([Buffer.from(body)]));

// Rows written straight to the table: paging is about the listing, not the bytes.
async function seed(datasetId: string, n: number, parent = '') {
  const db = await getDb();
  const rows = Array.from({ length: n }, (_, i) => {
    const name = `f${String(i).padStart(5, '0')}.bin`;
    return { datasetId, path: parent ? `${parent}/${name}` : name, parent, name, kind: 'file' as const, size: (i * 7919) % 1000, updatedAt: new Date(Date.UTC(2024, 0, 1) + ((i * 104729) % n) * 1000) };
  });
  for (let i = 0; i < rows.length; i += 500) await db.insert(entries).values(rows.slice(i, i + 500));
}

async function zipNames(bytes: Buffer): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((ok, no) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (e, z) => (e ? no(e) : ok(z!))));
  const out: string[] = [];
  await new Promise<void>((ok, no) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      out.push(entry.fileName);
      zip.readEntry();
    });
    zip.on('end', ok);
    zip.on('error', no);
    zip.readEntry();
  });
  return out.sort();
}

describe('folder pages', () => {
  it('pages a folder folders-first, in every sort order, without gaps or repeats', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await seed(ds.id, 250);
    for (const f of ['zeta', 'alpha', 'mid']) await createFolder(owner.id, ds.id, f);
    const all = async (sort: 'name' | 'size' | 'modified', dir: 'asc' | 'desc') => {
      const seen: string[] = [];
      for (let page = 1; ; page++) {
        const l = await listFolder(owner.id, ds.id, '', { sort, dir, page, pageSize: 40 });
        expect(l.entries.length).toBeLessThanOrEqual(40);
        seen.push(...l.entries.map((e) => `${e.kind}:${e.name}:${e.size}:${e.updatedAt.getTime()}`));
        if (!l.hasNext) break;
      }
      return seen;
    };
    const byName = await all('name', 'asc');
    expect(byName).toHaveLength(253);
    expect(byName.slice(0, 3).map((s) => s.split(':')[1])).toEqual(['alpha', 'mid', 'zeta']);
    expect(byName[3].split(':')[1]).toBe('f00000.bin');
    expect(new Set(byName).size).toBe(253);
    const desc = await all('name', 'desc');
    expect(desc.slice(0, 4).map((s) => s.split(':')[1])).toEqual(['zeta', 'mid', 'alpha', 'f00249.bin']);
    const bySize = (await all('size', 'asc')).slice(3).map((s) => Number(s.split(':')[2]));
    expect(bySize).toEqual([...bySize].sort((a, b) => a - b));
    expect(bySize).toHaveLength(250);
    const byTime = (await all('modified', 'desc')).slice(3).map((s) => Number(s.split(':')[3]));
    expect(byTime).toEqual([...byTime].sort((a, b) => b - a));
    // A page past the end is empty, not an error.
    const past = await listFolder(owner.id, ds.id, '', { page: 99, pageSize: 40 });
    expect(past).toMatchObject({ entries: [], hasNext: false });
  });

  it('reads page parameters leniently', () => {
    expect(parseFolderPageParams({})).toEqual({ sort: 'name', dir: 'asc', page: 1 });
    expect(parseFolderPageParams({ sort: 'size', dir: 'desc', page: '3' })).toEqual({ sort: 'size', dir: 'desc', page: 3 });
    expect(parseFolderPageParams({ sort: 'drop table', dir: 'sideways', page: '-4' })).toEqual({ sort: 'name', dir: 'asc', page: 1 });
    expect(parseFolderPageParams({ page: ['2', '3'] }).page).toBe(1);
  });
});

describe('selections', () => {
  it('deletes a selection in one transaction and one activity event; managers only', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await put(owner.id, ds.id, 'a.txt', 'a');
    await put(owner.id, ds.id, 'b.txt', 'b');
    await put(owner.id, ds.id, 'keep.txt', 'k');
    await put(owner.id, ds.id, 'dir/x.txt', 'x');
    const editor = await makeUser('Editor');
    await grantAccess(ds.id, editor.id, 'editor');
    await expect(deleteEntries(editor.id, ds.id, ['a.txt'])).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const stranger = await makeUser('Stranger');
    await expect(deleteEntries(stranger.id, ds.id, ['a.txt'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(deleteEntries(owner.id, ds.id, ['../etc'])).rejects.toMatchObject({ code: 'INVALID' });
    await expect(deleteEntries(owner.id, ds.id, [])).rejects.toMatchObject({ code: 'INVALID' });

    expect(await deleteEntries(owner.id, ds.id, ['a.txt', 'b.txt', 'dir', 'gone.txt'])).toEqual({ deleted: 3, deletedFiles: 3 });
    expect((await listFolder(owner.id, ds.id, '')).entries.map((e) => e.name)).toEqual(['keep.txt']);
    const events = await (await getDb()).select().from(activityEvents).where(and(eq(activityEvents.datasetId, ds.id), eq(activityEvents.action, 'entries.deleted')));
    expect(events).toHaveLength(1);
    expect(events[0].detail).toMatchObject({ entries: 3, files: 3 });
    await expect(deleteEntries(owner.id, ds.id, ['a.txt'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('zips a selection with names relative to its folder; viewers may, strangers get NOT_FOUND', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await put(owner.id, ds.id, 'imgs/cat.txt', 'meow');
    await put(owner.id, ds.id, 'imgs/dog.txt', 'woof');
    await put(owner.id, ds.id, 'imgs/sub/ü.txt', 'u');
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    const archive = await openSelectionArchive(viewer.id, ds.id, ['imgs/cat.txt', 'imgs/sub']);
    expect(archive.fileName).toBe('imgs (selection).zip');
    expect(await zipNames(await buffer(archive.stream()))).toEqual(['cat.txt', 'sub/', 'sub/ü.txt']);
    const stranger = await makeUser('Stranger');
    await expect(openSelectionArchive(stranger.id, ds.id, ['imgs/cat.txt'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openSelectionArchive(owner.id, ds.id, ['nope.txt'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const old = process.env.MAX_ZIP_BYTES;
    process.env.MAX_ZIP_BYTES = '1000';
    await put(owner.id, ds.id, 'imgs/big.bin', 'x'.repeat(1200));
    try {
      await expect(openSelectionArchive(owner.id, ds.id, ['imgs/cat.txt', 'imgs/big.bin'])).rejects.toMatchObject({ code: 'TOO_LARGE' });
    } finally {
      if (old === undefined) delete process.env.MAX_ZIP_BYTES;
      else process.env.MAX_ZIP_BYTES = old;
    }
  });
});

describe('search', () => {
  it('treats LIKE wildcards literally', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await put(owner.id, ds.id, 'Tabby_01.png', 'x');
    await put(owner.id, ds.id, 'TabbyX01.png', 'x');
    await put(owner.id, ds.id, '100%.txt', 'x');
    expect((await searchFiles(owner.id, ds.id, 'y_0')).entries.map((e) => e.path)).toEqual(['Tabby_01.png']);
    expect((await searchFiles(owner.id, ds.id, '0%')).entries.map((e) => e.path)).toEqual(['100%.txt']);
    expect((await searchFiles(owner.id, ds.id, 'tabby')).entries).toHaveLength(2);
  });
});
