'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { manageInvitation } from '@/lib/invitations';
import { changeMemberRole, deleteTeam, inviteToTeam, leaveTeam, removeMember, renameTeam } from '@/lib/teams';
import {
  changeMemberRoleSchema,
  deleteTeamSchema,
  inviteToTeamSchema,
  leaveTeamSchema,
  manageTeamInvitationSchema,
  memberSchema,
  renameTeamSchema,
} from '@/lib/validation/teams';

const refresh = (teamId: string) => revalidatePath(`/teams/${teamId}`);

export const inviteToTeamAction = userAction(inviteToTeamSchema, async (user, { teamId, recipients, role }) => {
  const results = await inviteToTeam(user, teamId, recipients, role);
  refresh(teamId);
  return results;
});

export const manageTeamInvitationAction = userAction(manageTeamInvitationSchema, async (user, { teamId, invitationId, action }) => {
  const { link, expiresAt } = await manageInvitation(user, invitationId, action);
  refresh(teamId);
  return { link, expiresAt };
});

export const changeMemberRoleAction = userAction(changeMemberRoleSchema, async (user, { teamId, userId, role }) => {
  await changeMemberRole(user.id, teamId, userId, role);
  refresh(teamId);
});

export const removeMemberAction = userAction(memberSchema, async (user, { teamId, userId }) => {
  await removeMember(user.id, teamId, userId);
  if (userId === user.id) redirect('/teams');
  refresh(teamId);
});

export const leaveTeamAction = userAction(leaveTeamSchema, async (user, { teamId }) => {
  await leaveTeam(user.id, teamId);
  redirect('/teams');
});

export const renameTeamAction = userAction(renameTeamSchema, async (user, { teamId, name }) => {
  await renameTeam(user.id, teamId, name);
  refresh(teamId);
  revalidatePath('/teams');
});

export const deleteTeamAction = userAction(deleteTeamSchema, async (user, { teamId, confirmName }) => {
  await deleteTeam(user.id, teamId, confirmName);
  redirect('/teams');
});
