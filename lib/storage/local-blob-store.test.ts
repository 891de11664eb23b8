import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from './local-blob-store';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-blobs-'));
const store = new LocalBlobStore(root);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// Partial uploads anywhere under tmp/ (each process writes in its own locked folder there).
const tmpFiles = () => (fs.existsSync(store.tmpDir) ? (fs.readdirSync(store.tmpDir, { recursive: true }) as string[]).filter((n) => n.endsWith('.part')) : []);

async function* chunks(parts: string[], failAfter?: number) {
  for (const [i, p] of parts.entries()) {
    if (failAfter === i) throw new Error('connection reset');
    yield Buffer.from(p);
  }
}

describe('local blob store', () => {
  it('stores a stream under a generated key with its size and sha256, and reads ranges back', async () => {
    const blob = await store.put(chunks(['hello ', 'world']), { maxBytes: 100 });
    expect(blob.key).toMatch(/^[0-9a-f]{32}$/);
    expect(blob.size).toBe(11);
    expect(blob.sha256).toBe(crypto.createHash('sha256').update('hello world').digest('hex'));
    expect(await text(store.createReadStream(blob.key))).toBe('hello world');
    expect(await text(store.createReadStream(blob.key, { start: 6, end: 10 }))).toBe('world');
    expect(await store.stat(blob.key)).toEqual({ size: 11 });
    expect(fs.statSync(store.pathOf(blob.key)).mode & 0o777).toBe(0o600);
    await store.delete(blob.key);
    await store.delete(blob.key); // idempotent
    expect(await store.stat(blob.key)).toBeNull();
    expect(tmpFiles()).toEqual([]);
  });

  it('accepts web streams', async () => {
    const web = Readable.toWeb(Readable.from([Buffer.from('abc')])) as ReadableStream<Uint8Array>;
    const blob = await store.put(web, { maxBytes: 10, expectedSize: 3 });
    expect(blob.size).toBe(3);
  });

  it('refuses more than maxBytes, keeping nothing', async () => {
    await expect(store.put(chunks(['12345', '67890']), { maxBytes: 7 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(tmpFiles()).toEqual([]);
  });

  it('removes the partial file when the source fails, is aborted or ends short', async () => {
    await expect(store.put(chunks(['a', 'b', 'c'], 2), { maxBytes: 100 })).rejects.toThrow('connection reset');
    const ac = new AbortController();
    ac.abort();
    await expect(store.put(chunks(['a']), { maxBytes: 100, signal: ac.signal })).rejects.toThrow();
    await expect(store.put(chunks(['ab']), { maxBytes: 100, expectedSize: 5 })).rejects.toMatchObject({ code: 'INVALID' });
    expect(tmpFiles()).toEqual([]);
  });

  it('never maps anything but its own keys to files', () => {
    for (const key of ['../../etc/passwd', 'ABC', '', 'a'.repeat(32) + '/x']) expect(() => store.pathOf(key)).toThrow();
  });

  it('sweeps stale temp files', async () => {
    const s = new LocalBlobStore(root);
    fs.mkdirSync(s.tmpDir, { recursive: true });
    const stale = path.join(s.tmpDir, 'dead.part');
    fs.writeFileSync(stale, 'x');
    fs.utimesSync(stale, new Date(0), new Date(0));
    await s.sweepTemp();
    expect(fs.existsSync(stale)).toBe(false);
  });
});
