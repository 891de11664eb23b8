import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { and, eq, isNull } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { users } from '@/db/schema';
import { AppError, isUniqueViolation } from '@/lib/errors';

export type SessionUser = { id: string; email: string; name: string; emailVerified: boolean; sessionId?: string };

export const userColumns = { id: users.id, email: users.email, name: users.name, emailVerifiedAt: users.emailVerifiedAt };

type UserRow = { id: string; email: string; name: string; emailVerifiedAt: Date | null };

export function toSessionUser(row: UserRow, sessionId?: string): SessionUser {
  return { id: row.id, email: row.email, name: row.name, emailVerified: row.emailVerifiedAt !== null, ...(sessionId ? { sessionId } : {}) };
}

// Verified against when the email is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Hashes a password with argon2id (@node-rs/argon2's default). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Spends the time a password check takes, for paths that must not be told apart by timing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hash('not-a-real-password');
  await verify(await dummyHash, password).catch(() => false);
}

/**
 * Creates an account; email must already be normalized (lib/validation). Unverified unless the caller
 * holds proof of the address (`verified`: signed up from an invitation link mailed to it).
 */
export async function createUser(input: { name: string; email: string; password: string; verified?: boolean }, conn?: Db | Tx): Promise<SessionUser> {
  const db = conn ?? (await getDb());
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await db
      .insert(users)
      .values({ name: input.name, email: input.email, passwordHash, emailVerifiedAt: input.verified ? new Date() : null })
      .returning(userColumns);
    return toSessionUser(user);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('CONFLICT', 'An account with this email already exists. Log in instead.', 'email');
    }
    throw err;
  }
}

/** The user when the password matches, else null (same work either way). */
export async function verifyCredentials(email: string, password: string): Promise<SessionUser | null> {
  const db = await getDb();
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  if (!row) {
    await burnPasswordCheck(password);
    return null;
  }
  const ok = await verify(row.passwordHash, password).catch(() => false);
  return ok ? toSessionUser(row) : null;
}

/** Looks a user up by normalized email (for invitations and tests). */
export async function findUserByEmail(email: string, conn?: Db | Tx): Promise<SessionUser | null> {
  const db = conn ?? (await getDb());
  const [row] = await db.select(userColumns).from(users).where(eq(users.email, email));
  return row ? toSessionUser(row) : null;
}

/** Marks the address proven, if it is still the account's address. Returns whether it is now verified. */
export async function markEmailVerified(conn: Db | Tx, userId: string, email: string): Promise<boolean> {
  await conn
    .update(users)
    .set({ emailVerifiedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.email, email), isNull(users.emailVerifiedAt)));
  const [row] = await conn.select({ v: users.emailVerifiedAt }).from(users).where(and(eq(users.id, userId), eq(users.email, email)));
  return !!row?.v;
}

/** Checks the current password (for changing it). */
export async function checkPassword(userId: string, password: string): Promise<boolean> {
  const db = await getDb();
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  return !!row && (await verify(row.passwordHash, password).catch(() => false));
}

/** Stores a new password hash (callers end the account's sessions in the same transaction). */
export async function setPasswordHash(conn: Db | Tx, userId: string, passwordHash: string): Promise<void> {
  await conn.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

/** Changes the display name. */
export async function renameUser(userId: string, name: string): Promise<void> {
  const db = await getDb();
  await db.update(users).set({ name }).where(eq(users.id, userId));
}
