'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/action';
import { signUp } from '@/lib/accounts';
import { signIn } from '@/lib/auth';
import { clientIp } from '@/lib/auth/client-ip';
import { inviteTokenOf } from '@/lib/auth/invite-return';
import { safeReturnPath } from '@/lib/auth/return-path';
import { signupSchema } from '@/lib/validation/auth';

export const signupAction = publicAction(signupSchema, async (input) => {
  const returnTo = safeReturnPath(input.callbackUrl);
  const outcome = await signUp(input, { ip: await clientIp(), inviteToken: inviteTokenOf(returnTo) });
  if (outcome.kind === 'accepted') {
    // The invitation link proved the address: log in and land on what was shared.
    await signIn('credentials', { email: input.email, password: input.password, redirectTo: outcome.landing });
  }
  redirect(`/signup/check-email?email=${encodeURIComponent(input.email)}`);
});
