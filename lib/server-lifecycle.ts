import { closeDb, DataDirLockedError, getDb } from '@/db/client';
import { loadAuthSecret } from '@/lib/auth/secret';
import { startEmailWorker, stopEmailWorker } from '@/lib/email/worker';
import { markShuttingDown } from '@/lib/health';
import { pruneHistory } from '@/lib/file-history';
import { sweepSharingNotices } from '@/lib/sharing-notices';
import { checkBlobStoreAtStart, StorageCheckError } from '@/lib/storage';
import { startBlobDeletionWorker, stopBlobDeletionWorker } from '@/lib/storage/deletions';
import { sweepStorage } from '@/lib/storage/sweep';

const SWEEP_EVERY_MS = 6 * 3600 * 1000;

// At start-up (temp files of a crashed predecessor go at once), then every 6 hours: old file versions
// and expired trash items (VERSIONS_KEEP, VERSIONS_DAYS, TRASH_DAYS), then unreferenced blobs.
function startStorageSweep(): void {
  const failed = (what: string) => (err: unknown) => console.error(`Trove: ${what} failed:`, err instanceof Error ? err.message : err);
  const run = () => void pruneHistory().catch(failed('pruning versions and trash')).then(() => sweepStorage().catch(failed('storage sweep')));
  run();
  setInterval(run, SWEEP_EVERY_MS).unref();
}

const NOTICES_EVERY_MS = 10 * 60 * 1000;

// Sharing reminders (invitations about to expire or expired, access about to end): every 10 minutes.
function startNoticeSweep(): void {
  const run = () => void sweepSharingNotices().catch((err) => console.error('Trove: reminder sweep failed:', err instanceof Error ? err.message : err));
  setTimeout(run, 30_000).unref();
  setInterval(run, NOTICES_EVERY_MS).unref();
}

let started = false;

/** Opens the database with migrations applied, starts the email worker, and stops both cleanly on SIGTERM / SIGINT. */
export async function startServer(): Promise<void> {
  if (started) return;
  started = true;
  try {
    await getDb();
    await loadAuthSecret(); // with DATABASE_URL and no AUTH_SECRET: the one all instances share
  } catch (err) {
    console.error(err instanceof DataDirLockedError ? err.message : err);
    process.exit(1);
  }
  try {
    await checkBlobStoreAtStart();
  } catch (err) {
    // One line that says what is wrong (no bucket, no permission, unreachable), never a stack trace.
    console.error(`Trove: file storage is not usable: ${err instanceof StorageCheckError ? err.message : err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  startEmailWorker();
  startBlobDeletionWorker();
  startStorageSweep();
  startNoticeSweep();
  const stop = (signal: string) => {
    console.log(`Trove: ${signal} received: finishing requests, then closing.`);
    markShuttingDown(); // /api/health/ready answers 503 from now on
    // Next's own handler stops accepting connections, waits for in-flight requests, then calls
    // process.exit. Hand the worker's leases back now, and close the database just before that exit.
    const workerStopped = Promise.all([stopEmailWorker().catch(() => {}), stopBlobDeletionWorker().catch(() => {})]);
    const exit = process.exit.bind(process);
    process.exit = ((code?: number) => {
      void workerStopped
        .then(() => closeDb())
        .catch(() => {})
        .finally(() => exit(code));
    }) as typeof process.exit;
    // Should nothing else exit (a custom server without Next's handler), do it ourselves.
    setTimeout(() => process.exit(0), 30_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
