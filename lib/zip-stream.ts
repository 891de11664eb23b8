import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * A .zip of stored (uncompressed) entries, produced as it is read: each file's bytes are opened only
 * when the zip reaches it and pass straight through, with their CRC-32 computed on the way by Node's
 * native zlib.crc32. (yazl, used before, computed it in JavaScript at ~200 MB/s on the machine the
 * benchmark ran on — the zip's ceiling, half the plain download's speed; npm run bench:browse.)
 * The layout is yazl's, which every common unzipper reads: UTF-8 names, sizes and CRC in a data
 * descriptor after each file (bit 3), an Info-ZIP timestamp in the central directory, and ZIP64
 * records where a size, an offset or the entry count needs them (folders of more than 4 GiB).
 */
export type ZipEntry = { name: string; mtime: Date } & ({ kind: 'folder' } | { kind: 'file'; size: number; open: () => AsyncIterable<Uint8Array> });

const UTF8_NAMES = 1 << 11;
const DATA_DESCRIPTOR = 1 << 3;
const MADE_BY = (3 << 8) | 63; // unix, spec 6.3
const NEEDS = 20;
const NEEDS_ZIP64 = 45;
const MAX32 = 0xffffffff;

export function zipStream(entries: ZipEntry[]): Readable {
  // Bytes, not objects: the stream buffers one file chunk at most ahead of its reader.
  return Readable.from(generate(entries), { objectMode: false, highWaterMark: 64 * 1024 });
}

async function* generate(entries: ZipEntry[]): AsyncGenerator<Buffer | Uint8Array> {
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.kind === 'folder' ? `${e.name}/` : e.name);
    if (name.length > 0xffff) throw new Error(`zip entry name too long: ${e.name.slice(0, 100)}…`);
    const { date, time } = dosDateTime(e.mtime);
    const flags = UTF8_NAMES | (e.kind === 'file' ? DATA_DESCRIPTOR : 0);
    const start = offset;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(NEEDS, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    // CRC and sizes (14–25) stay 0: the data descriptor carries them. Extra field length (28) 0.
    local.writeUInt16LE(name.length, 26);
    yield Buffer.concat([local, name]);
    offset += local.length + name.length;

    let crc = 0;
    let size = 0;
    if (e.kind === 'file') {
      for await (const chunk of e.open()) {
        crc = zlib.crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
      if (size !== e.size) throw new Error(`zip entry ${e.name}: ${size} bytes read, ${e.size} expected`);
      offset += size;
    }
    const zip64 = size > MAX32 - 1 || start > MAX32 - 1;
    if (e.kind === 'file') {
      const dd = Buffer.alloc(zip64 ? 24 : 16);
      dd.writeUInt32LE(0x08074b50, 0);
      dd.writeUInt32LE(crc, 4);
      if (zip64) {
        dd.writeBigUInt64LE(BigInt(size), 8);
        dd.writeBigUInt64LE(BigInt(size), 16);
      } else {
        dd.writeUInt32LE(size, 8);
        dd.writeUInt32LE(size, 12);
      }
      yield dd;
      offset += dd.length;
    }

    // Central directory record: Info-ZIP universal timestamp (mtime, atime), then ZIP64 sizes and offset.
    const ut = Buffer.alloc(9);
    ut.writeUInt16LE(0x5455, 0);
    ut.writeUInt16LE(5, 2);
    ut.writeUInt8(0b11, 4);
    ut.writeInt32LE(Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(e.mtime.getTime() / 1000))), 5);
    const z64 = Buffer.alloc(zip64 ? 28 : 0);
    if (zip64) {
      z64.writeUInt16LE(0x0001, 0);
      z64.writeUInt16LE(24, 2);
      z64.writeBigUInt64LE(BigInt(size), 4);
      z64.writeBigUInt64LE(BigInt(size), 12);
      z64.writeBigUInt64LE(BigInt(start), 20);
    }
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(MADE_BY, 4);
    cd.writeUInt16LE(zip64 ? NEEDS_ZIP64 : NEEDS, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(time, 12);
    cd.writeUInt16LE(date, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(zip64 ? MAX32 : size, 20);
    cd.writeUInt32LE(zip64 ? MAX32 : size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(ut.length + z64.length, 30);
    // Comment length, disk number, internal attributes (32–37) 0.
    cd.writeUInt32LE(((e.kind === 'folder' ? 0o40775 : 0o100664) << 16) >>> 0, 38);
    cd.writeUInt32LE(zip64 ? MAX32 : start, 42);
    central.push(cd, name, ut, z64);
  }

  const directory = Buffer.concat(central);
  const cdStart = offset;
  yield directory;
  offset += directory.length;
  const n = entries.length;
  if (n >= 0xffff || directory.length >= MAX32 || cdStart >= MAX32) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeUInt16LE(MADE_BY, 12);
    rec.writeUInt16LE(NEEDS_ZIP64, 14);
    rec.writeBigUInt64LE(BigInt(n), 24);
    rec.writeBigUInt64LE(BigInt(n), 32);
    rec.writeBigUInt64LE(BigInt(directory.length), 40);
    rec.writeBigUInt64LE(BigInt(cdStart), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset), 8);
    locator.writeUInt32LE(1, 16);
    yield Buffer.concat([rec, locator]);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(n, 0xffff), 8);
  end.writeUInt16LE(Math.min(n, 0xffff), 10);
  end.writeUInt32LE(Math.min(directory.length, MAX32), 12);
  end.writeUInt32LE(Math.min(cdStart, MAX32), 16);
  yield end;
}

// MS-DOS date and time (local time, 2-second steps), clamped to what they can hold — as yazl writes them.
function dosDateTime(d: Date): { date: number; time: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const t = d < min ? min : d > max ? max : d;
  const date = (t.getDate() & 0x1f) | (((t.getMonth() + 1) & 0xf) << 5) | (((t.getFullYear() - 1980) & 0x7f) << 9);
  const time = Math.floor(t.getSeconds() / 2) | ((t.getMinutes() & 0x3f) << 5) | ((t.getHours() & 0x1f) << 11);
  return { date, time };
}
