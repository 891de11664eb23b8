import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseKnownDown } from '@/lib/db-availability';
import { isDatabaseUnavailable } from '@/lib/errors';
import { startForwarder } from '@/lib/testing/tcp-forwarder';
import { withReadRetry } from './read-retry';

// Issue 14 (8): a database restart or outage. Real PostgreSQL only (PGlite has no server): vitest.config.ts
// runs *.pg.test.ts files only when the suite runs on PostgreSQL.
const url = process.env.DATABASE_URL;
if (!url) throw new Error('db/read-retry.pg.test.ts needs DATABASE_URL (PostgreSQL)');

describe('a database restart or outage (PostgreSQL)', () => {
  let fwd: Awaited<ReturnType<typeof startForwarder>>;
  let client: postgres.Sql;
  let db: ReturnType<typeof drizzle>;

  beforeAll(async () => {
    const u = new URL(url!);
    fwd = await startForwarder({ host: u.hostname, port: Number(u.port || 5432) });
    u.hostname = '127.0.0.1';
    u.port = String(fwd.port);
    client = postgres(u.toString(), { max: 2, connect_timeout: 1, onnotice: () => {} });
    db = drizzle(withReadRetry(client));
  });
  afterAll(async () => {
    await client?.end({ timeout: 1 });
    await fwd?.close();
  });

  it('a read during a sub-second restart is retried once on a fresh connection and succeeds', async () => {
    expect(await db.execute(sql`select 1 as one`)).toEqual([{ one: 1 }]);
    await fwd.cut(); // open connections reset, new ones refused
    setTimeout(() => void fwd.restore(), 300);
    const t0 = Date.now();
    expect(await db.execute(sql`select 2 as two`)).toEqual([{ two: 2 }]);
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(isDatabaseKnownDown()).toBe(false);
  });

  it('a write is never repeated: it fails as "database unavailable" (a 503), and marks the outage', async () => {
    await db.execute(sql`select 1`);
    await fwd.cut();
    const err = await db.execute(sql`create temporary table if not exists t_retry (x int)`).catch((e) => e);
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseKnownDown()).toBe(true);
    await fwd.restore();
    // Right after a failure, further queries fail at once instead of each waiting for a connection.
    const t0 = Date.now();
    expect(isDatabaseUnavailable(await db.execute(sql`select 1`).catch((e) => e))).toBe(true);
    expect(Date.now() - t0).toBeLessThan(100);
    await new Promise((r) => setTimeout(r, 1_100));
    await db.execute(sql`select 1`);
    expect(isDatabaseKnownDown()).toBe(false);
  });

  it('a server that accepts but never answers stalls a request no longer than the connect timeout (and one retry)', async () => {
    await fwd.hang();
    // Existing pooled connections were reset; new ones hang until connect_timeout (1 s here, 5 s by default).
    const t0 = Date.now();
    const err = await db.execute(sql`select 3`).catch((e) => e);
    const took = Date.now() - t0;
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(took).toBeLessThan(3_500);
    await fwd.cut();
    await fwd.restore();
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await db.execute(sql`select 4 as four`)).toEqual([{ four: 4 }]);
  });

  it('reads queued behind a hanging connect give up with it, not after a second connect timeout of their own', async () => {
    // One connection: the second and third reads wait in postgres.js's queue for it, and each would be
    // handed a fresh connect (another full timeout) when the one before times out.
    const u = new URL(url!);
    u.hostname = '127.0.0.1';
    u.port = String(fwd.port);
    const one = postgres(u.toString(), { max: 1, connect_timeout: 1, onnotice: () => {} });
    const oneDb = drizzle(withReadRetry(one));
    try {
      await fwd.hang();
      const t0 = Date.now();
      const took = await Promise.all(
        [5, 6, 7].map((n) => oneDb.execute(sql`select ${n}::int as n`).then(() => 'answered', (e) => (isDatabaseUnavailable(e) ? Date.now() - t0 : e))),
      );
      for (const ms of took) {
        expect(typeof ms).toBe('number');
        expect(ms).toBeLessThan(1_000 + 500 + 300); // connect timeout + STALL_SLACK_MS + scheduling
      }
    } finally {
      await fwd.cut();
      await fwd.restore();
      await one.end({ timeout: 1 });
      await new Promise((r) => setTimeout(r, 1_100));
    }
  });
});
