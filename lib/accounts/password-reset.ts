import 'server-only';
import { getDb } from '@/db/client';
import { clearLoginFailures } from '@/lib/auth/login-throttle';
import { endUserSessions } from '@/lib/auth/sessions';
import { config } from '@/lib/config';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError } from '@/lib/errors';
import { allowRateEvent } from '@/lib/rate-limit';
import { findUserByEmail, hashPassword, markEmailVerified, setPasswordHash } from '@/lib/users';
import { consumeAccountToken, inspectAccountToken, issueAccountToken } from './tokens';

/**
 * "Forgot password": mails a reset link (1 h, single use) when the address has an account. Answers the
 * same either way; a few requests an hour per address are mailed, the rest silently dropped.
 */
export async function requestPasswordReset(email: string, ip: string | null): Promise<void> {
  if (ip && !(await allowRateEvent(`reset:ip:${ip}`, 20, 3_600_000))) {
    throw new AppError('RATE_LIMITED', 'Too many reset requests from your network. Try again in an hour.');
  }
  if (!isEmailConfigured()) return;
  const user = await findUserByEmail(email);
  if (!user || !(await allowRateEvent(`reset:email:${email}`, 3, 3_600_000))) return;
  const db = await getDb();
  await db.transaction(async (tx) => {
    const token = await issueAccountToken(tx, 'reset_password', user);
    await enqueueEmail(tx, { to: user.email, email: { kind: 'reset-password', name: user.name, link: `/reset-password/${token}` } });
  });
  kickEmailWorker();
}

/**
 * Sets a new password through a reset link: proves (verifies) the address, ends every session of the
 * account — a squatter's included — and clears the address's login failures. Returns the address.
 */
export async function resetPassword(token: string, newPassword: string): Promise<{ email: string }> {
  const passwordHash = await hashPassword(newPassword);
  const db = await getDb();
  const done = await db.transaction(async (tx) => {
    const used = await consumeAccountToken(tx, 'reset_password', token);
    if (!used) return null;
    await setPasswordHash(tx, used.userId, passwordHash);
    await markEmailVerified(tx, used.userId, used.email);
    await endUserSessions(tx, used.userId);
    return { email: used.email };
  });
  if (!done) {
    const { state } = await inspectAccountToken('reset_password', token);
    if (state === 'expired') throw new AppError('EXPIRED', 'This reset link has expired. Ask for a new one.');
    if (state === 'used') throw new AppError('CONFLICT', 'This reset link was already used. Ask for a new one if you need it.');
    throw new AppError('NOT_FOUND', 'This reset link is not valid. Ask for a new one.');
  }
  await clearLoginFailures(done.email);
  return done;
}

/** For the operator without email (`npm run trove -- reset-password`): a one-time reset link, or null when there is no such account. */
export async function createPasswordResetLink(email: string): Promise<string | null> {
  const user = await findUserByEmail(email);
  if (!user) return null;
  const db = await getDb();
  const token = await db.transaction((tx) => issueAccountToken(tx, 'reset_password', user));
  return `${config.appUrl}/reset-password/${token}`;
}
