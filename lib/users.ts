import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { AppError, isUniqueViolation } from '@/lib/errors';

export type SessionUser = { id: string; email: string; name: string; sessionVersion: number };

const userColumns = { id: users.id, email: users.email, name: users.name, sessionVersion: users.sessionVersion };

// Verified against when the email is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Creates an account; email must already be normalized (lib/validation). @node-rs/argon2 hashes with argon2id by default. */
export async function createUser(input: { name: string; email: string; password: string }): Promise<SessionUser> {
  const db = await getDb();
  const passwordHash = await hash(input.password);
  try {
    const [user] = await db
      .insert(users)
      .values({ name: input.name, email: input.email, passwordHash })
      .returning(userColumns);
    return user;
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
    dummyHash ??= hash('not-a-real-password');
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(row.passwordHash, password).catch(() => false);
  if (!ok) return null;
  const { passwordHash: _omit, ...user } = row;
  void _omit;
  return user;
}

/** The user behind a session, or null when the account is gone or the session was ended. */
export async function findSessionUser(id: string, sessionVersion: number): Promise<SessionUser | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const db = await getDb();
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id));
  return row && row.sessionVersion === sessionVersion ? row : null;
}

/** Looks a user up by normalized email (for invitations and tests). */
export async function findUserByEmail(email: string): Promise<SessionUser | null> {
  const db = await getDb();
  const [row] = await db.select(userColumns).from(users).where(eq(users.email, email));
  return row ?? null;
}

/** Changes the password after checking the current one, and ends every session of the account (this one too). */
export async function changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
  const db = await getDb();
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (!row || !(await verify(row.passwordHash, currentPassword).catch(() => false))) {
    throw new AppError('INVALID', 'Your current password is not correct.', 'currentPassword');
  }
  const passwordHash = await hash(newPassword);
  await db
    .update(users)
    .set({ passwordHash, sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}
