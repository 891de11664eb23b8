// `npm run db:migrate`: applies db/migrations to DATABASE_URL, or to the embedded database in DATA_DIR.
// (The app also applies them itself at start-up.)
import { spawnSync } from 'node:child_process';

const r = spawnSync(process.execPath, ['node_modules/drizzle-kit/bin.cjs', 'migrate'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
