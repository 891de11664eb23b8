import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { getBlobStore } from './index';
import { referencedBlobKeys, rowsOf } from './references';

/**
 * Background deletion of blobs through a queue table (blob_deletions), like the email outbox: the
 * keys are queued in the transaction that drops their rows (a dataset's deletion), and a worker in
 * every instance claims due keys (FOR UPDATE SKIP LOCKED plus a lease), deletes them from storage in
 * batches and then drops them from the queue. A crash at any point leaves the key queued, and it is
 * deleted once the lease runs out; deleting twice is harmless.
 */

const CLAIM = 1000;
const LEASE_S = 300;
const INTERVAL_MS = 5_000;

/**
 * Queues every blob of a dataset for deletion: call inside the transaction that deletes the dataset,
 * before the delete (rows cascade away with it). Covers every table with `storage_key` and
 * `dataset_id` columns, and the parts of the dataset's unfinished S3 multipart uploads.
 */
export async function enqueueDatasetBlobs(tx: Tx, datasetId: string): Promise<number> {
  const tables = rowsOf<{ table_name: string }>(
    await tx.execute(sql`select c.table_name from information_schema.columns c
      join information_schema.columns d on d.table_name = c.table_name and d.table_schema = c.table_schema and d.column_name = 'dataset_id'
      where c.column_name = 'storage_key' and c.table_schema = current_schema() order by 1`),
  ).map((r) => r.table_name);
  const selects = [
    ...tables.map((t) => sql`select storage_key from ${sql.identifier(t)} where dataset_id = ${datasetId} and storage_key is not null`),
    sql`select p.storage_key from s3_upload_parts p join s3_uploads u on u.id = p.upload_id where u.dataset_id = ${datasetId}`,
  ];
  const rows = rowsOf<{ key: string }>(
    await tx.execute(sql`insert into blob_deletions (key) ${sql.join(selects, sql` union `)} on conflict (key) do nothing returning key`),
  );
  return rows.length;
}

export type DeletionRun = { claimed: number; deleted: number; kept: number; failed: number };

/** Claims due keys and deletes their blobs; keys a row references again are dropped from the queue, not deleted. */
export async function processBlobDeletions(opts: { limit?: number } = {}): Promise<DeletionRun> {
  const db = await getDb();
  const claimed = rowsOf<{ key: string }>(
    await db.execute(sql`update blob_deletions set next_attempt_at = now() + make_interval(secs => ${LEASE_S}::int), attempts = attempts + 1
      where key in (select key from blob_deletions where next_attempt_at <= now() order by next_attempt_at limit ${opts.limit ?? CLAIM}::int for update skip locked)
      returning key`),
  ).map((r) => r.key);
  const run: DeletionRun = { claimed: claimed.length, deleted: 0, kept: 0, failed: 0 };
  if (claimed.length === 0) return run;
  const referenced = await referencedBlobKeys(db, claimed);
  const doomed = claimed.filter((k) => !referenced.has(k));
  run.kept = claimed.length - doomed.length;
  try {
    await getBlobStore().deleteMany(doomed);
    run.deleted = doomed.length;
  } catch (err) {
    run.failed = doomed.length;
    const message = err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
    console.error(`Trove: deleting ${doomed.length} blob(s) failed, will retry: ${message}`);
    // Backoff: 30 s, 1 min, 2 min … up to an hour.
    await db.execute(sql`update blob_deletions set last_error = ${message},
      next_attempt_at = now() + make_interval(secs => least(3600, 30 * power(2, least(attempts, 10) - 1)))
      where key in (${sql.join(doomed.map((k) => sql`${k}`), sql`, `)})`);
    const done = claimed.filter((k) => referenced.has(k));
    if (done.length) await db.execute(sql`delete from blob_deletions where key in (${sql.join(done.map((k) => sql`${k}`), sql`, `)})`);
    return run;
  }
  await db.execute(sql`delete from blob_deletions where key in (${sql.join(claimed.map((k) => sql`${k}`), sql`, `)})`);
  return run;
}

type Worker = { timer?: NodeJS.Timeout; running?: Promise<void>; again: boolean; stopped: boolean };
const g = globalThis as unknown as { __troveBlobDeletions?: Worker };

/** Starts the per-process worker (every 5 s, and at once when kicked). */
export function startBlobDeletionWorker(): void {
  if (g.__troveBlobDeletions) return;
  const w: Worker = { again: false, stopped: false };
  g.__troveBlobDeletions = w;
  schedule(w, 0);
}

/** Runs the worker now (after a dataset's deletion commits); a no-op where no worker runs (tests, CLI). */
export function kickBlobDeletions(): void {
  const w = g.__troveBlobDeletions;
  if (w && !w.stopped) schedule(w, 0);
}

export async function stopBlobDeletionWorker(): Promise<void> {
  const w = g.__troveBlobDeletions;
  g.__troveBlobDeletions = undefined;
  if (!w) return;
  w.stopped = true;
  clearTimeout(w.timer);
  await w.running;
}

function schedule(w: Worker, delayMs: number): void {
  if (w.stopped) return;
  clearTimeout(w.timer);
  w.timer = setTimeout(() => void tick(w), delayMs);
  w.timer.unref();
}

async function tick(w: Worker): Promise<void> {
  if (w.running) {
    w.again = true;
    return;
  }
  let more = false;
  w.running = (async () => {
    try {
      do {
        w.again = false;
        const run = await processBlobDeletions();
        more = run.claimed === CLAIM && run.failed === 0;
      } while ((more || w.again) && !w.stopped);
    } catch (err) {
      console.error(`Trove: blob deletion worker run failed: ${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'}`);
    }
  })();
  await w.running;
  w.running = undefined;
  schedule(w, INTERVAL_MS);
}
