import 'server-only';
import { getDb, type Db, type Tx } from '@/db/client';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError } from '@/lib/errors';
import { allowRateEvent } from '@/lib/rate-limit';
import { findUserByEmail, markEmailVerified, type SessionUser } from '@/lib/users';
import { consumeAccountToken, inspectAccountToken, issueAccountToken } from './tokens';

const RESENDS_PER_HOUR = 5;

/** Queues a verification link (24 h, single use) to the account's address, in the caller's transaction. */
export async function queueVerificationEmail(tx: Db | Tx, user: { id: string; email: string; name: string }): Promise<void> {
  if (!isEmailConfigured()) return;
  const token = await issueAccountToken(tx, 'verify_email', user);
  await enqueueEmail(tx, { to: user.email, email: { kind: 'verify-email', name: user.name, link: `/verify-email/${token}` } });
}

/** Sends a fresh verification link to the signed-in user's address (limited: one a minute, five an hour). */
export async function resendVerificationEmail(user: SessionUser): Promise<{ sentTo: string }> {
  if (user.emailVerified) throw new AppError('CONFLICT', 'Your email address is already verified.');
  if (!isEmailConfigured()) {
    throw new AppError('INVALID', 'This server cannot send email, so no verification link can be sent. Open an invitation link sent to you, or ask the operator to verify your address.');
  }
  const minute = await allowRateEvent(`verify-resend:min:${user.id}`, 1, 60_000);
  if (!minute || !(await allowRateEvent(`verify-resend:${user.id}`, RESENDS_PER_HOUR, 3_600_000))) {
    throw new AppError('RATE_LIMITED', 'A verification email was sent moments ago. Check your inbox (and spam folder), or try again in a few minutes.');
  }
  const db = await getDb();
  await db.transaction((tx) => queueVerificationEmail(tx, user));
  kickEmailWorker();
  return { sentTo: user.email };
}

/** Proves the address behind a verification link (single use). Returns the verified email. */
export async function verifyEmailWithToken(token: string): Promise<{ email: string }> {
  const db = await getDb();
  const done = await db.transaction(async (tx) => {
    const used = await consumeAccountToken(tx, 'verify_email', token);
    if (!used) return null;
    await markEmailVerified(tx, used.userId, used.email);
    return { email: used.email };
  });
  if (done) return done;
  const { state } = await inspectAccountToken('verify_email', token);
  if (state === 'expired') throw new AppError('EXPIRED', 'This verification link has expired. Log in and send yourself a new one.');
  if (state === 'used') throw new AppError('CONFLICT', 'This verification link was already used. Log in to continue.');
  throw new AppError('NOT_FOUND', 'This verification link is not valid. Log in and send yourself a new one.');
}

/** For the operator (`npm run trove -- verify-email`): marks an account's address verified by hand. */
export async function verifyEmailByOperator(email: string): Promise<'verified' | 'already-verified' | 'no-account'> {
  const user = await findUserByEmail(email);
  if (!user) return 'no-account';
  if (user.emailVerified) return 'already-verified';
  await markEmailVerified(await getDb(), user.id, user.email);
  return 'verified';
}
