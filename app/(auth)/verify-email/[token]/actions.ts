'use server';

import { redirect } from 'next/navigation';
import { publicAction } from '@/lib/action';
import { verifyEmailWithToken } from '@/lib/accounts';
import { getCurrentUser } from '@/lib/auth/session';
import { verifyEmailSchema } from '@/lib/validation/auth';

export const verifyEmailAction = publicAction(verifyEmailSchema, async ({ token }) => {
  const { email } = await verifyEmailWithToken(token);
  const user = await getCurrentUser();
  redirect(user?.email === email ? '/invitations' : `/login?verified=1&email=${encodeURIComponent(email)}`);
});
