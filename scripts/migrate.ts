// `npm run db:migrate`: applies db/migrations to DATABASE_URL, or to the embedded database in DATA_DIR,
// through the app's own database module (so it honours the DATA_DIR lock). The app also does this at start.
import { closeDb, getDb } from '../db/client';
import { config } from '../lib/config';

try {
  await getDb();
  console.log(`Migrations applied to ${config.databaseUrl ? 'DATABASE_URL' : `${config.dataDir}/db`}.`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await closeDb();
}
