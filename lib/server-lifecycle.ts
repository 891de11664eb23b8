import { closeDb, DataDirLockedError, getDb } from '@/db/client';

let started = false;

/** Opens the database with migrations applied, and closes it cleanly on SIGTERM / SIGINT. */
export async function startServer(): Promise<void> {
  if (started) return;
  started = true;
  try {
    await getDb();
  } catch (err) {
    console.error(err instanceof DataDirLockedError ? err.message : err);
    process.exit(1);
  }
  const stop = async (signal: string) => {
    console.log(`Trove: ${signal} received, closing.`);
    await closeDb().catch(() => {});
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
