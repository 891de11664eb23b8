import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { config } from '@/lib/config';

const SECRET_NAME = 'auth-secret';

/**
 * AUTH_SECRET; else, on the embedded database, one generated once into DATA_DIR (mode 0600) and reused
 * on every restart. With DATABASE_URL the generated secret lives in the database, shared by every
 * instance: loadAuthSecret() must have run at start-up (lib/server-lifecycle.ts does, before serving).
 */
export function getAuthSecret(): string {
  if (process.env.AUTH_SECRET) return process.env.AUTH_SECRET;
  if (config.databaseUrl) {
    throw new Error('Trove: AUTH_SECRET is not set and the shared secret was not loaded from the database (loadAuthSecret() runs at start-up).');
  }
  return readOrCreateFileSecret();
}

/**
 * Makes sure process.env.AUTH_SECRET is set before the first request. With DATABASE_URL and no
 * AUTH_SECRET, every instance gets the same generated secret from the database, so a session made on
 * one instance is valid on the others (a secret per instance's DATA_DIR logged users out on the next
 * instance). An existing DATA_DIR/auth-secret seeds it, so sessions survive the upgrade.
 */
export async function loadAuthSecret(): Promise<void> {
  if (process.env.AUTH_SECRET) return;
  if (!config.databaseUrl) {
    readOrCreateFileSecret();
    return;
  }
  const { getDb } = await import('@/db/client');
  process.env.AUTH_SECRET = await sharedSecret(await getDb(), SECRET_NAME, () => existingFileSecret() ?? newSecret());
}

/** The secret `name` stored in the database: created once by whichever instance asks first, race-safe. */
export async function sharedSecret(db: Awaited<ReturnType<typeof import('@/db/client').getDb>>, name: string, create: () => string): Promise<string> {
  const { eq } = await import('drizzle-orm');
  const { instanceSecrets } = await import('@/db/schema');
  await db.insert(instanceSecrets).values({ name, value: create() }).onConflictDoNothing();
  const [row] = await db.select({ value: instanceSecrets.value }).from(instanceSecrets).where(eq(instanceSecrets.name, name));
  return row.value;
}

function newSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function existingFileSecret(): string | null {
  try {
    return fs.readFileSync(path.join(config.dataDir, 'auth-secret'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function readOrCreateFileSecret(): string {
  const file = path.join(config.dataDir, 'auth-secret');
  const existing = existingFileSecret();
  if (existing) return existing;
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    // 'wx' fails if another process created it first; then we read theirs.
    fs.writeFileSync(file, newSecret(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
