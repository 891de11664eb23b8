'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { acceptInvitation, declineInvitation } from '@/lib/invitations';
import { invitationRefSchema } from '@/lib/validation/sharing';

export const acceptInvitationAction = userAction(invitationRefSchema, async (user, { invitationId }) => {
  const { landing } = await acceptInvitation(user, { id: invitationId });
  redirect(landing);
});

export const declineInvitationAction = userAction(invitationRefSchema, async (user, { invitationId }) => {
  await declineInvitation(user, { id: invitationId });
  revalidatePath('/invitations');
});
