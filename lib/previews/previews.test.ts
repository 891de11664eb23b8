import { Readable } from 'node:stream';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it, vi } from 'vitest';
import { uploadFile } from '@/lib/files';
import { getBlobStore } from '@/lib/storage';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { looksBinary, previewKind, trimPartialChar } from './kinds';
import { joinRelative } from './links';
import { inferColumnType, previewDelimited } from './tables';
import { previewFile, readDatasetReadme, TEXT_HEAD_BYTES } from './index';

async function withFile(name: string, body: Buffer | string) {
  const owner = await makeUser('Owner');
  const ds = await makeDataset(owner.id);
  await uploadFile(owner.id, ds.id, name, Readable.from([Buffer.from(body)]));
  return { owner, ds };
}

describe('preview kinds', () => {
  it('by extension; SVG and HTML never get a preview (they can carry script)', () => {
    expect(previewKind('a.PNG')).toBe('image');
    expect(previewKind('train.csv')).toBe('csv');
    expect(previewKind('x.tsv')).toBe('tsv');
    expect(previewKind('README.md')).toBe('markdown');
    expect(previewKind('rows.jsonl')).toBe('jsonl');
    expect(previewKind('part-0.parquet')).toBe('parquet');
    expect(previewKind('config.yaml')).toBe('text');
    expect(previewKind('logo.svg')).toBe('none');
    expect(previewKind('index.html')).toBe('none');
    expect(previewKind('weights.bin')).toBe('none');
  });

  it('tells binary from text, and does not split a UTF-8 character at a cut', () => {
    expect(looksBinary(Buffer.from('a,b\n1,2\n'))).toBe(false);
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]))).toBe(true);
    const euro = Buffer.from('price €');
    expect(Buffer.from(trimPartialChar(euro.subarray(0, euro.length - 1))).toString()).toBe('price ');
    expect(looksBinary(euro.subarray(0, euro.length - 1))).toBe(false);
  });
});

describe('tables', () => {
  it('infers column types and keeps names', () => {
    expect(inferColumnType(['1', '2', ''])).toBe('integer');
    expect(inferColumnType(['1', '2.5'])).toBe('float');
    expect(inferColumnType(['true', 'FALSE'])).toBe('boolean');
    expect(inferColumnType(['2024-01-02', '2024-02-03T04:05:06Z'])).toBe('date');
    expect(inferColumnType(['1', 'cat'])).toBe('string');
    expect(inferColumnType(['', ''])).toBe('empty');
    const t = previewDelimited('id,label,score\n1,cat,0.5\n2,"dog, big",1\n3,bird', ',', false);
    expect(t.columns).toEqual([{ name: 'id', type: 'integer' }, { name: 'label', type: 'string' }, { name: 'score', type: 'float' }]);
    expect(t.rows[1]).toEqual(['2', 'dog, big', '1']);
    expect(t.truncated).toBe(false);
  });

  it('a head cut mid-line drops the partial last row; ragged rows are padded', () => {
    const t = previewDelimited('a,b\n1,2\n3', ',', true);
    expect(t.rows).toEqual([['1', '2']]);
    expect(t.truncated).toBe(true);
    expect(previewDelimited('a\n1,2,3', ',', false).columns.map((c) => c.name)).toEqual(['a', 'column 2', 'column 3']);
  });
});

describe('Markdown links stay inside the dataset', () => {
  it('resolves relative paths, refuses absolute and escaping ones', () => {
    expect(joinRelative('', 'img/a.png')).toBe('img/a.png');
    expect(joinRelative('docs', './img/a%20b.png')).toBe('docs/img/a b.png');
    expect(joinRelative('docs', '../cover.png')).toBe('cover.png');
    expect(joinRelative('', '../../etc/passwd')).toBeNull();
    expect(joinRelative('', 'https://tracker.example/pixel.gif')).toBeNull();
    expect(joinRelative('', '//tracker.example/pixel.gif')).toBeNull();
    expect(joinRelative('', 'javascript:alert(1)')).toBeNull();
  });
});

describe('file previews', () => {
  it('a CSV shows its first rows with types, reading only the head of a large file', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i},name-${i},${i / 2}`).join('\n');
    const { owner, ds } = await withFile('big.csv', `id,name,half\n${rows}\n`);
    const store = getBlobStore();
    const spy = vi.spyOn(store, 'openRead');
    const p = await previewFile(owner.id, ds.id, 'big.csv');
    expect(p.preview).toMatchObject({ kind: 'table' });
    if (p.preview.kind !== 'table') throw new Error('not a table');
    expect(p.preview.table.columns.map((c) => c.type)).toEqual(['integer', 'string', 'float']);
    expect(p.preview.table.rows).toHaveLength(1000);
    expect(p.preview.table.truncated).toBe(true);
    // One ranged read of the head, never the whole file.
    expect(spy).toHaveBeenCalledTimes(1);
    const range = spy.mock.calls[0][1]!;
    expect(range.start).toBe(0);
    expect(range.end).toBeLessThan(p.size - 1);
    spy.mockRestore();
  });

  it('binary bytes named .csv fall back to a readable message', async () => {
    const { owner, ds } = await withFile('fake.csv', Buffer.from([0, 1, 2, 3, 0xff, 0xfe]));
    expect((await previewFile(owner.id, ds.id, 'fake.csv')).preview).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('binary') });
  });

  it('text is cut at 1 MB; JSON is pretty-printed; malformed JSON shows as text', async () => {
    const { owner, ds } = await withFile('huge.txt', 'x'.repeat(TEXT_HEAD_BYTES + 10));
    const p = await previewFile(owner.id, ds.id, 'huge.txt');
    expect(p.preview).toMatchObject({ kind: 'text', truncated: true });
    if (p.preview.kind === 'text') expect(p.preview.text).toHaveLength(TEXT_HEAD_BYTES);
    await uploadFile(owner.id, ds.id, 'a.json', Readable.from([Buffer.from('{"a":[1,2]}')]));
    expect((await previewFile(owner.id, ds.id, 'a.json')).preview).toMatchObject({ kind: 'text', text: '{\n  "a": [\n    1,\n    2\n  ]\n}' });
    await uploadFile(owner.id, ds.id, 'bad.json', Readable.from([Buffer.from('{"a":')]));
    expect((await previewFile(owner.id, ds.id, 'bad.json')).preview).toMatchObject({ kind: 'text', text: '{"a":' });
  });

  it('JSON Lines become a table over their keys', async () => {
    const { owner, ds } = await withFile('rows.jsonl', '{"id":1,"text":"hi"}\n{"id":2,"extra":true}\n');
    const p = await previewFile(owner.id, ds.id, 'rows.jsonl');
    expect(p.preview).toMatchObject({ kind: 'table', table: { columns: [{ name: 'id', type: 'integer' }, { name: 'text', type: 'string' }, { name: 'extra', type: 'boolean' }], rows: [['1', 'hi', ''], ['2', '', 'true']] } });
  });

  it('Parquet shows its schema and first rows; a corrupt one says so', async () => {
    const buf = parquetWriteBuffer({ columnData: [{ name: 'id', data: [1, 2, 3], type: 'INT32' }, { name: 'label', data: ['cat', 'dog', 'cow'], type: 'STRING' }] });
    const { owner, ds } = await withFile('t.parquet', Buffer.from(buf));
    const p = await previewFile(owner.id, ds.id, 't.parquet');
    expect(p.preview).toMatchObject({ kind: 'table', table: { rows: [['1', 'cat'], ['2', 'dog'], ['3', 'cow']] } });
    if (p.preview.kind === 'table') expect(p.preview.table.columns.map((c) => c.name)).toEqual(['id', 'label']);
    await uploadFile(owner.id, ds.id, 'broken.parquet', Readable.from([Buffer.from('PAR1 not really')]));
    expect((await previewFile(owner.id, ds.id, 'broken.parquet')).preview).toMatchObject({ kind: 'unavailable' });
  });

  it('is authorized like a download: a stranger gets NOT_FOUND, a viewer gets the preview', async () => {
    const { ds } = await withFile('a.txt', 'hello');
    const stranger = await makeUser('Stranger');
    await expect(previewFile(stranger.id, ds.id, 'a.txt')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    expect((await previewFile(viewer.id, ds.id, 'a.txt')).preview).toMatchObject({ kind: 'text', text: 'hello' });
  });

  it('the dataset card is README.md at the root, or nothing', async () => {
    const { owner, ds } = await withFile('README.md', '# Pets\n\nCats and dogs.');
    expect(await readDatasetReadme(owner.id, ds.id)).toEqual({ text: '# Pets\n\nCats and dogs.', truncated: false });
    const other = await makeDataset(owner.id);
    expect(await readDatasetReadme(owner.id, other.id)).toBeNull();
    // Also readme.md or Readme.md (one lookup for all three), README.md first; never a folder or one deeper.
    await uploadFile(owner.id, other.id, 'docs/README.md', Readable.from([Buffer.from('# deeper')]));
    expect(await readDatasetReadme(owner.id, other.id)).toBeNull();
    await uploadFile(owner.id, other.id, 'Readme.md', Readable.from([Buffer.from('# Title case')]));
    expect(await readDatasetReadme(owner.id, other.id)).toMatchObject({ text: '# Title case' });
    await uploadFile(owner.id, other.id, 'readme.md', Readable.from([Buffer.from('# lower')]));
    expect(await readDatasetReadme(owner.id, other.id)).toMatchObject({ text: '# lower' });
    await uploadFile(owner.id, other.id, 'README.md', Readable.from([Buffer.from('# UPPER')]));
    expect(await readDatasetReadme(owner.id, other.id)).toMatchObject({ text: '# UPPER' });
    await expect(readDatasetReadme((await makeUser('Stranger')).id, other.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
