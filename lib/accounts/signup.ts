import 'server-only';
import { getDb } from '@/db/client';
import { config } from '@/lib/config';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError } from '@/lib/errors';
import { acceptInvitation, viewInvitation } from '@/lib/invitations';
import { allowRateEvent } from '@/lib/rate-limit';
import { burnPasswordCheck, createUser, findUserByEmail } from '@/lib/users';
import { issueAccountToken } from './tokens';
import { queueVerificationEmail } from './verification';

export type SignupOutcome =
  /** The same answer for a new account and for an address that has one: "check your email". */
  | { kind: 'check-email' }
  /** Signed up from an invitation link with the invited address: verified, accepted, lands on the target. */
  | { kind: 'accepted'; landing: string };

/**
 * Sign-up that reveals nothing about existing accounts. A new address gets an unverified account and a
 * verification link; an address that has an account gets an email telling its owner (with a reset link)
 * and no account is touched. With `inviteToken` for a pending invitation to the typed address, the token
 * proves the address: the account is created verified and the invitation accepted in the same step.
 */
export async function signUp(input: { name: string; email: string; password: string }, opts: { ip: string | null; inviteToken?: string }): Promise<SignupOutcome> {
  if (opts.ip && !(await allowRateEvent(`signup:ip:${opts.ip}`, config.signupsPerHour, 3_600_000))) {
    throw new AppError('RATE_LIMITED', 'Too many sign-ups from your network. Try again in an hour.');
  }
  const invited = opts.inviteToken ? await viewInvitation(opts.inviteToken) : null;
  const proven = invited?.state === 'pending' && invited.email === input.email;

  const existing = await findUserByEmail(input.email);
  if (existing) {
    await burnPasswordCheck(input.password); // the same work as creating an account
    await warnExistingOwner(existing);
    return { kind: 'check-email' };
  }

  let user;
  try {
    user = await createUser({ ...input, verified: proven });
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT') return { kind: 'check-email' }; // lost a race to a concurrent sign-up
    throw err;
  }
  if (proven) {
    try {
      const { landing } = await acceptInvitation(user, { token: opts.inviteToken! });
      return { kind: 'accepted', landing };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Revoked or expired in the meantime: the account stands (the token proved the address).
      return { kind: 'accepted', landing: `/invite/${opts.inviteToken}` };
    }
  }
  const db = await getDb();
  await db.transaction((tx) => queueVerificationEmail(tx, user));
  kickEmailWorker();
  return { kind: 'check-email' };
}

// At most one such warning per address every 15 minutes: sign-up attempts must not become a mail cannon.
async function warnExistingOwner(owner: { id: string; email: string; name: string }): Promise<void> {
  if (!isEmailConfigured() || !(await allowRateEvent(`signup-attempt:${owner.id}`, 1, 15 * 60_000))) return;
  const db = await getDb();
  await db.transaction(async (tx) => {
    const token = await issueAccountToken(tx, 'reset_password', owner);
    await enqueueEmail(tx, { to: owner.email, email: { kind: 'signup-attempt', name: owner.name, link: `/reset-password/${token}` } });
  });
  kickEmailWorker();
}
