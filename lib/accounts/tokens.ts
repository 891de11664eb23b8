import 'server-only';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { accountTokens, users } from '@/db/schema';
import { hashSecretToken, isWellFormedToken, newSecretToken } from '@/lib/secret-token';

export type AccountTokenKind = 'verify_email' | 'reset_password';
export type AccountTokenState = 'valid' | 'expired' | 'used' | 'invalid';

export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenKind, number> = { verify_email: 24 * 3_600_000, reset_password: 3_600_000 };

/** A new single-use link token for the account's current address; older unused ones of the kind stop working. */
export async function issueAccountToken(tx: Db | Tx, kind: AccountTokenKind, user: { id: string; email: string }): Promise<string> {
  await tx
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(accountTokens.userId, user.id), eq(accountTokens.kind, kind), isNull(accountTokens.usedAt)));
  const { token, tokenHash } = newSecretToken();
  await tx.insert(accountTokens).values({ userId: user.id, kind, tokenHash, email: user.email, expiresAt: new Date(Date.now() + ACCOUNT_TOKEN_TTL_MS[kind]) });
  return token;
}

/** What a token page shows; reading changes nothing. */
export async function inspectAccountToken(kind: AccountTokenKind, token: string): Promise<{ state: AccountTokenState; email?: string }> {
  if (!isWellFormedToken(token)) return { state: 'invalid' };
  const db = await getDb();
  const [row] = await db
    .select({ usedAt: accountTokens.usedAt, expiresAt: accountTokens.expiresAt, email: accountTokens.email, current: users.email })
    .from(accountTokens)
    .innerJoin(users, eq(users.id, accountTokens.userId))
    .where(and(eq(accountTokens.tokenHash, hashSecretToken(token)), eq(accountTokens.kind, kind)));
  // A token for an address the account no longer has proves nothing.
  if (!row || row.email !== row.current) return { state: 'invalid' };
  if (row.usedAt) return { state: 'used', email: row.email };
  if (row.expiresAt.getTime() <= Date.now()) return { state: 'expired', email: row.email };
  return { state: 'valid', email: row.email };
}

/** Uses a token once (conditional UPDATE … RETURNING: two uses at once, one wins); null when not usable. */
export async function consumeAccountToken(tx: Db | Tx, kind: AccountTokenKind, token: string): Promise<{ userId: string; email: string } | null> {
  if (!isWellFormedToken(token)) return null;
  const [row] = await tx
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(accountTokens.tokenHash, hashSecretToken(token)), eq(accountTokens.kind, kind), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, sql`now()`)))
    .returning({ userId: accountTokens.userId, email: accountTokens.email });
  if (!row) return null;
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, row.userId));
  return user?.email === row.email ? row : null;
}
