import 'server-only';
import { and, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { activityEvents, datasetGrants, datasets, teams, users } from '@/db/schema';
import { authorizeDataset, can, grantableRoles, mayLeaveDataset, type DatasetRole, type GrantRole } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { AppError, isUniqueViolation } from '@/lib/errors';
import { userCard } from '@/lib/user-card';
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
  const owner = await userCard(dataset.ownerId);
  // Users by email, then teams by name, in one statement.
  const rows = await db
    .select({ grantId: datasetGrants.id, userId: users.id, name: users.name, email: users.email, team: teams.name, role: datasetGrants.role, expiresAt: datasetGrants.expiresAt })
    .from(datasetGrants)
    .leftJoin(users, eq(users.id, datasetGrants.userId))
    .leftJoin(teams, eq(teams.id, datasetGrants.teamId))
    .where(eq(datasetGrants.datasetId, datasetId))
    .orderBy(sql`${datasetGrants.teamId} is not null`, users.email, teams.name);
  const people: PersonWithAccess[] = rows.flatMap((r): PersonWithAccess[] => {
    if (r.userId && r.email !== null && r.name !== null) return [{ grantId: r.grantId, kind: 'user', label: r.email, name: r.name, role: r.role, expiresAt: r.expiresAt, isMe: r.userId === userId }];
    if (r.team !== null) return [{ grantId: r.grantId, kind: 'team', label: r.team, name: r.team, role: r.role, expiresAt: r.expiresAt, isMe: false }];
    return [];
  });
  const invitations = can(role, 'access.manage') ? await listTargetInvitations(db, { kind: 'dataset', id: datasetId }) : null;
  return { owner, people, invitations, myRole: role };
}

async function changeGrant(
  userId: string,
  datasetId: string,
  grantId: string,
  change: (tx: Tx, label: string) => Promise<{ action: string; detail?: Record<string, unknown>; private?: Record<string, unknown> }>,
): Promise<{ eventId: string; label: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(grantId)) throw new AppError('NOT_FOUND', 'That person no longer has access.');
  const db = await getDb();
  return db.transaction(async (tx) => {
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
    const { action, detail, private: undo } = await change(tx, label);
    const eventId = await logActivity(tx, userId, { datasetId }, action, { ...(g.email ? { email: g.email } : { team: g.team }), ...detail, ...(undo ? { undo } : {}) });
    // The team's own log shows what was shared with it, too.
    if (g.teamId) await logActivity(tx, userId, { teamId: g.teamId }, `team.${action}`, { dataset: dataset.name, ...detail });
    // Whoever was lowered or removed (a user, or a team's members) may have invited people above their new role.
    await revokeInvitationsBeyondAuthority(tx, userId, { kind: 'dataset', id: datasetId });
    return { eventId, label };
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

/** How long after removing access its remover may undo it (the toast's Undo; a little longer than it shows). */
export const UNDO_REMOVAL_MS = 60_000;

type GrantSnapshot = { id: string; userId: string | null; teamId: string | null; role: GrantRole; grantedBy: string | null; expiresAt: string | null; createdAt: string };

/**
 * Managers/owner: removes a user's or team's access; effective on their next request. The grant as it
 * was is kept in the activity event, so its remover can undo it for a minute (restoreGrant).
 */
export async function removeGrant(userId: string, datasetId: string, grantId: string): Promise<{ undoId: string; label: string }> {
  const { eventId, label } = await changeGrant(userId, datasetId, grantId, async (tx) => {
    const [g] = await tx.delete(datasetGrants).where(eq(datasetGrants.id, grantId)).returning();
    const undo: GrantSnapshot = {
      id: g.id,
      userId: g.userId,
      teamId: g.teamId,
      role: g.role as GrantRole,
      grantedBy: g.grantedBy,
      expiresAt: g.expiresAt?.toISOString() ?? null,
      createdAt: g.createdAt.toISOString(),
    };
    return { action: 'grant.removed', private: undo };
  });
  return { undoId: eventId, label };
}

/**
 * Undo of removeGrant, by whoever removed it, within UNDO_REMOVAL_MS: puts back the very same grant
 * (id, role, expiry, who granted it) — if they may still give that role, and nobody has given the
 * person or team access again meanwhile. Once only.
 */
export async function restoreGrant(userId: string, datasetId: string, undoId: string): Promise<{ label: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(undoId)) throw new AppError('NOT_FOUND', 'There is nothing to undo.');
  const db = await getDb();
  return db.transaction(async (tx) => {
    const { dataset, role } = await authorizeDataset(tx, userId, datasetId, 'access.manage');
    const [ev] = await tx
      .select({ detail: activityEvents.detail })
      .from(activityEvents)
      .where(
        and(
          eq(activityEvents.id, undoId),
          eq(activityEvents.datasetId, datasetId),
          eq(activityEvents.actorId, userId),
          eq(activityEvents.action, 'grant.removed'),
          gt(activityEvents.createdAt, sql`now() - make_interval(secs => ${UNDO_REMOVAL_MS / 1000})`),
        ),
      )
      .for('update');
    const detail = ev?.detail as { email?: string; team?: string; undo?: GrantSnapshot } | undefined;
    if (!detail?.undo) throw new AppError('NOT_FOUND', 'It is too late to undo that. Share again instead.');
    const [done] = await tx
      .select({ id: activityEvents.id })
      .from(activityEvents)
      .where(and(eq(activityEvents.datasetId, datasetId), eq(activityEvents.action, 'grant.restored'), sql`${activityEvents.detail}->>'undoOf' = ${undoId}`))
      .limit(1);
    if (done) throw new AppError('CONFLICT', 'That was already undone.');
    const g = detail.undo;
    if (!grantableRoles(role).includes(g.role)) throw new AppError('FORBIDDEN', 'You can no longer give that role.');
    if (g.userId === dataset.ownerId) throw new AppError('CONFLICT', 'They own this dataset now.');
    const label = detail.email ?? detail.team ?? '';
    const inserted = await tx
      .insert(datasetGrants)
      .values({
        id: g.id,
        datasetId,
        userId: g.userId,
        teamId: g.teamId,
        role: g.role,
        grantedBy: g.grantedBy,
        expiresAt: g.expiresAt ? new Date(g.expiresAt) : null,
        createdAt: new Date(g.createdAt),
      })
      .onConflictDoNothing()
      .returning({ id: datasetGrants.id });
    if (inserted.length === 0) throw new AppError('CONFLICT', `${label} has access again already.`);
    await logActivity(tx, userId, { datasetId }, 'grant.restored', { ...(detail.email ? { email: detail.email } : { team: detail.team }), role: g.role, undoOf: undoId });
    if (g.teamId) await logActivity(tx, userId, { teamId: g.teamId }, 'team.grant.restored', { dataset: dataset.name, role: g.role });
    return { label };
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
