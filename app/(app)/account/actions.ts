'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { changePassword, resendVerificationEmail } from '@/lib/accounts';
import { endOtherSessions } from '@/lib/auth/sessions';
import { renameUser } from '@/lib/users';
import { changePasswordSchema, noInputSchema, renameUserSchema } from '@/lib/validation/auth';

export const changePasswordAction = userAction(changePasswordSchema, async (user, { currentPassword, newPassword }) => {
  await changePassword(user.id, currentPassword, newPassword);
  // Every session of the account has ended, this one included.
  redirect(`/login?changed=1&email=${encodeURIComponent(user.email)}`);
});

export const renameUserAction = userAction(renameUserSchema, async (user, { name }) => {
  await renameUser(user.id, name);
  revalidatePath('/', 'layout');
  return { name };
});

export const resendVerificationAction = userAction(noInputSchema, async (user) => resendVerificationEmail(user));

export const logoutOtherSessionsAction = userAction(noInputSchema, async (user) => {
  const ended = await endOtherSessions(user);
  revalidatePath('/account');
  return { ended };
});
