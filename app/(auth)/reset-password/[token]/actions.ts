'use server';

import { publicAction } from '@/lib/action';
import { resetPassword } from '@/lib/accounts';
import { signIn } from '@/lib/auth';
import { resetPasswordSchema } from '@/lib/validation/auth';

export const resetPasswordAction = publicAction(resetPasswordSchema, async ({ token, newPassword }) => {
  const { email } = await resetPassword(token, newPassword);
  // Every older session is gone; this browser starts a new one.
  await signIn('credentials', { email, password: newPassword, redirectTo: '/datasets' });
});
