import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, datasetGrants, entries, s3UploadParts, s3Uploads } from '@/db/schema';
import { setDatasetReadOnly } from '@/lib/datasets';
import { AppError } from '@/lib/errors';
import { listVersions } from '@/lib/file-history';
import { openDownload, uploadFile } from '@/lib/files';
import { getBlobStore } from '@/lib/storage';
import { sweepStorage } from '@/lib/storage/sweep';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { abortSession, completeSession, createSession, getSession, putPart } from '@/lib/upload-sessions';
import { UPLOAD_PART_BYTES } from '@/lib/upload-sizes';

// Two full parts and a short last one: 16 MiB + 1,000 bytes of random data.
const SIZE = 2 * UPLOAD_PART_BYTES + 1000;
const data = crypto.randomBytes(SIZE);
const slice = (n: number) => data.subarray((n - 1) * UPLOAD_PART_BYTES, Math.min(n * UPLOAD_PART_BYTES, SIZE));
const body = (b: Buffer) => Readable.from([b]);
const send = (userId: string, dsId: string, id: string, n: number, bytes = slice(n)) => putPart(userId, dsId, id, String(n), body(bytes), { contentLength: bytes.length });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function setup() {
  const owner = await makeUser('Owner');
  const ds = await makeDataset(owner.id);
  return { owner, ds, db: await getDb() };
}

const partRows = async (id: string) => (await getDb()).select().from(s3UploadParts).where(eq(s3UploadParts.uploadId, id));

describe('resumable upload sessions', () => {
  it('parts in any order, resent, listed for resuming; complete makes one file, one activity entry, the right SHA-256 and a version of the replaced file', async () => {
    const { owner, ds, db } = await setup();
    await uploadFile(owner.id, ds.id, 'big/data.bin', body(Buffer.from('old content')));
    const s = await createSession(owner.id, ds.id, { path: 'big/data.bin', size: SIZE, contentType: 'application/octet-stream', batch: crypto.randomUUID() });
    expect(s).toMatchObject({ path: 'big/data.bin', size: SIZE, partSize: UPLOAD_PART_BYTES, parts: 3, received: [] });

    await send(owner.id, ds.id, s.id, 3);
    await send(owner.id, ds.id, s.id, 1);
    // The connection dropped mid-part 2: nothing of it is kept, and the server says which parts it has.
    const dropped = Readable.from((async function* () {
      yield slice(2).subarray(0, 1000);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    })());
    await expect(putPart(owner.id, ds.id, s.id, '2', dropped, { contentLength: UPLOAD_PART_BYTES })).rejects.toThrow();
    expect((await getSession(owner.id, ds.id, s.id)).received).toEqual([{ partNumber: 1, size: UPLOAD_PART_BYTES }, { partNumber: 3, size: 1000 }]);
    // Sending a part again replaces it (the earlier blob goes).
    const before = (await partRows(s.id)).find((p) => p.partNumber === 1)!.storageKey;
    await send(owner.id, ds.id, s.id, 1);
    expect(await getBlobStore().stat(before)).toBeNull();
    expect(await code(completeSession(owner.id, ds.id, s.id))).toBe('CONFLICT'); // part 2 still missing
    await send(owner.id, ds.id, s.id, 2);

    const result = await completeSession(owner.id, ds.id, s.id);
    expect(result).toEqual({ path: 'big/data.bin', size: SIZE, sha256: crypto.createHash('sha256').update(data).digest('hex'), created: false });
    const file = await openDownload(owner.id, ds.id, 'big/data.bin');
    expect((await readAll(await file.open())).equals(data)).toBe(true);
    const versions = await listVersions(owner.id, ds.id, 'big/data.bin');
    expect(versions.versions.map((v) => v.size)).toEqual([SIZE, 'old content'.length]);
    const events = await db.select({ action: activityEvents.action }).from(activityEvents).where(eq(activityEvents.datasetId, ds.id));
    // One entry for the first upload, exactly one for this one (not one per part).
    expect(events.map((e) => e.action).sort()).toEqual(['file.replaced', 'file.uploaded']);
    // The session and its parts are gone; completing again is a clear 404.
    expect(await db.select().from(s3Uploads).where(eq(s3Uploads.id, s.id))).toEqual([]);
    expect(await partRows(s.id)).toEqual([]);
    expect(await code(completeSession(owner.id, ds.id, s.id))).toBe('NOT_FOUND');
  });

  it('sessions of one batch complete into the batch’s single activity line', async () => {
    const { owner, ds, db } = await setup();
    const batch = crypto.randomUUID();
    const small = Buffer.from('x'.repeat(10));
    await uploadFile(owner.id, ds.id, 'imgs/a.txt', body(small), { batch });
    const s = await createSession(owner.id, ds.id, { path: 'imgs/b.bin', size: 10, batch });
    await putPart(owner.id, ds.id, s.id, '1', body(small), { contentLength: 10 });
    await completeSession(owner.id, ds.id, s.id);
    const events = await db.select({ detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.datasetId, ds.id));
    expect(events).toHaveLength(1);
    expect(events[0].detail).toMatchObject({ batch, files: 2 });
  });

  it('abort leaves nothing: no session, no part rows, no blobs, no file', async () => {
    const { owner, ds, db } = await setup();
    const s = await createSession(owner.id, ds.id, { path: 'x.bin', size: SIZE });
    await send(owner.id, ds.id, s.id, 1);
    const keys = (await partRows(s.id)).map((p) => p.storageKey);
    await abortSession(owner.id, ds.id, s.id);
    expect(await db.select().from(s3Uploads).where(eq(s3Uploads.id, s.id))).toEqual([]);
    expect(await partRows(s.id)).toEqual([]);
    for (const k of keys) expect(await getBlobStore().stat(k)).toBeNull();
    expect(await db.select().from(entries).where(and(eq(entries.datasetId, ds.id), eq(entries.path, 'x.bin')))).toEqual([]);
    expect(await code(send(owner.id, ds.id, s.id, 2))).toBe('NOT_FOUND');
  });

  it('a part still arriving when its session is cancelled is refused (404), not recorded', async () => {
    const { owner, ds } = await setup();
    const s = await createSession(owner.id, ds.id, { path: 'race.bin', size: SIZE });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = Readable.from((async function* () {
      yield slice(1).subarray(0, 1000);
      await gate;
      yield slice(1).subarray(1000);
    })());
    const pending = code(putPart(owner.id, ds.id, s.id, '1', slow, { contentLength: UPLOAD_PART_BYTES }));
    await new Promise((r) => setTimeout(r, 50));
    await abortSession(owner.id, ds.id, s.id);
    release();
    expect(await pending).toBe('NOT_FOUND');
    expect(await partRows(s.id)).toEqual([]);
  });

  it('a user demoted mid-upload is refused on the next part and on complete; a stranger and another editor get 404', async () => {
    const { ds, db } = await setup();
    const editor = await makeUser('Editor');
    const other = await makeUser('Other editor');
    const stranger = await makeUser('Stranger');
    const grant = await grantAccess(ds.id, editor.id, 'editor');
    await grantAccess(ds.id, other.id, 'editor');
    const s = await createSession(editor.id, ds.id, { path: 'e.bin', size: SIZE });
    await send(editor.id, ds.id, s.id, 1);
    expect(await code(send(other.id, ds.id, s.id, 2))).toBe('NOT_FOUND');
    expect(await code(getSession(stranger.id, ds.id, s.id))).toBe('NOT_FOUND');
    expect(await code(abortSession(stranger.id, ds.id, s.id))).toBe('NOT_FOUND');
    await db.update(datasetGrants).set({ role: 'viewer' }).where(eq(datasetGrants.id, grant));
    expect(await code(send(editor.id, ds.id, s.id, 2))).toBe('FORBIDDEN');
    expect(await code(completeSession(editor.id, ds.id, s.id))).toBe('FORBIDDEN');
    expect(await code(createSession(editor.id, ds.id, { path: 'f.bin', size: 5 }))).toBe('FORBIDDEN');
    expect((await partRows(s.id)).map((p) => p.partNumber)).toEqual([1]);
    // Cancelling their own session is still allowed: it only frees storage.
    await abortSession(editor.id, ds.id, s.id);
    expect(await partRows(s.id)).toEqual([]);
  });

  it('a locked dataset refuses new sessions and parts', async () => {
    const { owner, ds } = await setup();
    const s = await createSession(owner.id, ds.id, { path: 'l.bin', size: SIZE });
    await setDatasetReadOnly(owner.id, ds.id, true);
    expect(await code(createSession(owner.id, ds.id, { path: 'm.bin', size: SIZE }))).toBe('LOCKED');
    expect(await code(send(owner.id, ds.id, s.id, 1))).toBe('LOCKED');
    expect(await code(completeSession(owner.id, ds.id, s.id))).toBe('LOCKED');
  });

  it('bad input is a clear 4xx and writes nothing', async () => {
    const { owner, ds } = await setup();
    const bad = (input: Record<string, unknown>) => code(createSession(owner.id, ds.id, input));
    expect(await bad({ path: 'a.bin', size: -1 })).toBe('INVALID');
    expect(await bad({ path: 'a.bin', size: 0 })).toBe('INVALID');
    expect(await bad({ path: 'a.bin', size: 1.5 })).toBe('INVALID');
    expect(await bad({ path: 'a.bin', size: '100' })).toBe('INVALID');
    expect(await bad({ path: 'a.bin' })).toBe('INVALID');
    expect(await bad({ size: 10 })).toBe('INVALID');
    expect(await bad({ path: '../etc/passwd', size: 10 })).toBe('INVALID');
    expect(await bad({ path: 'a\u0000b', size: 10 })).toBe('INVALID');
    expect(await bad({ path: 'a.bin', size: 10, batch: 'x'.repeat(500) })).toBe('INVALID');
    expect(await bad({ path: 'a.bin', size: 6 * 1024 ** 4 })).toBe('TOO_LARGE');
    await uploadFile(owner.id, ds.id, 'dir/inner.txt', body(Buffer.from('x')));
    expect(await bad({ path: 'dir', size: 10 })).toBe('CONFLICT');
    expect(await bad({ path: 'dir/inner.txt/x', size: 10 })).toBe('CONFLICT');
    expect(await code(createSession(owner.id, 'not-a-uuid', { path: 'a', size: 1 }))).toBe('NOT_FOUND');

    const s = await createSession(owner.id, ds.id, { path: 'a.bin', size: SIZE });
    for (const n of ['0', '4', '-1', '1.5', 'abc', '99999999', '']) expect(await code(putPart(owner.id, ds.id, s.id, n, body(slice(1))))).toBe('INVALID');
    // Wrong sizes: announced, or arriving (short; beyond the part's slot, e.g. past the declared file size).
    expect(await code(putPart(owner.id, ds.id, s.id, '3', body(slice(3)), { contentLength: 999 }))).toBe('INVALID');
    expect(await code(putPart(owner.id, ds.id, s.id, '3', body(Buffer.alloc(1001))))).toBe('INVALID');
    expect(await code(putPart(owner.id, ds.id, s.id, '1', body(Buffer.alloc(10))))).toBe('INVALID');
    expect(await code(putPart(owner.id, ds.id, s.id, '1', null))).toBe('INVALID');
    // Unknown, malformed or someone else's session ids.
    for (const id of [crypto.randomUUID(), 'nope', "'; drop table s3_uploads; --"]) {
      expect(await code(putPart(owner.id, ds.id, id, '1', body(slice(1))))).toBe('NOT_FOUND');
      expect(await code(getSession(owner.id, ds.id, id))).toBe('NOT_FOUND');
      expect(await code(completeSession(owner.id, ds.id, id))).toBe('NOT_FOUND');
      expect(await code(abortSession(owner.id, ds.id, id))).toBe('NOT_FOUND');
    }
    // The session of another dataset is not found here.
    const ds2 = await makeDataset(owner.id);
    expect(await code(putPart(owner.id, ds2.id, s.id, '1', body(slice(1))))).toBe('NOT_FOUND');
    expect(await partRows(s.id)).toEqual([]);
  });

  it('S3 multipart and browser sessions do not see each other; the sweep drops sessions idle for a day', async () => {
    const { owner, ds, db } = await setup();
    const s = await createSession(owner.id, ds.id, { path: 'old.bin', size: SIZE });
    await send(owner.id, ds.id, s.id, 1);
    const keys = (await partRows(s.id)).map((p) => p.storageKey);
    const fresh = await createSession(owner.id, ds.id, { path: 'new.bin', size: SIZE });
    await db.update(s3Uploads).set({ touchedAt: new Date(Date.now() - 25 * 3600_000) }).where(eq(s3Uploads.id, s.id));
    const r = await sweepStorage();
    expect(r.staleUploads).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(s3Uploads).where(eq(s3Uploads.id, s.id))).toEqual([]);
    for (const k of keys) expect(await getBlobStore().stat(k)).toBeNull();
    expect((await getSession(owner.id, ds.id, fresh.id)).id).toBe(fresh.id);
    // An S3 multipart upload's id is not a browser session.
    const [s3] = await db.insert(s3Uploads).values({ datasetId: ds.id, userId: owner.id, path: 'k' }).returning({ id: s3Uploads.id });
    expect(await code(getSession(owner.id, ds.id, s3.id))).toBe('NOT_FOUND');
  });
});
