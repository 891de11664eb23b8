import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { datasets, datasetStats, entries, fileVersions, trashedEntries } from '@/db/schema';
import { deleteDataset } from '@/lib/datasets';
import { emptyTrash, listTrash, pruneHistory, pruneVersionsOf, restoreFromTrash, restoreVersion } from '@/lib/file-history';
import { deleteEntries, deleteEntry, getDatasetStats, moveEntry, statsForDatasets, uploadFile } from '@/lib/files';
import type { Principal } from '@/lib/s3/auth';
import { completeUpload, createUpload, uploadPart } from '@/lib/s3/multipart';
import { deleteObject } from '@/lib/s3/objects';
import { makeDataset, makeUser } from '@/lib/testing/factories';

// A dataset's file count and sizes are kept in dataset_stats by triggers (migration 0015) instead of
// being counted per request. These tests drive random histories through every code path that writes
// entries, versions and the Trash — browser uploads and overwrites, deletes to the Trash (files,
// folders, selections), restores, emptying, version restores and pruning, the sweep, moves, S3 PutObject /
// multipart / DeleteObject — and compare the kept totals with a fresh count and sum after every step.

/** Small seeded PRNG (mulberry32), so a failing history can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const resultRows = (r: unknown) => ((r as { rows?: Record<string, unknown>[] }).rows ?? (r as Record<string, unknown>[]));

/** What the header showed before the totals were kept: a fresh count and sum over the three tables. */
async function fresh(datasetId: string) {
  const db = await getDb();
  const [r] = resultRows(
    await db.execute(sql`select
      (select count(*) from entries where dataset_id = ${datasetId} and kind = 'file')::int as files,
      (select coalesce(sum(size), 0) from entries where dataset_id = ${datasetId} and kind = 'file')::text as bytes,
      ((select coalesce(sum(size), 0) from file_versions where dataset_id = ${datasetId})
        + (select coalesce(sum(size), 0) from trashed_entries where dataset_id = ${datasetId} and kind = 'file'))::text as history`),
  );
  const history = Number(r.history);
  return { fileCount: Number(r.files), totalSize: Number(r.bytes) + history, historySize: history };
}

async function* bytesOf(n: number) {
  yield Buffer.alloc(n, 97);
}

const principal = (userId: string): Principal => ({ userId, keyName: 'stats test', readOnly: false, datasetId: null, payloadHash: 'UNSIGNED-PAYLOAD', verifyChunk: () => true });
const noSignal = () => new AbortController().signal;

async function s3Multipart(userId: string, datasetId: string, key: string, parts: number[]) {
  const p = principal(userId);
  const created = await createUpload(p, datasetId, key, new Headers());
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)![1];
  let xml = '<CompleteMultipartUpload>';
  for (const [i, size] of parts.entries()) {
    const q = new URLSearchParams({ uploadId, partNumber: String(i + 1) });
    const body = new Response(Buffer.alloc(size, 98)).body;
    const etag = await uploadPart(p, datasetId, key, q, new Headers({ 'content-length': String(size) }), body, noSignal());
    xml += `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etag}</ETag></Part>`;
  }
  await completeUpload(p, datasetId, key, new URLSearchParams({ uploadId }), `${xml}</CompleteMultipartUpload>`, noSignal());
}

// Refusals the history may run into (a restore whose place is taken, a path that is a folder, a
// folder moved into itself): the step changes nothing, and the totals must still agree.
async function tolerate(step: Promise<unknown>) {
  try {
    await step;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'CONFLICT' && code !== 'NOT_FOUND' && code !== 'INVALID') throw err;
  }
}

async function runHistory(seed: number, steps: number) {
  const random = rng(seed);
  const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const db = await getDb();
  const owner = await makeUser('Stats owner');
  const ds = await makeDataset(owner.id);
  const other = await makeDataset(owner.id); // a neighbour whose totals must not move
  await uploadFile(owner.id, other.id, 'keep.bin', bytesOf(123), { contentLength: 123 });
  const folders = ['', 'a', 'a/b', 'c'];
  const log: string[] = [];

  for (let i = 0; i < steps; i++) {
    const files = await db.select({ id: entries.id, path: entries.path, kind: entries.kind }).from(entries).where(eq(entries.datasetId, ds.id)).orderBy(entries.path);
    const fileRows = files.filter((f) => f.kind === 'file');
    const roll = random();
    const size = 1 + Math.floor(random() * 5000);
    const newPath = `${pick(folders)}${random() < 0.75 ? '/' : ''}f${Math.floor(random() * 12)}.txt`.replace(/^\//, '');
    let op: string;
    if (roll < 0.25 || fileRows.length === 0) {
      op = `upload ${newPath} (${size})`;
      await tolerate(uploadFile(owner.id, ds.id, newPath, bytesOf(size), { contentLength: size }));
    } else if (roll < 0.38) {
      const f = pick(fileRows);
      op = `overwrite ${f.path} (${size})`;
      await uploadFile(owner.id, ds.id, f.path, bytesOf(size), { contentLength: size });
    } else if (roll < 0.46) {
      const e = pick(files);
      op = `delete ${e.kind} ${e.path}`;
      await deleteEntry(owner.id, ds.id, e.path);
    } else if (roll < 0.5) {
      const chosen = [pick(files).path, pick(files).path];
      op = `delete selection ${chosen.join(', ')}`;
      await deleteEntries(owner.id, ds.id, chosen);
    } else if (roll < 0.6) {
      const trash = await listTrash(owner.id, ds.id);
      if (trash.length === 0) continue;
      const item = pick(trash);
      op = `restore ${item.path}`;
      await tolerate(restoreFromTrash(owner.id, ds.id, item.id));
    } else if (roll < 0.65) {
      const trash = await listTrash(owner.id, ds.id);
      const one = trash.length > 0 && random() < 0.5 ? pick(trash) : undefined;
      op = `empty trash${one ? ` item ${one.path}` : ''}`;
      await emptyTrash(owner.id, ds.id, one?.id);
    } else if (roll < 0.72) {
      const versions = await db.select({ id: fileVersions.id, entryId: fileVersions.entryId }).from(fileVersions).where(eq(fileVersions.datasetId, ds.id)).orderBy(fileVersions.id);
      if (versions.length === 0) continue;
      const v = pick(versions);
      if (random() < 0.5) {
        op = `restore version of ${v.entryId}`;
        await tolerate(restoreVersion(owner.id, ds.id, v.id));
      } else {
        op = `prune versions of ${v.entryId} (keep 1)`;
        const keep = process.env.VERSIONS_KEEP;
        process.env.VERSIONS_KEEP = '1';
        try {
          await pruneVersionsOf(v.entryId);
        } finally {
          if (keep === undefined) delete process.env.VERSIONS_KEEP;
          else process.env.VERSIONS_KEEP = keep;
        }
      }
    } else if (roll < 0.76) {
      // The sweep: every dataset's old versions and expired trash (here: all of it).
      op = 'sweep (keep 1 version, trash older than 0 days)';
      await pruneHistory({ keep: 1, versionDays: 30, trashDays: 0 });
    } else if (roll < 0.82) {
      const e = pick(files);
      const to = `${pick(['c', 'moved'])}/${e.path.split('/').pop()}-${i}`;
      op = `move ${e.path} → ${to}`;
      await tolerate(moveEntry(owner.id, ds.id, e.path, to));
    } else if (roll < 0.9) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => 1 + Math.floor(random() * 3000));
      op = `s3 multipart ${newPath} (${parts.join(' + ')})`;
      await tolerate(s3Multipart(owner.id, ds.id, newPath, parts));
    } else {
      const f = pick(fileRows);
      op = `s3 delete ${f.path}`;
      await deleteObject(principal(owner.id), ds.id, f.path);
    }
    log.push(op);
    const want = await fresh(ds.id);
    expect(await getDatasetStats(db, ds.id), `seed ${seed}, after:\n${log.join('\n')}`).toEqual(want);
  }
  expect(await getDatasetStats(db, other.id)).toEqual({ fileCount: 1, totalSize: 123, historySize: 0 });
  return { owner, ds, other, log };
}

describe('dataset totals (dataset_stats)', () => {
  afterEach(() => {
    delete process.env.VERSIONS_KEEP;
  });

  const steps: string[] = [];
  for (const seed of [1, 2, 3]) {
    it(`equal a fresh count and sum after a random history (seed ${seed})`, async () => {
      steps.push(...(await runHistory(seed, 60)).log);
    }, 120_000);
  }
  it('the histories went through every write path', () => {
    for (const kind of ['upload', 'overwrite', 'delete file', 'delete folder', 'delete selection', 'restore ', 'restore version', 'empty trash', 'prune versions', 'sweep', 'move', 's3 multipart', 's3 delete']) {
      expect(steps.some((l) => l.startsWith(kind)), kind).toBe(true);
    }
  });

  it('a new dataset starts at zero; a deleted one takes its row along; the neighbour keeps its totals', async () => {
    const owner = await makeUser('Stats owner');
    const ds = await makeDataset(owner.id);
    const other = await makeDataset(owner.id);
    const db = await getDb();
    expect(await getDatasetStats(db, ds.id)).toEqual({ fileCount: 0, totalSize: 0, historySize: 0 });
    await uploadFile(owner.id, ds.id, 'x/y.bin', bytesOf(10), { contentLength: 10 });
    await uploadFile(owner.id, other.id, 'z.bin', bytesOf(7), { contentLength: 7 });
    const [{ name }] = await db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, ds.id));
    await deleteDataset(owner.id, ds.id, name);
    expect(await db.select().from(datasetStats).where(eq(datasetStats.datasetId, ds.id))).toEqual([]);
    expect((await statsForDatasets(db, [ds.id, other.id])).get(other.id)).toEqual({ fileCount: 1, totalSize: 7, historySize: 0 });
  });

  it('a folder of many files moved to the Trash and back updates the totals once per statement', async () => {
    const owner = await makeUser('Stats owner');
    const ds = await makeDataset(owner.id);
    const db = await getDb();
    await uploadFile(owner.id, ds.id, 'big/seed.bin', bytesOf(1), { contentLength: 1 });
    await db.execute(sql`insert into entries (dataset_id, path, parent, name, kind, size)
      select ${ds.id}::uuid, 'big/f' || g, 'big', 'f' || g, 'file', g from generate_series(1, 5000) g`);
    expect(await getDatasetStats(db, ds.id)).toEqual(await fresh(ds.id));
    await deleteEntry(owner.id, ds.id, 'big');
    expect(await getDatasetStats(db, ds.id)).toEqual({ fileCount: 0, totalSize: 1 + (5000 * 5001) / 2, historySize: 1 + (5000 * 5001) / 2 });
    const [item] = await listTrash(owner.id, ds.id);
    await restoreFromTrash(owner.id, ds.id, item.id);
    expect(await getDatasetStats(db, ds.id)).toEqual(await fresh(ds.id));
    expect(await db.$count(trashedEntries, eq(trashedEntries.datasetId, ds.id))).toBe(0);
  });

  it('dataset_stats_rebuild() recomputes totals a bulk load left behind', async () => {
    const owner = await makeUser('Stats owner');
    const ds = await makeDataset(owner.id);
    const db = await getDb();
    await uploadFile(owner.id, ds.id, 'a.bin', bytesOf(5), { contentLength: 5 });
    await db.update(datasetStats).set({ fileCount: 99, fileBytes: 1, historyBytes: 2 }).where(eq(datasetStats.datasetId, ds.id));
    await db.execute(sql`select dataset_stats_rebuild()`);
    expect(await getDatasetStats(db, ds.id)).toEqual({ fileCount: 1, totalSize: 5, historySize: 0 });
  });
});
