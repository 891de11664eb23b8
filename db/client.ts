import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { config } from '@/lib/config';
import { DataDirLockedError, lockDataDir, type LockOptions } from '@/lib/data-dir-lock';
import * as schema from './schema';

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export type Handle = { db: Db; close: () => Promise<void> };

const MIGRATIONS = path.join(/*turbopackIgnore: true*/ process.cwd(), 'db/migrations');

// One instance per process, kept on globalThis so dev reloads and test files share it.
const g = globalThis as unknown as { __troveDb?: Promise<Handle> };

/** The database, opened on first use with migrations applied. */
export function getDb(): Promise<Db> {
  g.__troveDb ??= open().catch((err) => {
    g.__troveDb = undefined;
    throw err;
  });
  return g.__troveDb.then((h) => h.db);
}

/** Closes the database (SIGTERM, tests). */
export async function closeDb(): Promise<void> {
  const h = g.__troveDb;
  g.__troveDb = undefined;
  if (h) await (await h).close();
}

async function open(): Promise<Handle> {
  const url = config.databaseUrl;
  return url ? openPostgres(url) : openPglite(config.dataDir);
}

async function openPostgres(url: string): Promise<Handle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const { withReadRetry } = await import('./read-retry');
  // A bounded connect: during an outage a request waits at most this long, then answers 503.
  const connect_timeout = Number(process.env.DATABASE_CONNECT_TIMEOUT_S) || 5;
  // Reconnect backoff capped at 1 s: postgres.js's default grows with every failed connect of the
  // pool (3^n / 100 s, up to 20 s), so after an outage requests kept waiting long after the server was back.
  const backoff = (retries: number) => Math.min(0.05 * 2 ** retries, 1);
  const sql = postgres(url, { max: Number(process.env.DATABASE_POOL_SIZE) || 10, connect_timeout, backoff, onnotice: () => {} });
  const db = drizzle(withReadRetry(sql), { schema });
  // Serialise migrations across processes starting at once (several app instances, test workers):
  // one connection holds an advisory lock while it migrates.
  const one = postgres(url, { max: 1, connect_timeout, onnotice: () => {} });
  try {
    await one`select pg_advisory_lock(7406211)`;
    await migrate(drizzle(one, { schema }), { migrationsFolder: MIGRATIONS });
  } finally {
    await one.end({ timeout: 5 });
  }
  return { db, close: () => sql.end({ timeout: 5 }) };
}

export { DataDirLockedError };

/** Opens the embedded database in dataDir, holding an exclusive lock on it for the life of the process. */
export async function openPglite(dataDir: string, lockOptions?: LockOptions): Promise<Handle> {
  const dir = path.join(dataDir, 'db');
  // PGlite has no lock of its own: two processes on one directory silently lose writes.
  const lock = lockDataDir(dataDir, lockOptions);
  fs.mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  // pg_trgm backs "Search files" (migration 0007 creates the extension and its index).
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  let client: InstanceType<typeof PGlite>;
  let db;
  try {
    client = new PGlite(dir, { extensions: { pg_trgm } });
    db = drizzle(client, { schema });
    await migrate(db, { migrationsFolder: MIGRATIONS });
  } catch (err) {
    lock.release();
    throw err;
  }
  return {
    db: db as unknown as Db,
    close: async () => {
      try {
        await client.close();
      } finally {
        lock.release();
      }
    },
  };
}
