import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { getBlobStore } from '@/lib/storage';

export type Readiness = { ready: boolean; checks: { database: string; migrations: string; storage: string } };

const CHECK_TIMEOUT_MS = 3_000;
const g = globalThis as unknown as { __troveStopping?: boolean };

/** Called on SIGTERM: from then on the instance reports not ready, so load balancers drain it. */
export function markShuttingDown(): void {
  g.__troveStopping = true;
}

/** Readiness for load balancers and orchestrators: database reachable, migrations applied, storage writable. */
export async function checkReadiness(): Promise<Readiness> {
  const [database, migrations, storage] = await Promise.all([
    check(async () => {
      const db = await getDb();
      await db.execute(sql`select 1`);
    }),
    check(checkMigrations),
    check(checkStorage),
  ]);
  const checks = { database, migrations, storage };
  const ready = !g.__troveStopping && Object.values(checks).every((c) => c === 'ok');
  return { ready, checks: g.__troveStopping ? { ...checks, database: 'shutting down' } : checks };
}

async function check(fn: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return e.code ? `failed (${e.code})` : `failed (${String(e.message ?? 'error').slice(0, 120)})`;
  } finally {
    clearTimeout(timer);
  }
}

// The newest migration shipped with this build must be recorded as applied.
async function checkMigrations(): Promise<void> {
  const journal = JSON.parse(
    fs.readFileSync(path.join(/*turbopackIgnore: true*/ process.cwd(), 'db/migrations/meta/_journal.json'), 'utf8'),
  ) as { entries: { when: number; tag: string }[] };
  const latest = journal.entries.at(-1);
  if (!latest) return;
  const db = await getDb();
  const rows = (await db.execute(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`)) as unknown;
  const list = (rows as { rows?: { last: string | null }[] }).rows ?? (rows as { last: string | null }[]);
  const last = Number(list[0]?.last ?? 0);
  if (last < latest.when) throw new Error(`migration ${latest.tag} is not applied`);
}

// Local: write, sync and remove a small file where uploads are written. S3: HeadBucket.
async function checkStorage(): Promise<void> {
  await getBlobStore().check();
}
