'use server';

import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { createTeam } from '@/lib/teams';
import { createTeamSchema } from '@/lib/validation/teams';

export const createTeamAction = userAction(createTeamSchema, async (user, { name }) => {
  const { id } = await createTeam(user.id, name);
  redirect(`/teams/${id}`);
});
