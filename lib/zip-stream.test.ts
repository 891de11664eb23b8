import crypto from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { zipStream, type ZipEntry } from './zip-stream';

type Read = { name: string; crc32: number; size: number; mtime: Date; bytes: Buffer | null };

/** Every entry of a zip as yauzl reads it: the central directory's CRC and sizes, and the bytes. */
async function readZip(bytes: Buffer): Promise<Read[]> {
  const zip = await new Promise<yauzl.ZipFile>((ok, no) => yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true }, (e, z) => (e ? no(e) : ok(z!))));
  const out: Read[] = [];
  await new Promise<void>((ok, no) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const base = { name: entry.fileName, crc32: entry.crc32, size: entry.uncompressedSize, mtime: entry.getLastModDate() };
      if (entry.fileName.endsWith('/')) {
        out.push({ ...base, bytes: null });
        return zip.readEntry();
      }
      zip.openReadStream(entry, async (e, s) => {
        if (e) return no(e);
        out.push({ ...base, bytes: await buffer(s!) });
        zip.readEntry();
      });
    });
    zip.on('end', ok);
    zip.on('error', no);
    zip.readEntry();
  });
  return out;
}

async function* chunks(b: Buffer, size = 1000) {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

describe('zipStream', () => {
  it('writes stored entries whose bytes, sizes, CRC-32, names and times read back', async () => {
    const a = crypto.randomBytes(300_001);
    const b = Buffer.from('nyan');
    const when = new Date(2026, 3, 5, 6, 7, 8);
    const entries: ZipEntry[] = [
      { kind: 'folder', name: 'empty', mtime: when },
      { kind: 'file', name: 'a.bin', mtime: when, size: a.length, open: () => chunks(a) },
      { kind: 'file', name: 'sub/Ünïcødé 猫.txt', mtime: when, size: b.length, open: () => chunks(b) },
      { kind: 'file', name: 'zero.txt', mtime: when, size: 0, open: () => chunks(Buffer.alloc(0)) },
    ];
    const read = await readZip(await buffer(zipStream(entries)));
    expect(read.map((r) => r.name)).toEqual(['empty/', 'a.bin', 'sub/Ünïcødé 猫.txt', 'zero.txt']);
    for (const [i, bytes] of [[1, a], [2, b], [3, Buffer.alloc(0)]] as const) {
      expect(read[i].bytes!.equals(bytes)).toBe(true);
      expect(read[i].size).toBe(bytes.length);
      expect(read[i].crc32).toBe(zlib.crc32(bytes));
    }
    expect(read[1].mtime.getTime()).toBe(when.getTime()); // DOS time: even seconds survive exactly
  });

  it('fails the stream when a file yields other than its recorded size', async () => {
    const entries: ZipEntry[] = [{ kind: 'file', name: 'short.bin', mtime: new Date(), size: 10, open: () => chunks(Buffer.alloc(5)) }];
    await expect(buffer(zipStream(entries))).rejects.toThrow(/5 bytes read, 10 expected/);
  });

  it('uses the ZIP64 end records for 65,535 entries or more', async () => {
    const entries: ZipEntry[] = Array.from({ length: 70_000 }, (_, i) => ({ kind: 'folder' as const, name: `d${i}`, mtime: new Date() }));
    const bytes = await buffer(zipStream(entries));
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true); // the ZIP64 end of central directory record
    const read = await readZip(bytes);
    expect(read.length).toBe(70_000);
    expect(read.at(-1)!.name).toBe('d69999/');
  });

  it('records a file of more than 4 GiB with ZIP64 sizes (central directory read back)', async () => {
    const size = 2 ** 32 + 5;
    const zeros = Buffer.alloc(1 << 20);
    async function* big() {
      for (let left = size; left > 0; left -= zeros.length) yield zeros.subarray(0, Math.min(zeros.length, left));
    }
    const entries: ZipEntry[] = [
      { kind: 'file', name: 'huge.bin', mtime: new Date(), size, open: big },
      { kind: 'file', name: 'after.txt', mtime: new Date(), size: 2, open: () => chunks(Buffer.from('ok')) },
    ];
    // Keep only the tail (the central directory and end records); count the rest.
    let total = 0;
    let tail = Buffer.alloc(0);
    for await (const c of zipStream(entries)) {
      total += c.length;
      tail = Buffer.concat([tail, c]).subarray(-4096);
    }
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    expect(cdOffset).toBe(0xffffffff); // past 4 GiB: in the ZIP64 record
    const rec = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    const realOffset = Number(tail.readBigUInt64LE(rec + 48));
    expect(Number(tail.readBigUInt64LE(rec + 40))).toBe(cdSize);
    const cd = tail.subarray(tail.length - (total - realOffset));
    // First record: huge.bin, sizes in its ZIP64 extra field; second: after.txt, offset in its ZIP64 extra field.
    expect(cd.readUInt32LE(0)).toBe(0x02014b50);
    expect(cd.readUInt32LE(20)).toBe(0xffffffff);
    const nameLen = cd.readUInt16LE(28);
    const extra = cd.subarray(46 + nameLen, 46 + nameLen + cd.readUInt16LE(30));
    const z64 = extra.subarray(extra.indexOf(Buffer.from([0x01, 0x00, 24, 0x00])));
    expect(Number(z64.readBigUInt64LE(4))).toBe(size);
    expect(z64.readBigUInt64LE(20)).toBe(0n);
    expect(cd.readUInt32LE(16)).toBe(zlib.crc32(Buffer.alloc(size % zeros.length), [...Array(Math.floor(size / zeros.length))].reduce((c) => zlib.crc32(zeros, c), 0)));
  }, 120_000);
});
