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

/** The roles `userId` may still offer on the target right now ([] when they manage it no longer, or are gone). */
export async function rolesStillGrantable(db: Conn, userId: string | null, t: InvitationTarget): Promise<string[]> {
  if (!userId) return [];
  try {
    return (await authorizeInviter(db, userId, t)).roles;
  } catch (err) {
    if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) return [];
    throw err;
  }
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

/**
 * Gives the accepting user what the invitation offered. An active grant keeps the higher role (with its
 * own expiry when it stays the higher one); an expired grant counts for nothing, so the invitation's
 * role and expiry (none) replace it. Refused when the inviter may no longer offer that role.
 */
export async function grantFromInvitation(tx: Tx, t: InvitationTarget, userId: string, role: string, grantedBy: string | null, accessUntil: Date | null = null): Promise<void> {
  // An invitation carries its inviter's authority, which may have gone since (removed, demoted, grant expired).
  if (!(await rolesStillGrantable(tx, grantedBy, t)).includes(role)) {
    throw new AppError('FORBIDDEN', 'The person who invited you can no longer give this access. Ask someone who manages it to invite you again.');
  }
  if (t.kind === 'dataset') {
    const [ds] = await tx.select({ ownerId: datasets.ownerId }).from(datasets).where(eq(datasets.id, t.id));
    if (!ds) throw new AppError('NOT_FOUND', 'This invitation is no longer valid.');
    if (ds.ownerId === userId) return;
    // In ON CONFLICT … SET every dataset_grants.* is the old row; the enum orders viewer < editor < manager.
    const keepOld = sql.raw(`(dataset_grants.expires_at is null or dataset_grants.expires_at > now()) and dataset_grants.role >= excluded.role`);
    await tx
      .insert(datasetGrants)
      .values({ datasetId: t.id, userId, role: role as GrantRole, grantedBy, expiresAt: accessUntil })
      .onConflictDoUpdate({
        target: [datasetGrants.datasetId, datasetGrants.userId],
        set: {
          role: sql`case when ${keepOld} then dataset_grants.role else excluded.role end`,
          expiresAt: sql`case when ${keepOld} then dataset_grants.expires_at else excluded.expires_at end`,
          grantedBy: sql`case when ${keepOld} then dataset_grants.granted_by else excluded.granted_by end`,
        },
      });
    return;
  }
  await tx
    .insert(teamMembers)
    .values({ teamId: t.id, userId, role: role as TeamRole })
    .onConflictDoNothing({ target: [teamMembers.teamId, teamMembers.userId] });
}
