import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, UploadPartCommand, UploadPartCopyCommand,
  GetObjectAclCommand, GetObjectTaggingCommand, PutObjectTaggingCommand,
  CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketLocationCommand, GetObjectCommand,
  HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, datasets, s3UploadParts, s3Uploads } from '@/db/schema';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { createAccessKey, revokeAccessKey } from './keys';
import { s3Client, startS3TestServer } from './testing';

// The real AWS SDK for JavaScript against the handler over HTTP: its signing, its payload modes
// (aws-chunked with trailing checksums is its default for PutObject), its XML parsing.

let server: Awaited<ReturnType<typeof startS3TestServer>>;
// The database opens (migrations and all) in the hook, not in the first test's budget: a cold PGlite on a busy machine outlasts it.
beforeAll(async () => {
  await getDb();
  server = await startS3TestServer();
});
afterAll(async () => { await server?.close(); });

async function clientFor(userId: string, opts: { readOnly?: boolean; datasetId?: string | null } = {}): Promise<{ s3: S3Client; id: string }> {
  const key = await createAccessKey(userId, { name: 'test key', readOnly: opts.readOnly ?? false, datasetId: opts.datasetId ?? null, expiresAt: null });
  return { s3: s3Client(server.url, key.accessKeyId, key.secretAccessKey), id: key.id };
}

const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: { name?: string }) => e.name);

describe('S3 endpoint with @aws-sdk/client-s3', () => {
  it('lists, writes, reads, copies and deletes objects as the owner', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const { s3 } = await clientFor(owner.id);
    const Bucket = ds.id;
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain(ds.id);
    await s3.send(new HeadBucketCommand({ Bucket }));
    expect((await s3.send(new GetBucketLocationCommand({ Bucket }))).LocationConstraint ?? '').toBe('');

    await s3.send(new PutObjectCommand({ Bucket, Key: 'data/a.csv', Body: 'x,y\n1,2\n', ContentType: 'text/csv' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'data/sub/b é.txt', Body: Buffer.from('héllo') }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'empty/', Body: '' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'top.txt', Body: 'top' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'streamed.bin', Body: Readable.from([Buffer.alloc(100_000, 1), Buffer.alloc(50_000, 2)]), ContentLength: 150_000 }));
    const streamed = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'streamed.bin' }))).Body!.transformToByteArray());
    expect(streamed.equals(Buffer.concat([Buffer.alloc(100_000, 1), Buffer.alloc(50_000, 2)]))).toBe(true);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'streamed.bin' }));
    // The SDK's default for stream bodies: aws-chunked with a trailing CRC32, which was verified.
    expect([...server.payloadModes]).toContain('STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32');

    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'data/a.csv' }));
    expect(await got.Body!.transformToString()).toBe('x,y\n1,2\n');
    expect(got.ContentLength).toBe(8);
    expect(got.ContentType).toBe('text/csv');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'data/sub/b é.txt' }));
    expect(head.ContentLength).toBe(Buffer.byteLength('héllo'));
    const part = await s3.send(new GetObjectCommand({ Bucket, Key: 'data/a.csv', Range: 'bytes=2-4' }));
    expect(await part.Body!.transformToString()).toBe('y\n1');
    expect(part.ContentRange).toBe('bytes 2-4/8');
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket, Key: 'nope.txt' })))).toBe('NoSuchKey');
    // Sub-resources are never mistaken for the object: tags are empty, the rest is refused.
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket, Key: 'data/a.csv' }))).TagSet ?? []).toEqual([]);
    expect(await errorOf(s3.send(new GetObjectAclCommand({ Bucket, Key: 'data/a.csv' })))).toBe('NotImplemented');
    expect(await errorOf(s3.send(new PutObjectTaggingCommand({ Bucket, Key: 'data/a.csv', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } })))).toBe('NotImplemented');
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'data/a.csv' }))).Body!.transformToString()).toBe('x,y\n1,2\n');

    const root = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/' }));
    expect(root.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['data/', 'empty/']);
    expect(root.Contents?.map((c) => c.Key)).toEqual(['top.txt']);
    const all = await s3.send(new ListObjectsV2Command({ Bucket }));
    expect(all.Contents?.map((c) => c.Key)).toEqual(['data/a.csv', 'data/sub/b é.txt', 'empty/', 'top.txt']);
    const inData = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'data/', Delimiter: '/' }));
    expect(inData.Contents?.map((c) => c.Key)).toEqual(['data/a.csv']);
    expect(inData.CommonPrefixes?.map((c) => c.Prefix)).toEqual(['data/sub/']);

    // Paging: one key at a time, v2 tokens and v1 markers, and start-after.
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1, ContinuationToken: token }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(seen).toEqual(['data/a.csv', 'data/sub/b é.txt', 'empty/', 'top.txt']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket, StartAfter: 'empty/' }))).Contents?.map((c) => c.Key)).toEqual(['top.txt']);
    // v1 markers, two keys a page at most (a page may hold fewer: non-empty folders are skipped in it).
    const v1seen: string[] = [];
    let marker: string | undefined;
    for (let pages = 0; ; pages++) {
      const v1 = await s3.send(new ListObjectsCommand({ Bucket, MaxKeys: 2, Marker: marker }));
      expect((v1.Contents ?? []).length).toBeLessThanOrEqual(2);
      v1seen.push(...(v1.Contents ?? []).map((c) => c.Key!));
      if (!v1.IsTruncated) break;
      expect(pages).toBeLessThan(10);
      marker = v1.NextMarker;
    }
    expect(v1seen).toEqual(['data/a.csv', 'data/sub/b é.txt', 'empty/', 'top.txt']);

    await s3.send(new CopyObjectCommand({ Bucket, Key: 'copy.csv', CopySource: `${Bucket}/data/a.csv` }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'copy.csv' }))).Body!.transformToString()).toBe('x,y\n1,2\n');

    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'copy.csv' }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'never-existed' }));
    const multi = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'top.txt' }, { Key: 'data/a.csv' }, { Key: 'empty/' }] } }));
    expect(multi.Deleted?.map((d) => d.Key).sort()).toEqual(['data/a.csv', 'empty/', 'top.txt']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).Contents?.map((c) => c.Key)).toEqual(['data/sub/b é.txt']);

    const log = await (await getDb()).select({ action: activityEvents.action, detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.datasetId, ds.id));
    expect(log.find((e) => e.action === 'file.uploaded')?.detail).toMatchObject({ via: 'access key test key' });
    expect(log.find((e) => e.action === 'file.deleted')?.detail).toMatchObject({ via: 'access key test key' });
  });

  it('enforces roles, key narrowing, locks and revocation on the very next request', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const other = await makeDataset(owner.id);
    const Bucket = ds.id;
    const { s3: ownerS3 } = await clientFor(owner.id);
    await ownerS3.send(new PutObjectCommand({ Bucket, Key: 'f.txt', Body: 'f' }));

    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    const { s3: viewerS3 } = await clientFor(viewer.id);
    expect(await (await viewerS3.send(new GetObjectCommand({ Bucket, Key: 'f.txt' }))).Body!.transformToString()).toBe('f');
    expect(await errorOf(viewerS3.send(new PutObjectCommand({ Bucket, Key: 'v.txt', Body: 'v' })))).toBe('AccessDenied');
    expect(await errorOf(viewerS3.send(new DeleteObjectCommand({ Bucket, Key: 'f.txt' })))).toBe('AccessDenied');
    expect(await errorOf(viewerS3.send(new HeadBucketCommand({ Bucket: other.id })))).toBe('NotFound');
    expect(await errorOf(viewerS3.send(new ListObjectsV2Command({ Bucket: other.id })))).toBe('NoSuchBucket');
    expect((await viewerS3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([ds.id]);

    const editor = await makeUser('Editor');
    await grantAccess(ds.id, editor.id, 'editor');
    const { s3: editorS3 } = await clientFor(editor.id);
    await editorS3.send(new PutObjectCommand({ Bucket, Key: 'e.txt', Body: 'e' }));
    await editorS3.send(new CopyObjectCommand({ Bucket, Key: 'e2.txt', CopySource: `${Bucket}/e.txt` }));
    expect(await errorOf(editorS3.send(new DeleteObjectCommand({ Bucket, Key: 'e.txt' })))).toBe('AccessDenied');
    const refused = await editorS3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'e.txt' }] } }));
    expect(refused.Errors?.[0]).toMatchObject({ Key: 'e.txt', Code: 'AccessDenied' });

    // Read-only and one-dataset keys narrow the owner.
    const { s3: readOnly } = await clientFor(owner.id, { readOnly: true });
    expect(await errorOf(readOnly.send(new PutObjectCommand({ Bucket, Key: 'r.txt', Body: 'r' })))).toBe('AccessDenied');
    expect(await errorOf(readOnly.send(new DeleteObjectCommand({ Bucket, Key: 'f.txt' })))).toBe('AccessDenied');
    const { s3: scoped } = await clientFor(owner.id, { datasetId: other.id });
    expect(await errorOf(scoped.send(new ListObjectsV2Command({ Bucket })))).toBe('NoSuchBucket');
    expect((await scoped.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([other.id]);
    expect(await errorOf(scoped.send(new CopyObjectCommand({ Bucket: other.id, Key: 'x', CopySource: `${Bucket}/f.txt` })))).toBe('NoSuchBucket');

    // Buckets are datasets: no creating or deleting them over S3.
    expect(await errorOf(ownerS3.send(new CreateBucketCommand({ Bucket })))).toBe('BucketAlreadyOwnedByYou');
    expect(await errorOf(ownerS3.send(new CreateBucketCommand({ Bucket: 'new-bucket' })))).toBe('AccessDenied');

    // A lock refuses writes; unlocking restores them.
    await (await getDb()).update(datasets).set({ readOnly: true }).where(eq(datasets.id, ds.id));
    expect(await errorOf(ownerS3.send(new PutObjectCommand({ Bucket, Key: 'l.txt', Body: 'l' })))).toBe('AccessDenied');
    await (await getDb()).update(datasets).set({ readOnly: false }).where(eq(datasets.id, ds.id));

    // Stranger: NoSuchBucket, exactly like a dataset that does not exist.
    const stranger = await makeUser('Stranger');
    const { s3: strangerS3 } = await clientFor(stranger.id);
    expect(await errorOf(strangerS3.send(new GetObjectCommand({ Bucket, Key: 'f.txt' })))).toBe('NoSuchBucket');
    expect(await errorOf(strangerS3.send(new GetObjectCommand({ Bucket: '00000000-0000-4000-8000-000000000000', Key: 'f.txt' })))).toBe('NoSuchBucket');

    // Revocation applies to the next request.
    const { s3: revoked, id } = await clientFor(editor.id);
    await revoked.send(new HeadBucketCommand({ Bucket }));
    await revokeAccessKey(editor.id, id);
    expect(await errorOf(revoked.send(new ListObjectsV2Command({ Bucket })))).toBe('InvalidAccessKeyId');
  });

  it('assembles a multipart upload through the write path, and aborts one leaving nothing', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const Bucket = ds.id;
    const { s3 } = await clientFor(owner.id);
    const parts = [Buffer.alloc(300_000, 'a'), Buffer.alloc(200_000, 'b'), Buffer.from('end')];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big/file.bin', ContentType: 'application/octet-stream' }));
    const etags: string[] = [];
    // Out of order and one part sent twice: the last copy of a part wins.
    for (const i of [1, 0, 2, 1]) etags[i] = (await s3.send(new UploadPartCommand({ Bucket, Key: 'big/file.bin', UploadId, PartNumber: i + 1, Body: parts[i] }))).ETag!;
    const listed = await s3.send(new ListPartsCommand({ Bucket, Key: 'big/file.bin', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, 300_000], [2, 200_000], [3, 3]]);
    expect(await errorOf(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'big/file.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: etags[1] }, { PartNumber: 1, ETag: etags[0] }] } })))).toBe('InvalidPartOrder');
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'big/file.bin', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) } }));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'big/file.bin' }))).Body!.transformToByteArray());
    expect(got.equals(Buffer.concat(parts))).toBe(true);

    // UploadPartCopy (what the CLI uses to copy objects above 8 MiB): two ranges of the file just made.
    const copy = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big/copy.bin' }));
    const ranges = ['bytes=0-299999', 'bytes=300000-500002'];
    const copied = [];
    for (const [i, CopySourceRange] of ranges.entries()) {
      const r = await s3.send(new UploadPartCopyCommand({ Bucket, Key: 'big/copy.bin', UploadId: copy.UploadId, PartNumber: i + 1, CopySource: `${Bucket}/big/file.bin`, CopySourceRange }));
      copied.push({ PartNumber: i + 1, ETag: r.CopyPartResult!.ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'big/copy.bin', UploadId: copy.UploadId, MultipartUpload: { Parts: copied } }));
    expect(Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key: 'big/copy.bin' }))).Body!.transformToByteArray()).equals(got)).toBe(true);

    const db = await getDb();
    expect(await db.select().from(s3Uploads).where(eq(s3Uploads.datasetId, ds.id))).toEqual([]);
    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'gone.bin' }));
    await s3.send(new UploadPartCommand({ Bucket, Key: 'gone.bin', UploadId: second.UploadId, PartNumber: 1, Body: 'x' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'gone.bin', UploadId: second.UploadId }));
    expect(await db.select().from(s3UploadParts).where(eq(s3UploadParts.uploadId, second.UploadId!))).toEqual([]);
    expect(await errorOf(s3.send(new UploadPartCommand({ Bucket, Key: 'gone.bin', UploadId: second.UploadId, PartNumber: 1, Body: 'x' })))).toBe('NoSuchUpload');

    // One left unfinished for more than a week goes when its user starts another.
    const stale = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'stale.bin' }));
    await s3.send(new UploadPartCommand({ Bucket, Key: 'stale.bin', UploadId: stale.UploadId, PartNumber: 1, Body: 'x' }));
    await db.update(s3Uploads).set({ createdAt: new Date(Date.now() - 8 * 86_400_000) }).where(eq(s3Uploads.id, stale.UploadId!));
    await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'fresh.bin' }));
    expect(await db.select().from(s3UploadParts).where(eq(s3UploadParts.uploadId, stale.UploadId!))).toEqual([]);

    // A viewer cannot start one; a read-only key neither.
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    expect(await errorOf((await clientFor(viewer.id)).s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'v.bin' })))).toBe('AccessDenied');
    expect(await errorOf((await clientFor(owner.id, { readOnly: true })).s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'r.bin' })))).toBe('AccessDenied');
  });

  it('lists the key user\'s unfinished multipart uploads, with prefix, delimiter and paging', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const Bucket = ds.id;
    const { s3 } = await clientFor(owner.id);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads ?? []).toEqual([]);
    const ids: Record<string, string> = {};
    for (const Key of ['a/one.bin', 'a/two.bin', 'b.bin', 'a/one.bin#2']) ids[Key] = (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: Key.replace('#2', '') }))).UploadId!;
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket }));
    expect(all.Uploads?.map((u) => u.Key)).toEqual(['a/one.bin', 'a/one.bin', 'a/two.bin', 'b.bin']);
    expect(new Set(all.Uploads?.map((u) => u.UploadId))).toEqual(new Set(Object.values(ids)));
    expect(all.IsTruncated).toBe(false);

    const folders = await s3.send(new ListMultipartUploadsCommand({ Bucket, Delimiter: '/' }));
    expect([folders.CommonPrefixes?.map((c) => c.Prefix), folders.Uploads?.map((u) => u.Key)]).toEqual([['a/'], ['b.bin']]);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'a/t' }))).Uploads?.map((u) => u.Key)).toEqual(['a/two.bin']);

    // Paging two at a time walks every upload once.
    const seen: string[] = [];
    let page = await s3.send(new ListMultipartUploadsCommand({ Bucket, MaxUploads: 2 }));
    for (;;) {
      seen.push(...(page.Uploads ?? []).map((u) => u.UploadId!));
      if (!page.IsTruncated) break;
      page = await s3.send(new ListMultipartUploadsCommand({ Bucket, MaxUploads: 2, KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker }));
    }
    expect(seen.sort()).toEqual(Object.values(ids).sort());

    // Completing or aborting one takes it off the list; another user's uploads are never listed.
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'b.bin', UploadId: ids['b.bin'] }));
    const editor = await makeUser('Editor');
    await grantAccess(ds.id, editor.id, 'editor');
    const { s3: editorS3 } = await clientFor(editor.id);
    await editorS3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'editor.bin' }));
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads?.map((u) => u.Key)).toEqual(['a/one.bin', 'a/one.bin', 'a/two.bin']);
    expect((await editorS3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads?.map((u) => u.Key)).toEqual(['editor.bin']);
  });

  it('verifies CRC32C, CRC64NVME and SHA-256 trailing checksums the SDK sends', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const Bucket = ds.id;
    const { s3 } = await clientFor(owner.id);
    const body = Buffer.concat([Buffer.alloc(90_000, 7), Buffer.from('tail')]);
    for (const ChecksumAlgorithm of ['CRC32C', 'CRC64NVME', 'SHA256'] as const) {
      const Key = `sum-${ChecksumAlgorithm}.bin`;
      await s3.send(new PutObjectCommand({ Bucket, Key, Body: Readable.from([body]), ContentLength: body.length, ChecksumAlgorithm }));
      expect(Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToByteArray()).equals(body)).toBe(true);
    }
    expect([...server.payloadModes]).toEqual(expect.arrayContaining(['STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32c', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc64nvme']));
  });
});
