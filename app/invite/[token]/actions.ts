'use server';

import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { acceptInvitation, declineInvitation } from '@/lib/invitations';
import { tokenRefSchema } from '@/lib/validation/sharing';

export const acceptInviteAction = userAction(tokenRefSchema, async (user, { token }) => {
  const { landing } = await acceptInvitation(user, { token });
  redirect(landing);
});

export const declineInviteAction = userAction(tokenRefSchema, async (user, { token }) => {
  await declineInvitation(user, { token });
  redirect('/invitations');
});
