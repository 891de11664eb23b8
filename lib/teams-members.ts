import 'server-only';
import { and, eq } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { datasetGrants, invitations, teamMembers, users } from '@/db/schema';
import { authorizeTeam, grantableTeamRoles, mayManageTeamMember, type TeamRole } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { AppError } from '@/lib/errors';
import { inviteEmails, revokeInvitationsBeyondAuthority, type RecipientResult } from '@/lib/invitations';
import type { SessionUser } from '@/lib/users';
import { parseRecipients } from '@/lib/validation/teams';

/**
 * Locks the team's owner rows (in a fixed order, so concurrent changes cannot deadlock) and returns
 * their user ids. A concurrent transaction that demoted or removed one of them has committed by the
 * time the lock is granted, and PostgreSQL re-checks `role = 'owner'` on the new row version, so the
 * count is never stale: two owners demoting each other at once leave one owner.
 */
async function lockOwners(tx: Tx, teamId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: teamMembers.userId })
    .from(teamMembers)
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.role, 'owner')))
    .orderBy(teamMembers.userId)
    .for('update');
  return rows.map((r) => r.userId);
}

/** Authorizes, locks the owner rows, then re-reads the actor's role so it cannot be stale once the locks are held. */
async function lockForChange(tx: Tx, userId: string, teamId: string, permission: 'team.view' | 'team.manage') {
  await authorizeTeam(tx, userId, teamId, permission); // refuse strangers before taking any lock
  const owners = await lockOwners(tx, teamId);
  const { role } = await authorizeTeam(tx, userId, teamId, permission);
  return { owners, myRole: role };
}

async function lockMember(tx: Tx, teamId: string, userId: string): Promise<{ role: TeamRole; email: string }> {
  const [row] = await tx
    .select({ role: teamMembers.role, email: users.email })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .for('update', { of: teamMembers });
  if (!row) throw new AppError('NOT_FOUND', 'That person is not a member of this team (any more).');
  return row;
}

const isLastOwner = (owners: string[], userId: string) => owners.includes(userId) && owners.length <= 1;

const lastOwner = (self: boolean) =>
  new AppError(
    'CONFLICT',
    self
      ? 'You are this team’s only owner. Make another member an owner first, or delete the team.'
      : 'A team must keep at least one owner. Make another member an owner first.',
  );

/** Owners and admins: sets a member's role at once. Admins never touch owners nor make owners; the last owner stays. */
export async function changeMemberRole(userId: string, teamId: string, memberId: string, role: TeamRole): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const { owners, myRole } = await lockForChange(tx, userId, teamId, 'team.manage');
    const member = await lockMember(tx, teamId, memberId);
    if (!mayManageTeamMember(myRole, member.role)) throw new AppError('FORBIDDEN', 'Only an owner can change an owner’s role.');
    if (!grantableTeamRoles(myRole).includes(role)) throw new AppError('FORBIDDEN', 'Only an owner can make someone an owner.');
    if (member.role === role) return;
    if (member.role === 'owner' && isLastOwner(owners, memberId)) throw lastOwner(memberId === userId);
    await tx.update(teamMembers).set({ role }).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, memberId)));
    await logActivity(tx, userId, { teamId }, 'member.role_changed', { email: member.email, role });
    await revokeTheirInvitations(tx, userId, teamId, memberId);
  });
}

/**
 * A member who was demoted, removed or left may have invited people above what they may now offer:
 * to the team itself, or to datasets they managed through the team's grant. Those invitations are revoked.
 */
async function revokeTheirInvitations(tx: Tx, actorId: string, teamId: string, memberId: string) {
  await revokeInvitationsBeyondAuthority(tx, actorId, { kind: 'team', id: teamId }, [memberId]);
  const viaTeam = await tx
    .selectDistinct({ datasetId: datasetGrants.datasetId })
    .from(invitations)
    .innerJoin(datasetGrants, and(eq(datasetGrants.datasetId, invitations.datasetId), eq(datasetGrants.teamId, teamId)))
    .where(and(eq(invitations.invitedBy, memberId), eq(invitations.status, 'pending')));
  for (const d of viaTeam) await revokeInvitationsBeyondAuthority(tx, actorId, { kind: 'dataset', id: d.datasetId }, [memberId]);
}

async function deleteMembership(tx: Tx, teamId: string, memberId: string) {
  await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, memberId)));
}

/** Owners and admins: removes a member (admins cannot remove owners); access through the team ends on their next request. */
export async function removeMember(userId: string, teamId: string, memberId: string): Promise<void> {
  if (memberId === userId) return leaveTeam(userId, teamId);
  const db = await getDb();
  await db.transaction(async (tx) => {
    const { owners, myRole } = await lockForChange(tx, userId, teamId, 'team.manage');
    const member = await lockMember(tx, teamId, memberId);
    if (!mayManageTeamMember(myRole, member.role)) throw new AppError('FORBIDDEN', 'Only an owner can remove an owner.');
    if (isLastOwner(owners, memberId)) throw lastOwner(false);
    await deleteMembership(tx, teamId, memberId);
    await logActivity(tx, userId, { teamId }, 'member.removed', { email: member.email, role: member.role });
    await revokeTheirInvitations(tx, userId, teamId, memberId);
  });
}

/** Any member: leaves the team, unless they are its last owner. */
export async function leaveTeam(userId: string, teamId: string): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const { owners } = await lockForChange(tx, userId, teamId, 'team.view');
    const me = await lockMember(tx, teamId, userId);
    if (isLastOwner(owners, userId)) throw lastOwner(true);
    await deleteMembership(tx, teamId, userId);
    await logActivity(tx, userId, { teamId }, 'member.left', { email: me.email, role: me.role });
    await revokeTheirInvitations(tx, userId, teamId, userId);
  });
}

/**
 * Owners and admins: invites the addresses in a Recipients box (commas, spaces or new lines) to the
 * team with a role they may offer, through the shared invitation mechanism. One result per recipient,
 * in the order typed; invalid addresses are reported, not sent.
 */
export async function inviteToTeam(user: SessionUser, teamId: string, recipients: string, role: TeamRole): Promise<RecipientResult[]> {
  const db = await getDb();
  const { role: myRole } = await authorizeTeam(db, user.id, teamId, 'team.manage');
  if (!grantableTeamRoles(myRole).includes(role)) throw new AppError('FORBIDDEN', 'Only an owner can invite owners.', 'role');
  const parsed = parseRecipients(recipients);
  if (parsed.length === 0) throw new AppError('INVALID', 'Enter at least one email address.', 'recipients');
  const valid = parsed.flatMap((p) => (p.email ? [p.email] : []));
  const sent = valid.length ? await inviteEmails(user, { kind: 'team', id: teamId }, valid, role, '') : [];
  const byEmail = new Map(sent.map((r) => [r.recipient, r]));
  return parsed.map((p) => (p.email ? (byEmail.get(p.email) ?? { recipient: p.recipient, status: 'not a valid email' }) : { recipient: p.recipient, status: 'not a valid email' }));
}
