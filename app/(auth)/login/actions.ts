'use server';

import { AuthError } from 'next-auth';
import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/action';
import { signIn } from '@/lib/auth';
import { inviteTokenOf } from '@/lib/auth/invite-return';
import { safeReturnPath } from '@/lib/auth/return-path';
import { AppError } from '@/lib/errors';
import { acceptInvitation } from '@/lib/invitations';
import { findUserByEmail } from '@/lib/users';
import { loginSchema } from '@/lib/validation/auth';

const GENERIC = 'Incorrect email or password.';

export const loginAction = publicAction(loginSchema, async (input) => {
  const returnTo = safeReturnPath(input.callbackUrl);
  try {
    await signIn('credentials', { email: input.email, password: input.password, redirect: false });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err;
    const code = (err as { code?: string }).code ?? '';
    const throttled = /^throttled:(\d+)$/.exec(code);
    if (throttled) throw new AppError('RATE_LIMITED', `Too many failed attempts. Try again in ${throttled[1]} seconds.`);
    throw new AppError('INVALID', GENERIC);
  }
  // Logged in from an invitation link as the invited address: accept in the same step and land on it.
  const token = inviteTokenOf(returnTo);
  if (token) {
    const user = await findUserByEmail(input.email);
    const landing = user ? await acceptInvitation(user, { token }).then((r) => r.landing, () => null) : null;
    if (landing) redirect(landing);
  }
  redirect(returnTo);
});
