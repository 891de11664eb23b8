import { defineConfig } from 'drizzle-kit';
import path from 'node:path';

// `npm run db:generate` writes SQL migrations from db/schema; the app applies them at start-up
// (db/client.ts), and `npm run db:migrate` applies them on demand to either driver.
const url = process.env.DATABASE_URL;
export default url
  ? defineConfig({ dialect: 'postgresql', schema: './db/schema/index.ts', out: './db/migrations', dbCredentials: { url } })
  : defineConfig({
      dialect: 'postgresql',
      driver: 'pglite',
      schema: './db/schema/index.ts',
      out: './db/migrations',
      dbCredentials: { url: path.resolve(process.env.DATA_DIR ?? './data', 'db') },
    });
