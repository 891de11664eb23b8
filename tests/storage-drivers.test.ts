/**
 * Issue 11 (1, 2, 5 and faults): the file route and lib/ on both storage drivers — proxied downloads
 * with Content-Length and Range, presigned redirects (s3), missing blobs, dataset deletion through the
 * queue, the orphan sweep, and an object store that fails mid-upload (s3rver behind a fault proxy).
 */
import crypto from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '@/lib/users';

vi.mock('@/lib/auth/session', async () => (await import('@/lib/testing/session-stub')).stubbedSessionModule());
import { testSession as session } from '@/lib/testing/session-stub';

import { getDb } from '@/db/client';
import { blobDeletions, entries, missingBlobs, s3UploadParts, s3Uploads } from '@/db/schema';
import { GET, PUT } from '@/app/api/datasets/[datasetId]/files/[[...path]]/route';
import { deleteDataset } from '@/lib/datasets';
import { uploadFile } from '@/lib/files';
import { getBlobStore, type BlobStore } from '@/lib/storage';
import { processBlobDeletions } from '@/lib/storage/deletions';
import { S3BlobStore } from '@/lib/storage/s3-blob-store';
import { sweepStorage } from '@/lib/storage/sweep';
import { makeDataset, makeUser } from '@/lib/testing/factories';
import { startFaultProxy } from '../scripts/lib/fault-proxy.mjs';
import { startS3rver } from '../scripts/lib/s3rver.mjs';

let s3rver: Awaited<ReturnType<typeof startS3rver>>;
let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
const saved = { ...process.env };
beforeAll(async () => {
  s3rver = await startS3rver({ port: 0, buckets: ['drivers'] });
  proxy = await startFaultProxy({ target: s3rver.endpoint });
});
afterAll(async () => {
  restoreEnv();
  await proxy?.close();
  await s3rver?.stop();
});
function restoreEnv() {
  for (const k of ['STORAGE_DRIVER', 'S3_BUCKET', 'S3_REGION', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_PREFIX', 'DOWNLOAD_REDIRECT']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
}
function useDriver(driver: string, extra: Record<string, string> = {}) {
  restoreEnv();
  if (driver === 's3') Object.assign(process.env, s3rver.env('drivers', { S3_PREFIX: `d-${crypto.randomBytes(4).toString('hex')}`, ...extra }));
  else Object.assign(process.env, { STORAGE_DRIVER: 'local', ...extra });
}

async function setup() {
  const owner = await makeUser('Owner');
  session.current = owner as unknown as SessionUser;
  const ds = await makeDataset(owner.id);
  return { owner, datasetId: ds.id, name: ds.name };
}
const url = (datasetId: string, p: string) => `http://localhost:3000/api/datasets/${datasetId}/files/${p}`;
const ctx = (datasetId: string, p: string) => ({ params: Promise.resolve({ datasetId, path: p.split('/') }) });
const put = (datasetId: string, p: string, body: string | Buffer, type = 'text/csv') =>
  PUT(new Request(url(datasetId, p), { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-length': String(Buffer.byteLength(body)), 'content-type': type } }), ctx(datasetId, p));
const get = (datasetId: string, p: string, headers: Record<string, string> = {}, method = 'GET') => GET(new Request(url(datasetId, p), { headers, method }), ctx(datasetId, p));
async function keyOf(datasetId: string, p: string): Promise<string> {
  const db = await getDb();
  const [row] = await db.select({ key: entries.storageKey }).from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, p)));
  return row.key!;
}
async function* bytes(s: string | Buffer) {
  yield Buffer.from(s);
}
async function listed(store: BlobStore): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const b of store.list()) keys.add(b.key);
  return keys;
}

describe.each(['local', 's3'])('files on the %s driver', (driver) => {
  beforeAll(() => useDriver(driver));
  afterAll(restoreEnv);

  it('uploads, then downloads proxied with Content-Length, ranges and the download headers', async () => {
    const { datasetId } = await setup();
    expect(getBlobStore().constructor.name).toBe(driver === 's3' ? 'S3BlobStore' : 'LocalBlobStore');
    expect((await put(datasetId, 'd/t.csv', 'a,b\n1,2\n')).status).toBe(201);
    const res = await get(datasetId, 'd/t.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-trove-content-length')).toBe('8');
    expect(res.headers.get('content-disposition')).toContain('filename="t.csv"');
    expect(await res.text()).toBe('a,b\n1,2\n');
    const part = await get(datasetId, 'd/t.csv', { range: 'bytes=4-6' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4-6/8');
    expect(await part.text()).toBe('1,2');
  });

  it('DOWNLOAD_REDIRECT=presigned: a 302 to a 60 s presigned GET on s3 (same headers), proxied on local; HEAD stays proxied', async () => {
    const { datasetId } = await setup();
    expect((await put(datasetId, 'r/é x.csv', 'x,y\n')).status).toBe(201);
    process.env.DOWNLOAD_REDIRECT = 'presigned';
    try {
      const res = await get(datasetId, 'r/é%20x.csv');
      if (driver === 'local') {
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('x,y\n');
        return;
      }
      expect(res.status).toBe(302);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const location = res.headers.get('location')!;
      expect(location).toContain('X-Amz-Expires=60');
      expect(location.startsWith(`${s3rver.endpoint}/drivers/`)).toBe(true);
      const fetched = await fetch(location);
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('content-disposition')).toBe(`attachment; filename="e x.csv"; filename*=UTF-8''%C3%A9%20x.csv`);
      expect(fetched.headers.get('content-type')).toBe('text/csv');
      expect(await fetched.text()).toBe('x,y\n');
      const head = await get(datasetId, 'r/é%20x.csv', {}, 'HEAD');
      expect(head.status).toBe(200);
      // A stranger still gets 404, never a URL.
      session.current = (await makeUser('Stranger')) as unknown as SessionUser;
      expect((await get(datasetId, 'r/é%20x.csv')).status).toBe(404);
    } finally {
      delete process.env.DOWNLOAD_REDIRECT;
    }
  });

  it('a file whose blob vanished answers 404 at once with a logged error; a marked one without asking storage', async () => {
    const { datasetId } = await setup();
    expect((await put(datasetId, 'gone.csv', 'a,b')).status).toBe(201);
    await getBlobStore().delete(await keyOf(datasetId, 'gone.csv'));
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t0 = Date.now();
    const res = await get(datasetId, 'gone.csv');
    expect(res.status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(await res.json()).toEqual({ error: 'The stored bytes of this file are missing.' });
    expect(log.mock.calls.flat().join(' ')).toContain('gone.csv');
    log.mockRestore();

    expect((await put(datasetId, 'marked.csv', 'a,b')).status).toBe(201);
    const db = await getDb();
    await db.insert(missingBlobs).values({ key: await keyOf(datasetId, 'marked.csv') });
    const stat = vi.spyOn(getBlobStore(), 'stat');
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect((await get(datasetId, 'marked.csv')).status).toBe(404);
    expect(stat).not.toHaveBeenCalled();
    stat.mockRestore();
    quiet.mockRestore();
  });

  it("a dataset's deletion queues its blobs (files and multipart parts) in its transaction; the worker deletes them, and a failed run is retried", async () => {
    const { owner, datasetId, name } = await setup();
    await uploadFile(owner.id, datasetId, 'a.bin', bytes('aaa'));
    await uploadFile(owner.id, datasetId, 'b/c.bin', bytes('ccc'));
    const store = getBlobStore();
    const part = await store.put(bytes('part'), { maxBytes: 100 });
    const db = await getDb();
    const [up] = await db.insert(s3Uploads).values({ datasetId, userId: owner.id, path: 'm.bin' }).returning({ id: s3Uploads.id });
    await db.insert(s3UploadParts).values({ uploadId: up.id, partNumber: 1, storageKey: part.key, size: 4, sha256: 'x' });
    const keys = [await keyOf(datasetId, 'a.bin'), await keyOf(datasetId, 'b/c.bin'), part.key];

    expect(await deleteDataset(owner.id, datasetId, name)).toEqual({ queuedBlobs: 3 });
    const queued = await db.select({ key: blobDeletions.key }).from(blobDeletions);
    expect(queued.map((q) => q.key)).toEqual(expect.arrayContaining(keys));
    for (const k of keys) expect(await store.stat(k)).not.toBeNull(); // not yet: in the background

    // The store fails once: the keys stay queued (with a backoff), as after a crash mid-run.
    const fail = vi.spyOn(store, 'deleteMany').mockRejectedValueOnce(new Error('store down'));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const first = await processBlobDeletions();
    expect(first.failed).toBeGreaterThanOrEqual(3);
    fail.mockRestore();
    quiet.mockRestore();
    for (const k of keys) expect(await store.stat(k)).not.toBeNull();
    const mine = sql.join(keys.map((k) => sql`${k}`), sql`, `);
    await db.execute(sql`update blob_deletions set next_attempt_at = now() where key in (${mine})`);
    await processBlobDeletions();
    for (const k of keys) expect(await store.stat(k)).toBeNull();
    expect((await db.execute(sql`select key from blob_deletions where key in (${mine})`)) as unknown as { length?: number; rows?: unknown[] }).toSatisfy((r: { length?: number; rows?: unknown[] }) => (r.rows ?? (r as unknown[])).length === 0);
  });

  it('the sweep deletes blobs no row references (past the grace period) and nothing else', async () => {
    const { owner, datasetId } = await setup();
    await uploadFile(owner.id, datasetId, 'kept.bin', bytes('kept'));
    const store = getBlobStore();
    const orphan = await store.put(bytes('orphan'), { maxBytes: 100 });
    await new Promise((r) => setTimeout(r, 1100)); // S3 LastModified has 1 s resolution
    const r = await sweepStorage({ graceMs: 0 });
    expect(r.orphans).toBeGreaterThanOrEqual(1);
    expect(await store.stat(orphan.key)).toBeNull();
    expect(await store.stat(await keyOf(datasetId, 'kept.bin'))).not.toBeNull();
  });
});

describe('object store faults (s3rver behind a fault proxy)', () => {
  afterAll(restoreEnv);
  const big = () => crypto.randomBytes(20 << 20);

  it('503 SlowDown on every part mid-upload: the upload fails cleanly (503 answer, no row, no blob) after the SDK retried', async () => {
    useDriver('s3', { S3_ENDPOINT: proxy.endpoint });
    const { datasetId } = await setup();
    proxy.mode = 'fail-parts';
    proxy.failures = 0;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await put(datasetId, 'big.bin', big(), 'application/octet-stream');
    quiet.mockRestore();
    proxy.mode = 'pass';
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatch(/file storage is not answering/);
    expect(proxy.failures).toBeGreaterThanOrEqual(3); // retried (3 attempts for a part)
    const db = await getDb();
    expect(await db.select().from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, 'big.bin')))).toEqual([]);
    expect(await listed(getBlobStore())).toEqual(new Set());
  }, 120_000);

  it('a 500 or a dropped connection that clears up is retried by the SDK and the upload succeeds', async () => {
    useDriver('s3', { S3_ENDPOINT: proxy.endpoint });
    const { datasetId } = await setup();
    for (const mode of ['500', 'drop'] as const) {
      proxy.failNext = { count: 2, as: mode };
      proxy.failures = 0;
      const body = crypto.randomBytes(1 << 20);
      const res = await put(datasetId, `retry-${mode}.bin`, body, 'application/octet-stream');
      expect(res.status).toBe(201);
      expect(proxy.failures).toBe(2);
      const back = await get(datasetId, `retry-${mode}.bin`);
      expect(Buffer.from(await back.arrayBuffer()).equals(body)).toBe(true);
    }
  }, 120_000);

  it('a download while the object store answers 503: 503 "storage not answering" (not a database message), then fine again', async () => {
    useDriver('s3', { S3_ENDPOINT: proxy.endpoint });
    const { datasetId } = await setup();
    expect((await put(datasetId, 'x.csv', 'a,b')).status).toBe(201);
    proxy.mode = '503';
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await get(datasetId, 'x.csv');
    quiet.mockRestore();
    proxy.mode = 'pass';
    expect(res.status).toBe(503);
    expect((await res.json()).error).toMatch(/file storage is not answering/);
    expect(await (await get(datasetId, 'x.csv')).text()).toBe('a,b');
  }, 120_000);

  it('the object store going away mid-upload: a clean failure within seconds, no row, no object', async () => {
    useDriver('s3', { S3_ENDPOINT: proxy.endpoint });
    const { datasetId } = await setup();
    let sent = 0;
    async function* slowBig() {
      for (let i = 0; i < 24; i++) {
        if (i === 12) proxy.mode = 'drop';
        sent++;
        yield crypto.randomBytes(1 << 20);
      }
    }
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const t0 = Date.now();
    const owner = session.current!;
    await expect(uploadFile(owner.id, datasetId, 'away.bin', slowBig())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    quiet.mockRestore();
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(sent).toBeGreaterThan(12);
    proxy.mode = 'pass';
    const db = await getDb();
    expect(await db.select().from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, 'away.bin')))).toEqual([]);
    // No object became visible (the multipart upload was never completed).
    const store = getBlobStore() as S3BlobStore;
    const res = await store.client.send(new ListObjectsV2Command({ Bucket: 'drivers', Prefix: store.settings.prefix }));
    expect(res.Contents ?? []).toEqual([]);
  }, 120_000);
});
