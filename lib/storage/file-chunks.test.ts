import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
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

  describe('sendTo (a response written without the stream machinery)', () => {
    /** A server whose every request is answered by sendTo with bytes [start, end) of `source`. */
    async function serve(source: string, start: number, end: number) {
      const settled: { fd: number; done: Promise<void> }[] = [];
      const server = http.createServer((_req, res) => {
        const fd = openFd(source);
        res.setHeader('content-length', end - start);
        settled.push({ fd, done: new FileChunks(fd, start, end).sendTo(res) });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as net.AddressInfo).port;
      return { port, settled, close: () => new Promise((r) => server.close(r)) };
    }

    it('sends exactly the range to a fast client, twice, and closes the file each time', async () => {
      const srv = await serve(file, 1000, 40 * MiB - 5);
      try {
        for (let i = 0; i < 2; i++) {
          const got = Buffer.from(await (await fetch(`http://127.0.0.1:${srv.port}/`)).arrayBuffer());
          expect(got.equals(bytes.subarray(1000, 40 * MiB - 5))).toBe(true);
          await srv.settled[i].done;
          expect(isOpen(srv.settled[i].fd)).toBe(false);
        }
      } finally {
        await srv.close();
      }
    });

    it('a client that stops reading and goes away: the file is closed, and little was read ahead', async () => {
      const srv = await serve(file, 0, bytes.length);
      const reads: number[] = [];
      const realRead = fs.read;
      // Counts what the server reads from the file while the client takes nothing.
      (fs as { read: unknown }).read = (...args: unknown[]) => {
        reads.push(args[3] as number);
        return (realRead as (...a: unknown[]) => void)(...args);
      };
      try {
        const socket = net.connect(srv.port, '127.0.0.1');
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        socket.pause();
        await new Promise((r) => setTimeout(r, 300));
        const readWhilePaused = reads.reduce((a, b) => a + b, 0);
        // The kernel's buffers on both ends take a few MiB; beyond that nothing is read.
        expect(readWhilePaused).toBeLessThan(16 * MiB);
        expect(Math.max(...reads)).toBe(64 << 10);
        socket.destroy();
        await srv.settled[0].done;
        expect(isOpen(srv.settled[0].fd)).toBe(false);
      } finally {
        (fs as { read: unknown }).read = realRead;
        await srv.close();
      }
    });

    it('a file shorter than promised: the connection is closed before the length is reached', async () => {
      const short = path.join(dir, 'short');
      fs.writeFileSync(short, bytes.subarray(0, 3 * MiB));
      const srv = await serve(short, 0, 4 * MiB);
      try {
        const answer = await fetch(`http://127.0.0.1:${srv.port}/`);
        await expect(answer.arrayBuffer()).rejects.toThrow();
        await srv.settled[0].done;
        expect(isOpen(srv.settled[0].fd)).toBe(false);
      } finally {
        await srv.close();
      }
    });
  });
});
