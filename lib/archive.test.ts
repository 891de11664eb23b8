import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { createFolder, uploadFile } from '@/lib/files';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { openFolderArchive } from './archive';

/** Every entry of a zip: name → bytes (directories end with '/'). */
async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((ok, no) => yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true }, (e, z) => (e ? no(e) : ok(z!))));
  const out = new Map<string, Buffer>();
  await new Promise<void>((ok, no) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) {
        out.set(entry.fileName, Buffer.alloc(0));
        return zip.readEntry();
      }
      zip.openReadStream(entry, async (e, s) => {
        if (e) return no(e);
        out.set(entry.fileName, await buffer(s!));
        zip.readEntry();
      });
    });
    zip.on('end', ok);
    zip.on('error', no);
    zip.readEntry();
  });
  return out;
}

const put = (userId: string, dsId: string, path: string, body: string) => uploadFile(userId, dsId, path, Readable.from([Buffer.from(body)]));

describe('folder downloads as .zip', () => {
  it('streams a folder with the same bytes, unicode names and empty folders, paths relative to it', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id, 'pets');
    await put(owner.id, ds.id, 'imgs/cat.txt', 'meow');
    await put(owner.id, ds.id, 'imgs/sub/Ünïcødé 猫.txt', 'nyan');
    await createFolder(owner.id, ds.id, 'imgs/empty');
    await put(owner.id, ds.id, 'other.txt', 'not in the folder');

    const archive = await openFolderArchive(owner.id, ds.id, 'imgs');
    expect(archive).toMatchObject({ fileName: 'imgs.zip', fileCount: 2, totalSize: 8 });
    const entries = await unzip(await buffer(archive.stream()));
    expect([...entries.keys()].sort()).toEqual(['cat.txt', 'empty/', 'sub/', 'sub/Ünïcødé 猫.txt']);
    expect(entries.get('cat.txt')!.toString()).toBe('meow');
    expect(entries.get('sub/Ünïcødé 猫.txt')!.toString()).toBe('nyan');

    const whole = await openFolderArchive(owner.id, ds.id, '');
    expect(whole.fileName).toBe('pets.zip');
    expect([...(await unzip(await buffer(whole.stream()))).keys()]).toContain('other.txt');
  });

  it('is authorized like a download, and refuses more than MAX_ZIP_BYTES before sending anything', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await put(owner.id, ds.id, 'big/a.txt', 'x'.repeat(600));
    await put(owner.id, ds.id, 'big/b.txt', 'y'.repeat(600));
    const stranger = await makeUser('Stranger');
    await expect(openFolderArchive(stranger.id, ds.id, 'big')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    expect((await openFolderArchive(viewer.id, ds.id, 'big')).fileCount).toBe(2);
    await expect(openFolderArchive(owner.id, ds.id, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(openFolderArchive(owner.id, ds.id, '../etc')).rejects.toMatchObject({ code: 'INVALID' });

    process.env.MAX_ZIP_BYTES = '1000';
    try {
      await expect(openFolderArchive(owner.id, ds.id, 'big')).rejects.toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('more than the 1000 B') });
    } finally {
      delete process.env.MAX_ZIP_BYTES;
    }
  });
});
