import 'server-only';
import { and, desc, eq, gt, lt, ne, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { sessions, users } from '@/db/schema';
import { toSessionUser, userColumns, type SessionUser } from '@/lib/users';

/** How long a session lives without being used (the cookie's lifetime too). */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
// last_seen_at is written at most this often, so reads stay reads.
const TOUCH_EVERY_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const expiry = () => sql`now() + ${SESSION_MAX_AGE_S} * interval '1 second'`;

/** Starts a server-side session for a browser; its id goes into the JWT. */
export async function createSession(userId: string, userAgent: string | null): Promise<string> {
  const db = await getDb();
  const [row] = await db
    .insert(sessions)
    .values({ userId, userAgent: (userAgent ?? '').slice(0, 500), expiresAt: expiry() })
    .returning({ id: sessions.id });
  return row.id;
}

/** The user behind a session, or null when the session was ended, expired, or belongs to someone else. */
export async function findSessionUser(sessionId: string, userId: string): Promise<SessionUser | null> {
  if (!isSessionId(sessionId) || !isSessionId(userId)) return null;
  const db = await getDb();
  const [row] = await db
    .select({ ...userColumns, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSession(sessionId, userId));
  if (!row) return null;
  await touchSession(db, sessionId, row.lastSeenAt);
  return toSessionUser(row, sessionId);
}

/** Whether an id from a cookie is a well-formed uuid (anything else is no session, without a query). */
export const isSessionId = (id: string) => UUID.test(id);

/**
 * The condition on `sessions` for a live session of this user (not ended, not expired, theirs), for
 * statements that check the session together with other things (the download fast path).
 */
export function liveSession(sessionId: string | Placeholder | SQL, userId: string | Placeholder | SQL): SQL | undefined {
  return and(eq(sessions.id, sessionId), eq(sessions.userId, userId), gt(sessions.expiresAt, sql`now()`));
}

/** Slides a used session's expiry, at most every few minutes (so most requests only read). */
export async function touchSession(db: Db, sessionId: string, lastSeenAt: Date): Promise<void> {
  if (Date.now() - lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: sql`now()`, expiresAt: expiry() }).where(eq(sessions.id, sessionId));
  }
}

/** Ends one session (log out). */
export async function endSession(sessionId: string): Promise<void> {
  if (!UUID.test(sessionId)) return;
  const db = await getDb();
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of an account, or every one but `except` (log out other sessions). */
export async function endUserSessions(conn: Db | Tx, userId: string, except?: string): Promise<number> {
  const gone = await conn
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), except ? ne(sessions.id, except) : undefined))
    .returning({ id: sessions.id });
  return gone.length;
}

export type SessionInfo = { id: string; userAgent: string; createdAt: Date; lastSeenAt: Date; current: boolean };

/** The account's live sessions, most recently used first, for the Account page. */
export async function listUserSessions(user: SessionUser): Promise<SessionInfo[]> {
  const db = await getDb();
  const rows = await db
    .select({ id: sessions.id, userAgent: sessions.userAgent, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(eq(sessions.userId, user.id), gt(sessions.expiresAt, sql`now()`)))
    .orderBy(desc(sessions.lastSeenAt));
  return rows.map((r) => ({ ...r, current: r.id === user.sessionId }));
}

/** Drops expired sessions; called now and then. */
export async function pruneSessions(): Promise<void> {
  const db = await getDb();
  await db.delete(sessions).where(lt(sessions.expiresAt, sql`now()`));
}

/** "Log out other sessions": ends every session of the user but the one making the request. */
export async function endOtherSessions(user: SessionUser): Promise<number> {
  const db = await getDb();
  return endUserSessions(db, user.id, user.sessionId);
}
