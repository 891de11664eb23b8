'use server';

import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { changePassword } from '@/lib/users';
import { changePasswordSchema } from '@/lib/validation/auth';

export const changePasswordAction = userAction(changePasswordSchema, async (user, { currentPassword, newPassword }) => {
  await changePassword(user.id, currentPassword, newPassword);
  // Every session of the account has ended, this one included.
  redirect(`/login?changed=1&email=${encodeURIComponent(user.email)}`);
});
