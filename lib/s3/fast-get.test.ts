import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { datasetGrants } from '@/db/schema';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { uploadFile } from '@/lib/files';
import { handleS3 } from './handler';
import { createAccessKey, revokeAccessKey } from './keys';
import { s3Client, signedS3Request, startS3TestServer } from './testing';

// GetObject / HeadObject on the Node fast path (lib/s3/fast-get.ts, ahead of handleS3 in
// lib/s3/node-handler.ts): the same answers as handleS3, and nothing about a key or a role kept.

let server: Awaited<ReturnType<typeof startS3TestServer>>;
beforeAll(async () => {
  await getDb();
  server = await startS3TestServer();
});
afterAll(async () => { await server?.close(); });

const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: { name?: string }) => e.name);
const body = 'a,b\n1,2\n'.repeat(50);

async function setup() {
  const owner = await makeUser('Owner');
  const ds = await makeDataset(owner.id);
  await uploadFile(owner.id, ds.id, 'd/f.csv', (async function* () { yield Buffer.from(body); })(), { contentLength: body.length, contentType: 'text/csv' });
  return { owner, ds };
}

describe('S3 GetObject fast path', () => {
  it('answers as handleS3 does: status, headers and body, for reads, ranges, misses and strangers', async () => {
    const { owner, ds } = await setup();
    const key = await createAccessKey(owner.id, { name: 'k', readOnly: true, datasetId: null, expiresAt: null });
    const stranger = await createAccessKey((await makeUser('Stranger')).id, { name: 'k', readOnly: true, datasetId: null, expiresAt: null });
    const cases: [string, typeof key, string, Record<string, string>?][] = [
      ['GET', key, `${ds.id}/d/f.csv`],
      ['HEAD', key, `${ds.id}/d/f.csv`],
      ['GET', key, `${ds.id}/d/f.csv`, { range: 'bytes=3-10' }],
      ['GET', key, `${ds.id}/d/f.csv`, { range: 'bytes=9999-' }],
      ['GET', key, `${ds.id}/d/f.csv`, { 'if-match': '"nope"' }],
      ['GET', key, `${ds.id}/nope.csv`],
      ['GET', key, `${ds.id}/d`],
      ['HEAD', key, `${ds.id}/nope.csv`],
      ['GET', stranger, `${ds.id}/d/f.csv`],
      ['GET', { ...key, secretAccessKey: 'wrong' }, `${ds.id}/d/f.csv`],
    ];
    for (const [method, k, p, extra] of cases) {
      const url = `${server.url}/${p}`;
      const signed = await signedS3Request(url, k, { method });
      const headers = new Headers(signed.headers);
      for (const [n, v] of Object.entries(extra ?? {})) headers.set(n, v);
      const fast = await fetch(url, { method, headers });
      const slow = await handleS3(new Request(url, { method, headers }));
      // Framing aside (an XML error goes out with a length here, chunked from a web Response).
      const framing = (h: Headers) => ['x-amz-request-id', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-trove-content-length', ...(h.get('content-type') === 'application/xml' ? ['content-length'] : [])];
      const strip = (h: Headers) => Object.fromEntries([...h].filter(([n]) => !framing(h).includes(n)));
      const text = (t: string) => t.replace(/<RequestId>[^<]*</, '<RequestId><');
      const label = `${method} ${p} ${JSON.stringify(extra ?? {})} ${k === stranger ? 'stranger' : ''}`;
      expect({ label, status: fast.status, headers: strip(fast.headers), body: text(await fast.text()) }).toEqual({ label, status: slow.status, headers: strip(slow.headers), body: text(await slow.text()) });
    }
  });

  it('refuses a revoked key, a removed grant and an out-of-scope bucket on the very next request', async () => {
    const { owner, ds } = await setup();
    const viewer = await makeUser('Viewer');
    const grantId = await grantAccess(ds.id, viewer.id, 'viewer');
    const created = await createAccessKey(viewer.id, { name: 'k', readOnly: true, datasetId: null, expiresAt: null });
    const s3 = s3Client(server.url, created.accessKeyId, created.secretAccessKey);
    const get = () => s3.send(new GetObjectCommand({ Bucket: ds.id, Key: 'd/f.csv' }));
    expect(await (await get()).Body!.transformToString()).toBe(body);
    expect((await s3.send(new HeadObjectCommand({ Bucket: ds.id, Key: 'd/f.csv' }))).ContentLength).toBe(body.length);
    await (await getDb()).delete(datasetGrants).where(eq(datasetGrants.id, grantId));
    expect(await errorOf(get())).toBe('NoSuchBucket');
    await grantAccess(ds.id, viewer.id, 'viewer');
    expect(await (await get()).Body!.transformToString()).toBe(body);
    await revokeAccessKey(viewer.id, created.id);
    expect(await errorOf(get())).toBe('InvalidAccessKeyId');

    const other = await makeDataset(owner.id);
    const scoped = await createAccessKey(owner.id, { name: 'k', readOnly: true, datasetId: other.id, expiresAt: null });
    expect(await errorOf(s3Client(server.url, scoped.accessKeyId, scoped.secretAccessKey).send(new GetObjectCommand({ Bucket: ds.id, Key: 'd/f.csv' })))).toBe('NoSuchBucket');
  });
});
