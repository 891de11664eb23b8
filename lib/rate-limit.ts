import 'server-only';
import { and, count, eq, gt, inArray, lt, max, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { rateEvents } from '@/db/schema';

/** Counts events for a key in the database, so limits hold across processes. */
export async function recordRateEvent(key: string, n = 1): Promise<void> {
  const db = await getDb();
  await db.insert(rateEvents).values(Array.from({ length: n }, () => ({ key })));
}

/** Number of events for the key within the window, and the newest one's time. */
export async function countRateEvents(key: string, windowMs: number): Promise<{ count: number; latest: Date | null }> {
  const db = await getDb();
  const since = new Date(Date.now() - windowMs);
  const [row] = await db
    .select({ count: count(), latest: max(rateEvents.createdAt) })
    .from(rateEvents)
    .where(and(eq(rateEvents.key, key), gt(rateEvents.createdAt, since)));
  return { count: Number(row?.count ?? 0), latest: row?.latest ? new Date(row.latest) : null };
}

/**
 * Atomically spends `n` units of a key's budget (`limit` per `windowMs`) inside the caller's transaction:
 * a per-key advisory lock (held until the transaction ends) serialises concurrent spenders, so parallel
 * requests cannot each see the same remaining budget. Returns the ids of the recorded events (to refund
 * what goes unused), or null — recording nothing — when the budget would be exceeded.
 */
export async function spendRateBudget(tx: Tx, key: string, n: number, limit: number, windowMs: number): Promise<{ ids: number[]; used: number } | { ids: null; used: number }> {
  if (n === 0) return { ids: [], used: 0 };
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`rate:${key}`}, 0))`);
  const since = new Date(Date.now() - windowMs);
  const [row] = await tx.select({ count: count() }).from(rateEvents).where(and(eq(rateEvents.key, key), gt(rateEvents.createdAt, since)));
  const used = Number(row?.count ?? 0);
  if (used + n > limit) return { ids: null, used };
  const rows = await tx.insert(rateEvents).values(Array.from({ length: n }, () => ({ key }))).returning({ id: rateEvents.id });
  return { ids: rows.map((r) => r.id), used: used + n };
}

/** Gives back budget spent by spendRateBudget that went unused. */
export async function refundRateEvents(ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const db = await getDb();
  await db.delete(rateEvents).where(inArray(rateEvents.id, ids));
}

/** Forgets a key's events (a successful login clears its failures). */
export async function clearRateEvents(key: string): Promise<void> {
  const db = await getDb();
  await db.delete(rateEvents).where(eq(rateEvents.key, key));
}

/** Drops events older than a day; called now and then. */
export async function pruneRateEvents(): Promise<void> {
  const db = await getDb();
  await db.delete(rateEvents).where(lt(rateEvents.createdAt, new Date(Date.now() - 86_400_000)));
}

/**
 * Counts one more event for the key if fewer than `limit` happened within the window; returns
 * whether it was allowed. For soft limits (sign-ups, resends) where a rare race past the limit is harmless.
 */
export async function allowRateEvent(key: string, limit: number, windowMs: number): Promise<boolean> {
  const { count } = await countRateEvents(key, windowMs);
  if (count >= limit) return false;
  await recordRateEvent(key);
  return true;
}
