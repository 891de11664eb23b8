'use server';

import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { signOut } from '@/lib/auth';
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

/** "Switch account": log out and come back to the same invitation. */
export async function switchAccountAction(token: string): Promise<void> {
  const safe = /^[A-Za-z0-9_-]{1,100}$/.test(token) ? token : '';
  await signOut({ redirectTo: `/login?callbackUrl=${encodeURIComponent(`/invite/${safe}`)}` });
}
