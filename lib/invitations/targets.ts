import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { datasetGrants, datasets, invitations, teamMembers, users } from '@/db/schema';
import { accessibleDatasets, authorizeDataset, authorizeTeam, grantableRoles, grantableTeamRoles, type GrantRole, type TeamRole } from '@/lib/access';
import { AppError } from '@/lib/errors';

/** What an invitation offers: a role on a dataset, or membership of a team. */
export type InvitationTarget = { kind: 'dataset'; id: string } | { kind: 'team'; id: string };

type Conn = Db | Tx;

export function targetOf(row: { datasetId: string | null; teamId: string | null }): InvitationTarget {
  return row.datasetId ? { kind: 'dataset', id: row.datasetId } : { kind: 'team', id: row.teamId! };
}

export function targetColumns(t: InvitationTarget) {
  return t.kind === 'dataset' ? { datasetId: t.id } : { teamId: t.id };
}

export function targetWhere(t: InvitationTarget) {
  return t.kind === 'dataset' ? eq(invitations.datasetId, t.id) : eq(invitations.teamId, t.id);
}

export function landingPath(t: InvitationTarget): string {
  return t.kind === 'dataset' ? `/datasets/${t.id}` : `/teams/${t.id}`;
}

/** Checks the actor may manage invitations of the target (via lib/access.ts); returns its name and the roles they may offer. */
export async function authorizeInviter(db: Conn, userId: string, t: InvitationTarget): Promise<{ name: string; roles: string[] }> {
  if (t.kind === 'dataset') {
    const { dataset, role } = await authorizeDataset(db, userId, t.id, 'access.manage');
    return { name: dataset.name, roles: grantableRoles(role) };
  }
  const { team, role } = await authorizeTeam(db, userId, t.id, 'team.manage');
  return { name: team.name, roles: grantableTeamRoles(role) };
}

/** Whether the account with this email (if any) already has access to / belongs to the target. */
export async function emailHasAccess(db: Conn, t: InvitationTarget, email: string): Promise<boolean> {
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
  if (!user) return false;
  if (t.kind === 'dataset') {
    return (await accessibleDatasets(db, user.id, undefined, t.id).limit(1)).length > 0;
  }
  const [m] = await db.select({ r: teamMembers.role }).from(teamMembers).where(and(eq(teamMembers.teamId, t.id), eq(teamMembers.userId, user.id)));
  return !!m;
}

/** Gives the accepting user what the invitation offered; a second grant keeps the higher role. */
export async function grantFromInvitation(tx: Tx, t: InvitationTarget, userId: string, role: string, grantedBy: string | null): Promise<void> {
  if (t.kind === 'dataset') {
    const [ds] = await tx.select({ ownerId: datasets.ownerId }).from(datasets).where(eq(datasets.id, t.id));
    if (!ds) throw new AppError('NOT_FOUND', 'This invitation is no longer valid.');
    if (ds.ownerId === userId) return;
    await tx
      .insert(datasetGrants)
      .values({ datasetId: t.id, userId, role: role as GrantRole, grantedBy })
      .onConflictDoUpdate({
        target: [datasetGrants.datasetId, datasetGrants.userId],
        set: { role: sqlGreatest('dataset_grants.role'), expiresAt: null },
      });
    return;
  }
  await tx
    .insert(teamMembers)
    .values({ teamId: t.id, userId, role: role as TeamRole })
    .onConflictDoNothing({ target: [teamMembers.teamId, teamMembers.userId] });
}

// Enum order is viewer < editor < manager, so greatest() keeps the higher role.
function sqlGreatest(column: string) {
  return sql.raw(`greatest(${column}, excluded.role)`);
}
