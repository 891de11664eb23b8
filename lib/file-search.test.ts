import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { uploadFile } from '@/lib/files';
import { makeDataset, makeUser } from '@/lib/testing/factories';
import { searchFiles } from './file-search';

describe('searching a dataset', () => {
  it('finds files and folders anywhere by path, case-insensitively, and only for people with access', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    for (const p of ['imgs/cats/Tabby_01.png', 'imgs/dogs/beagle.png', 'labels/cats.csv', 'README.md']) {
      await uploadFile(owner.id, ds.id, p, Readable.from([Buffer.from('x')]));
    }
    const r = await searchFiles(owner.id, ds.id, 'CAT');
    expect(r.entries.map((e) => e.path)).toEqual(['imgs/cats', 'imgs/cats/Tabby_01.png', 'labels/cats.csv']);
    expect((await searchFiles(owner.id, ds.id, '%')).entries).toEqual([]); // no wildcard meaning
    expect((await searchFiles(owner.id, ds.id, 'a\u0000b')).entries).toEqual([]);
    expect((await searchFiles(owner.id, ds.id, '   ')).entries).toEqual([]);
    const stranger = await makeUser('Stranger');
    await expect(searchFiles(stranger.id, ds.id, 'cat')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
