import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { chunkSize, FileChunks } from './file-chunks';

const MiB = 1 << 20;
const openFd = (file: string) => fs.openSync(file, 'r');
const isOpen = (fd: number) => {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

describe('FileChunks', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-chunks-'));
  const file = path.join(dir, 'blob');
  const bytes = Buffer.alloc(40 * MiB);
  for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32LE(i, i);
  fs.writeFileSync(file, bytes);

  it('streams exactly the requested range and closes the file at the end', async () => {
    const fd = openFd(file);
    const got: Buffer[] = [];
    await pipeline(new FileChunks(fd, 1000, 3 * MiB + 7), new Writable({ write: (c, _e, cb) => (got.push(c), cb()) }));
    expect(Buffer.concat(got).equals(bytes.subarray(1000, 3 * MiB + 7))).toBe(true);
    expect(isOpen(fd)).toBe(false);
  });

  it('a fast consumer gets large chunks once it has shown its pace; the first ones are small', async () => {
    const sizes: number[] = [];
    await pipeline(new FileChunks(openFd(file), 0, bytes.length), new Writable({ write: (c, _e, cb) => (sizes.push(c.length), cb()) }));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(sizes[0]).toBe(64 << 10);
    expect(Math.max(...sizes)).toBe(MiB);
  });

  it('a slow consumer only ever gets small chunks, and destroying the stream closes the file', async () => {
    const fd = openFd(file);
    const stream = new FileChunks(fd, 0, bytes.length);
    const sizes: number[] = [];
    const slow = new Writable({ highWaterMark: 1, write: (c, _e, cb) => (sizes.push(c.length), setTimeout(cb, 20)) });
    const done = pipeline(stream, slow).catch(() => {});
    await new Promise((r) => setTimeout(r, 400));
    stream.destroy();
    await done;
    expect(sizes.length).toBeGreaterThan(3);
    expect(Math.max(...sizes)).toBe(64 << 10);
    await new Promise((r) => setTimeout(r, 50));
    expect(isOpen(fd)).toBe(false);
  });

  it('chunkSize: small until 16 MiB have gone at 64 MB/s or more', () => {
    expect(chunkSize(0, 0)).toBe(64 << 10);
    expect(chunkSize(15 * MiB, 10)).toBe(64 << 10);
    expect(chunkSize(16 * MiB, 100)).toBe(MiB);
    expect(chunkSize(16 * MiB, 1000)).toBe(64 << 10);
  });
});
