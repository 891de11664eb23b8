import 'server-only';
import { and, count, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { datasetGrants, datasets, teamMembers, teams, users } from '@/db/schema';
import { accessibleDatasets, authorizeTeam, canTeam, grantableTeamRoles, mayManageTeamMember, type DatasetRole, type GrantRole, type TeamRole } from '@/lib/access';
import { listActivityFor, logActivity, type ActivityItem } from '@/lib/activity';
import { AppError, isUniqueViolation } from '@/lib/errors';
import { listTargetInvitations, revokeInvitationsBeyondAuthority, type ManagedInvitation } from '@/lib/invitations';
import { hasUnsafeChars } from '@/lib/validation/common';

export { changeMemberRole, inviteToTeam, leaveTeam, removeMember } from './teams-members';

export type TeamSummary = { id: string; name: string; role: TeamRole; memberCount: number };

export type TeamMember = { userId: string; name: string; email: string; role: TeamRole; joinedAt: Date; isMe: boolean; manageable: boolean };

export type TeamDataset = { id: string; name: string; ownerName: string; teamRole: GrantRole; myRole: DatasetRole };

export type TeamPage = {
  team: { id: string; name: string; createdAt: Date };
  myRole: TeamRole;
  offerableRoles: TeamRole[];
  members: TeamMember[];
  datasets: TeamDataset[];
  invitations: ManagedInvitation[] | null; // owners and admins only
  activity: ActivityItem[] | null; // owners and admins only
};

// Names are unique per creator: the message never says anything about other people's teams.
const nameTaken = (mine: boolean) =>
  new AppError('CONFLICT', mine ? 'You already created a team with this name. Choose another name.' : 'This team’s creator already has a team with this name. Choose another name.', 'name');

/** The teams the user belongs to, with their role and member count, by name. */
export async function listTeamsForUser(userId: string): Promise<TeamSummary[]> {
  const db = await getDb();
  const counts = db
    .select({ teamId: teamMembers.teamId, n: count().as('n') })
    .from(teamMembers)
    .groupBy(teamMembers.teamId)
    .as('c');
  const rows = await db
    .select({ id: teams.id, name: teams.name, role: teamMembers.role, memberCount: counts.n })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .innerJoin(counts, eq(counts.teamId, teams.id))
    .where(eq(teamMembers.userId, userId))
    .orderBy(sql`lower(${teams.name})`, teams.id);
  return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }));
}

/** Creates a team owned by its creator; a name the creator already uses for a team (any case) → field error. */
export async function createTeam(userId: string, name: string): Promise<{ id: string }> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [team] = await tx.insert(teams).values({ name, createdBy: userId }).returning({ id: teams.id });
      await tx.insert(teamMembers).values({ teamId: team.id, userId, role: 'owner' });
      await logActivity(tx, userId, { teamId: team.id }, 'team.created', { name });
      return team;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(true);
    throw err;
  }
}

/** Owners: renames the team (unique among its creator's teams, case-insensitively). */
export async function renameTeam(userId: string, teamId: string, name: string): Promise<void> {
  const db = await getDb();
  let creator: string | null = null;
  try {
    await db.transaction(async (tx) => {
      const { team } = await authorizeTeam(tx, userId, teamId, 'team.admin');
      creator = team.createdBy;
      if (team.name === name) return;
      await tx.update(teams).set({ name }).where(eq(teams.id, teamId));
      await logActivity(tx, userId, { teamId }, 'team.renamed', { from: team.name, to: name });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(creator === userId);
    throw err;
  }
}

/**
 * Owners: deletes the team after they typed its name. Memberships, the team's dataset grants, its
 * invitations (links die) and its activity go with it (foreign keys cascade); each dataset that lost
 * the team's grant records it in its own activity.
 */
export async function deleteTeam(userId: string, teamId: string, confirmName: string): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const { team } = await authorizeTeam(tx, userId, teamId, 'team.admin');
    if (confirmName.trim() !== team.name) throw new AppError('INVALID', 'Type the team’s name exactly to confirm.', 'confirmName');
    const granted = await tx.select({ datasetId: datasetGrants.datasetId }).from(datasetGrants).where(eq(datasetGrants.teamId, teamId));
    for (const g of granted) await logActivity(tx, userId, { datasetId: g.datasetId }, 'grant.removed', { team: team.name, reason: 'team deleted' });
    await tx.delete(teams).where(eq(teams.id, teamId));
    // Members who managed a dataset through the team may have invited people they can no longer invite.
    for (const g of granted) await revokeInvitationsBeyondAuthority(tx, userId, { kind: 'dataset', id: g.datasetId });
  });
}

/**
 * A team with this name (case-insensitive) that the user belongs to, in any role; for the share panel.
 * Names are unique per creator, so two of the user's teams may share one: theirs wins, else it is ambiguous.
 */
export async function findTeamForSharer(db: Db | Tx, userId: string, name: string): Promise<{ id: string; name: string } | 'ambiguous' | null> {
  const wanted = name.trim();
  // A name with NUL or control characters names no team (and PostgreSQL would refuse NUL outright).
  if (!wanted || hasUnsafeChars(wanted)) return null;
  const rows = await db
    .select({ id: teams.id, name: teams.name, mine: sql<boolean>`${teams.createdBy} is not distinct from ${userId}` })
    .from(teams)
    .innerJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, userId)))
    .where(sql`lower(${teams.name}) = lower(${wanted})`)
    .orderBy(desc(sql`${teams.createdBy} is not distinct from ${userId}`), teams.id)
    .limit(2);
  if (rows.length === 0) return null;
  if (rows.length > 1 && !rows[0].mine) return 'ambiguous';
  return { id: rows[0].id, name: rows[0].name };
}

/** Members, by role (owners first) then email. Caller authorizes. */
async function listMembers(db: Db, teamId: string, userId: string, myRole: TeamRole): Promise<TeamMember[]> {
  const rows = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: teamMembers.role, joinedAt: teamMembers.createdAt })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(desc(teamMembers.role), users.email);
  return rows.map((r) => ({ ...r, isMe: r.userId === userId, manageable: mayManageTeamMember(myRole, r.role) }));
}

/** Datasets with an active grant to the team, each as the viewing member can reach it (via lib/access.ts). */
async function listTeamDatasets(db: Db, teamId: string, userId: string): Promise<TeamDataset[]> {
  const active = and(eq(datasetGrants.teamId, teamId), or(isNull(datasetGrants.expiresAt), gt(datasetGrants.expiresAt, sql`now()`)));
  const grants = await db.select({ datasetId: datasetGrants.datasetId, role: datasetGrants.role }).from(datasetGrants).where(active).limit(500);
  if (grants.length === 0) return [];
  const teamRole = new Map(grants.map((g) => [g.datasetId, g.role]));
  const rows = await accessibleDatasets(db, userId, inArray(datasets.id, [...teamRole.keys()])).orderBy(sql`lower(${datasets.name})`, datasets.id);
  const ownerIds = [...new Set(rows.map((r) => r.ownerId))];
  const owners = ownerIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ownerIds)) : [];
  const ownerName = new Map(owners.map((o) => [o.id, o.name]));
  return rows.map((r) => ({ id: r.id, name: r.name, ownerName: ownerName.get(r.ownerId) ?? '', teamRole: teamRole.get(r.id)!, myRole: r.role }));
}

/** Everything the team page shows, for a member; NOT_FOUND for anyone else. Invitations and activity for owners/admins only. */
export async function getTeamPage(userId: string, teamId: string): Promise<TeamPage> {
  const db = await getDb();
  const { team, role } = await authorizeTeam(db, userId, teamId, 'team.view');
  const manage = canTeam(role, 'team.manage');
  const [members, teamDatasets, invitations, activity] = await Promise.all([
    listMembers(db, teamId, userId, role),
    listTeamDatasets(db, teamId, userId),
    manage ? listTargetInvitations(db, { kind: 'team', id: teamId }) : null,
    manage ? listActivityFor(db, { teamId }) : null,
  ]);
  return {
    team: { id: team.id, name: team.name, createdAt: team.createdAt },
    myRole: role,
    offerableRoles: grantableTeamRoles(role),
    members,
    datasets: teamDatasets,
    invitations,
    activity,
  };
}
