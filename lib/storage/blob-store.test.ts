import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver } from '../../scripts/lib/s3rver.mjs';
import { startFaultProxy } from '../../scripts/lib/fault-proxy.mjs';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

// The storage contract (issue 11.6): every driver behaves the same to lib/files.ts. Runs against the
// local driver and against s3rver (an S3-compatible server from npm, started here on a free port, or
// S3RVER_TEST_PORT).

type S3rver = { endpoint: string; stop: () => Promise<void> };
let s3rver: S3rver;
const roots: string[] = [];
beforeAll(async () => {
  s3rver = await startS3rver({ port: Number(process.env.S3RVER_TEST_PORT) || 0, buckets: ['contract'] });
});
afterAll(async () => {
  await s3rver?.stop();
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

const s3Settings = (over: Partial<ConstructorParameters<typeof S3BlobStore>[0]> = {}) => ({
  bucket: 'contract',
  region: 'us-east-1',
  endpoint: s3rver.endpoint,
  forcePathStyle: true,
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  prefix: `run-${crypto.randomBytes(4).toString('hex')}/`,
  ...over,
});

const drivers: [string, () => BlobStore][] = [
  [
    'local',
    () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-contract-'));
      roots.push(root);
      return new LocalBlobStore(root);
    },
  ],
  ['s3 (s3rver)', () => new S3BlobStore(s3Settings())],
];

async function* chunks(parts: (string | Buffer)[], failAfter?: number) {
  for (const [i, p] of parts.entries()) {
    if (failAfter === i) throw new Error('connection reset');
    yield Buffer.from(p);
  }
}
async function keysOf(store: BlobStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const b of store.list()) keys.push(b.key);
  return keys.sort();
}
// What a failed upload may leave: nothing listed, no partial files, no unfinished multipart uploads.
async function leftovers(store: BlobStore): Promise<number> {
  let n = (await keysOf(store)).length;
  if (store instanceof LocalBlobStore && fs.existsSync(store.tmpDir)) {
    n += (fs.readdirSync(store.tmpDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.part')).length;
  }
  if (store instanceof S3BlobStore) {
    const res = await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.settings.bucket, Prefix: store.settings.prefix })).catch(() => null);
    n += res?.Uploads?.length ?? 0;
  }
  return n;
}
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe.each(drivers)('blob store contract: %s', (_name, make) => {
  let store: BlobStore;
  beforeAll(() => {
    store = make();
  });

  it('stores a stream under a generated key with its size and sha256; reads it whole and in ranges; deletes idempotently', async () => {
    const blob = await store.put(chunks(['hello ', 'world']), { maxBytes: 100 });
    expect(blob.key).toMatch(/^[0-9a-f]{32}$/);
    expect(blob).toMatchObject({ size: 11, sha256: sha('hello world') });
    expect(await text(store.createReadStream(blob.key))).toBe('hello world');
    expect(await text(store.createReadStream(blob.key, { start: 6, end: 10 }))).toBe('world');
    expect((await readAll((await store.openRead(blob.key))!)).toString()).toBe('hello world');
    expect((await readAll((await store.openRead(blob.key, { start: 0, end: 4 }))!)).toString()).toBe('hello');
    expect(await store.stat(blob.key)).toEqual({ size: 11 });
    expect(await keysOf(store)).toContain(blob.key);
    await store.delete(blob.key);
    await store.delete(blob.key);
    expect(await store.stat(blob.key)).toBeNull();
    expect(await store.openRead(blob.key)).toBeNull();
    expect(await leftovers(store)).toBe(0);
  });

  it('accepts web streams and empty bodies', async () => {
    const web = Readable.toWeb(Readable.from([Buffer.from('abc')])) as ReadableStream<Uint8Array>;
    const a = await store.put(web, { maxBytes: 10, expectedSize: 3 });
    expect(a.size).toBe(3);
    const empty = await store.put(chunks([]), { maxBytes: 10, expectedSize: 0 });
    expect(empty).toMatchObject({ size: 0, sha256: sha('') });
    expect(await store.stat(empty.key)).toEqual({ size: 0 });
    await store.deleteMany([a.key, empty.key, crypto.randomBytes(16).toString('hex')]);
    expect(await leftovers(store)).toBe(0);
  });

  it('streams a large blob (several multipart parts on s3) with the right hash, and reads a range across a part boundary', async () => {
    const parts = Array.from({ length: 21 }, (_, i) => crypto.randomBytes(1 << 20).fill(i, 0, 1));
    const all = Buffer.concat(parts);
    const blob = await store.put(chunks(parts), { maxBytes: 1 << 30, expectedSize: all.length });
    expect(blob).toMatchObject({ size: all.length, sha256: sha(all) });
    const start = (8 << 20) - 10;
    const got = await readAll((await store.openRead(blob.key, { start, end: start + 99 }))!);
    expect(got.equals(all.subarray(start, start + 100))).toBe(true);
    // A reader that stops early releases the blob.
    const rs = store.createReadStream(blob.key);
    for await (const c of rs) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    const web = (await store.openRead(blob.key))!;
    const reader = web.getReader();
    await reader.read();
    await reader.cancel();
    await store.deleteMany([blob.key]);
    expect(await leftovers(store)).toBe(0);
  });

  it('refuses more than maxBytes, keeping nothing (small and multipart-sized)', async () => {
    await expect(store.put(chunks(['12345', '67890']), { maxBytes: 7 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    const big = Array.from({ length: 12 }, () => Buffer.alloc(1 << 20, 1));
    await expect(store.put(chunks(big), { maxBytes: 10 << 20 })).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(await leftovers(store)).toBe(0);
  });

  it('keeps nothing when the source fails, is aborted, or ends short or long', async () => {
    await expect(store.put(chunks(['a', 'b', 'c'], 2), { maxBytes: 100 })).rejects.toThrow('connection reset');
    const big = Array.from({ length: 12 }, () => Buffer.alloc(1 << 20, 2));
    await expect(store.put(chunks(big, 11), { maxBytes: 1 << 30 })).rejects.toThrow('connection reset');
    const ac = new AbortController();
    ac.abort();
    await expect(store.put(chunks(['a']), { maxBytes: 100, signal: ac.signal })).rejects.toThrow();
    const mid = new AbortController();
    async function* abortMidway() {
      for (let i = 0; i < 12; i++) {
        if (i === 10) mid.abort();
        yield Buffer.alloc(1 << 20, 3);
      }
    }
    await expect(store.put(abortMidway(), { maxBytes: 1 << 30, signal: mid.signal })).rejects.toThrow();
    await expect(store.put(chunks(['ab']), { maxBytes: 100, expectedSize: 5 })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(store.put(chunks(['abcdef']), { maxBytes: 100, expectedSize: 5 })).rejects.toMatchObject({ code: 'INVALID' });
    expect(await leftovers(store)).toBe(0);
  });

  it('never maps anything but its own keys to storage', async () => {
    for (const key of ['../../etc/passwd', 'ABC', '', 'a'.repeat(32) + '/x']) {
      await expect(store.stat(key)).rejects.toThrow();
      await expect(store.delete(key)).rejects.toThrow();
    }
  });

  it('lists blobs with size and modification time', async () => {
    const blob = await store.put(chunks(['listed']), { maxBytes: 100 });
    const listed: { key: string; size: number; mtimeMs: number }[] = [];
    for await (const b of store.list()) listed.push(b);
    const mine = listed.find((b) => b.key === blob.key);
    expect(mine?.size).toBe(6);
    expect(Math.abs(mine!.mtimeMs - Date.now())).toBeLessThan(60_000);
    await store.delete(blob.key);
  });

  it('passes its own health check', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });
});

describe('s3 driver only', () => {
  it('start-up check says in one line what is wrong: no bucket, no permission, unreachable endpoint', async () => {
    const noBucket = new S3BlobStore(s3Settings({ bucket: 'no-such-bucket' }));
    await expect(noBucket.check()).rejects.toThrow(/^the bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+ \(S3_BUCKET\)\.$/);
    // s3rver checks no signatures, so a refusal comes from a proxy answering 403 AccessDenied.
    const proxy = await startFaultProxy({ target: s3rver.endpoint });
    proxy.mode = '403';
    const denied = new S3BlobStore(s3Settings({ endpoint: proxy.endpoint }));
    await expect(denied.check()).rejects.toThrow(/^no permission to use the bucket "contract" at http:\/\/127\.0\.0\.1:\d+: check S3_ACCESS_KEY_ID/);
    await proxy.close();
    const unreachable = new S3BlobStore(s3Settings({ endpoint: 'http://127.0.0.1:9' }));
    await expect(unreachable.check()).rejects.toThrow(/^cannot reach the object store at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)/);
  });

  it('presigns a short-lived GET that answers with the download headers asked for', async () => {
    const store = new S3BlobStore(s3Settings());
    const blob = await store.put(chunks(['a,b\n1,2\n']), { maxBytes: 100 });
    const url = await store.presignGet(blob.key, { expiresIn: 60, contentDisposition: 'attachment; filename="t.csv"', contentType: 'text/csv' });
    expect(url).toContain('X-Amz-Expires=60');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="t.csv"');
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(await res.text()).toBe('a,b\n1,2\n');
    // (s3rver does not verify presigned signatures or expiry: those are the object store's to enforce.)
    await store.delete(blob.key);
  });

  it('keeps objects outside its prefix out of its listing', async () => {
    const a = new S3BlobStore(s3Settings());
    const b = new S3BlobStore(s3Settings());
    const blob = await a.put(chunks(['mine']), { maxBytes: 100 });
    expect(await keysOf(b)).toEqual([]);
    await a.delete(blob.key);
  });
});
