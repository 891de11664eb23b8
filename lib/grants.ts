import 'server-only';
import { and, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { datasetGrants, datasets, teams, users } from '@/db/schema';
import { authorizeDataset, can, mayLeaveDataset, type DatasetRole, type GrantRole } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { AppError, isUniqueViolation } from '@/lib/errors';
import { listTargetInvitations, revokeInvitationsBeyondAuthority, type ManagedInvitation } from '@/lib/invitations';

export type PersonWithAccess = {
  grantId: string;
  kind: 'user' | 'team';
  label: string; // email or team name: the accessible names use it
  name: string;
  role: GrantRole;
  expiresAt: Date | null;
  isMe: boolean;
};

export type PeopleView = {
  owner: { id: string; name: string; email: string };
  people: PersonWithAccess[];
  invitations: ManagedInvitation[] | null; // only for those who manage access
  myRole: DatasetRole;
};

/** Who has access (owner, users, teams) for anyone who can see the dataset; pending invitations only for managers. */
export async function listPeopleWithAccess(userId: string, datasetId: string): Promise<PeopleView> {
  const db = await getDb();
  const { dataset, role } = await authorizeDataset(db, userId, datasetId, 'people.view');
  const [owner] = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, dataset.ownerId));
  const userRows = await db
    .select({ grantId: datasetGrants.id, userId: users.id, name: users.name, email: users.email, role: datasetGrants.role, expiresAt: datasetGrants.expiresAt })
    .from(datasetGrants)
    .innerJoin(users, eq(users.id, datasetGrants.userId))
    .where(eq(datasetGrants.datasetId, datasetId))
    .orderBy(users.email);
  const teamRows = await db
    .select({ grantId: datasetGrants.id, name: teams.name, role: datasetGrants.role, expiresAt: datasetGrants.expiresAt })
    .from(datasetGrants)
    .innerJoin(teams, eq(teams.id, datasetGrants.teamId))
    .where(eq(datasetGrants.datasetId, datasetId))
    .orderBy(teams.name);
  const people: PersonWithAccess[] = [
    ...userRows.map((r) => ({ grantId: r.grantId, kind: 'user' as const, label: r.email, name: r.name, role: r.role, expiresAt: r.expiresAt, isMe: r.userId === userId })),
    ...teamRows.map((r) => ({ grantId: r.grantId, kind: 'team' as const, label: r.name, name: r.name, role: r.role, expiresAt: r.expiresAt, isMe: false })),
  ];
  const invitations = can(role, 'access.manage') ? await listTargetInvitations(db, { kind: 'dataset', id: datasetId }) : null;
  return { owner, people, invitations, myRole: role };
}

async function changeGrant(
  userId: string,
  datasetId: string,
  grantId: string,
  change: (tx: Tx, label: string) => Promise<{ action: string; detail?: Record<string, unknown> }>,
) {
  if (!/^[0-9a-f-]{36}$/i.test(grantId)) throw new AppError('NOT_FOUND', 'That person no longer has access.');
  const db = await getDb();
  await db.transaction(async (tx) => {
    const { dataset } = await authorizeDataset(tx, userId, datasetId, 'access.manage');
    const [g] = await tx
      .select({ id: datasetGrants.id, email: users.email, team: teams.name, teamId: datasetGrants.teamId })
      .from(datasetGrants)
      .leftJoin(users, eq(users.id, datasetGrants.userId))
      .leftJoin(teams, eq(teams.id, datasetGrants.teamId))
      .where(and(eq(datasetGrants.id, grantId), eq(datasetGrants.datasetId, datasetId)))
      .for('update', { of: datasetGrants });
    if (!g) throw new AppError('NOT_FOUND', 'That person no longer has access.');
    const label = g.email ?? g.team ?? '';
    const { action, detail } = await change(tx, label);
    await logActivity(tx, userId, { datasetId }, action, { ...(g.email ? { email: g.email } : { team: g.team }), ...detail });
    // The team's own log shows what was shared with it, too.
    if (g.teamId) await logActivity(tx, userId, { teamId: g.teamId }, `team.${action}`, { dataset: dataset.name, ...detail });
    // Whoever was lowered or removed (a user, or a team's members) may have invited people above their new role.
    await revokeInvitationsBeyondAuthority(tx, userId, { kind: 'dataset', id: datasetId });
  });
}

/** Managers/owner: sets a user's or team's role (never above manager; the owner has no grant to touch). */
export async function changeGrantRole(userId: string, datasetId: string, grantId: string, role: GrantRole): Promise<void> {
  await changeGrant(userId, datasetId, grantId, async (tx) => {
    await tx.update(datasetGrants).set({ role }).where(eq(datasetGrants.id, grantId));
    return { action: 'grant.role_changed', detail: { role } };
  });
}

/** Managers/owner: sets or clears when a grant stops granting. */
export async function setGrantExpiry(userId: string, datasetId: string, grantId: string, expiresAt: Date | null): Promise<void> {
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new AppError('INVALID', 'Choose a date in the future.', 'expiresAt');
  await changeGrant(userId, datasetId, grantId, async (tx) => {
    await tx.update(datasetGrants).set({ expiresAt }).where(eq(datasetGrants.id, grantId));
    return { action: 'grant.expiry_changed', detail: { expiresAt: expiresAt?.toISOString() ?? null } };
  });
}

/** Managers/owner: removes a user's or team's access; effective on their next request. */
export async function removeGrant(userId: string, datasetId: string, grantId: string): Promise<void> {
  await changeGrant(userId, datasetId, grantId, async (tx) => {
    await tx.delete(datasetGrants).where(eq(datasetGrants.id, grantId));
    return { action: 'grant.removed' };
  });
}

/** A member drops their own direct grant (the owner cannot leave; team access stays with the team). */
export async function leaveDataset(userId: string, datasetId: string): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const { role } = await authorizeDataset(tx, userId, datasetId, 'dataset.view');
    if (!mayLeaveDataset(role)) throw new AppError('FORBIDDEN', 'The owner cannot leave. Transfer ownership first.');
    const gone = await tx
      .delete(datasetGrants)
      .where(and(eq(datasetGrants.datasetId, datasetId), eq(datasetGrants.userId, userId)))
      .returning({ id: datasetGrants.id });
    if (gone.length === 0) throw new AppError('INVALID', 'You have access through a team; ask a team admin to remove you from the team.');
    await logActivity(tx, userId, { datasetId }, 'grant.left');
    await revokeInvitationsBeyondAuthority(tx, userId, { kind: 'dataset', id: datasetId }, [userId]);
  });
}

/** Owner: hands the dataset to a user with an active direct grant (an expired one counts for nothing); the previous owner becomes a manager. */
export async function transferOwnership(userId: string, datasetId: string, grantId: string): Promise<void> {
  const db = await getDb();
  try {
    await db.transaction(async (tx) => {
      await authorizeDataset(tx, userId, datasetId, 'dataset.admin');
      const [g] = await tx
        .select({ userId: datasetGrants.userId, email: users.email })
        .from(datasetGrants)
        .innerJoin(users, eq(users.id, datasetGrants.userId))
        .where(
          and(
            eq(datasetGrants.id, grantId),
            eq(datasetGrants.datasetId, datasetId),
            isNotNull(datasetGrants.userId),
            isNull(datasetGrants.teamId),
            or(isNull(datasetGrants.expiresAt), gt(datasetGrants.expiresAt, sql`now()`)),
          ),
        );
      if (!g?.userId) throw new AppError('NOT_FOUND', 'Choose a person who has access to this dataset.');
      await tx.delete(datasetGrants).where(eq(datasetGrants.id, grantId));
      await tx.update(datasets).set({ ownerId: g.userId, updatedAt: new Date() }).where(eq(datasets.id, datasetId));
      await tx.insert(datasetGrants).values({ datasetId, userId, role: 'manager', grantedBy: g.userId });
      await logActivity(tx, userId, { datasetId }, 'dataset.transferred', { email: g.email });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'They already own a dataset with this name. Rename it first.');
    throw err;
  }
}
