import { closeDb, DataDirLockedError, getDb } from '@/db/client';
import { startEmailWorker, stopEmailWorker } from '@/lib/email/worker';

let started = false;

/** Opens the database with migrations applied, starts the email worker, and stops both cleanly on SIGTERM / SIGINT. */
export async function startServer(): Promise<void> {
  if (started) return;
  started = true;
  try {
    await getDb();
  } catch (err) {
    console.error(err instanceof DataDirLockedError ? err.message : err);
    process.exit(1);
  }
  startEmailWorker();
  const stop = async (signal: string) => {
    console.log(`Trove: ${signal} received, closing.`);
    // The worker hands back its leases while the database is still open.
    await stopEmailWorker().catch(() => {});
    await closeDb().catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
