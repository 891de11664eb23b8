import 'server-only';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb, type Db, type Tx } from '@/db/client';
import { activityEvents, invitations, users } from '@/db/schema';
import { logActivity } from '@/lib/activity';
import { emailStatusForInvitations, enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError, isUniqueViolation } from '@/lib/errors';
import type { SessionUser } from '@/lib/users';
import { invitationEmail } from './emails';
import { authorizeInviter, targetColumns, targetOf, targetWhere, type InvitationTarget } from './targets';
import { invitationLink, newExpiry, newInvitationToken } from './tokens';
import { RESEND_COOLDOWN_MS, sentRecently, spendInviteBudget } from './send';

const inviter = alias(users, 'inviter');

export type ManagedInvitation = {
  id: string;
  email: string;
  role: string;
  invitedByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
  emailStatus: 'pending' | 'sent' | 'failed' | 'not configured';
};

/** Pending and expired invitations of a target, for those who manage it (caller authorizes). */
export async function listTargetInvitations(db: Db | Tx, target: InvitationTarget): Promise<ManagedInvitation[]> {
  const rows = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, createdAt: invitations.updatedAt, expiresAt: invitations.expiresAt, invitedByName: inviter.name })
    .from(invitations)
    .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(and(targetWhere(target), eq(invitations.status, 'pending')))
    .orderBy(invitations.email);
  const status = await emailStatusForInvitations(db, rows.map((r) => r.id));
  const now = Date.now();
  return rows.map((r) => ({ ...r, expired: r.expiresAt.getTime() <= now, emailStatus: isEmailConfigured() ? (status.get(r.id) ?? 'pending') : 'not configured' }));
}

type Action = 'extend' | 'resend' | 'revoke';

/**
 * Extend (+72 h from now, same link), resend (new token so the old link dies, new 72 h, new email; at
 * most once per cooldown per invitation, spending the inviter's hourly budget) or
 * revoke (dead at once) a pending invitation, by someone who manages its target and may offer its role.
 * Returns the new link when email is not configured and the action made one.
 */
export async function manageInvitation(user: SessionUser, invitationId: string, action: Action): Promise<{ link?: string; expiresAt?: Date; undoId?: string; email?: string }> {
  if (!/^[0-9a-f-]{36}$/i.test(invitationId)) throw new AppError('NOT_FOUND', 'Invitation not found.');
  const db = await getDb();
  const out = await db.transaction(async (tx) => {
    const [inv] = await tx
      .select({ id: invitations.id, email: invitations.email, role: invitations.role, message: invitations.message, datasetId: invitations.datasetId, teamId: invitations.teamId, recent: sentRecently })
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), eq(invitations.status, 'pending')))
      .for('update');
    if (!inv) throw new AppError('NOT_FOUND', 'Invitation not found, or no longer pending.');
    const target = targetOf(inv);
    const { name, roles } = await authorizeInviter(tx, user.id, target);
    if (!roles.includes(inv.role)) throw new AppError('FORBIDDEN', 'You cannot manage an invitation for that role.');
    const where = eq(invitations.id, inv.id);
    const activity = targetColumns(target);
    if (action === 'revoke') {
      await tx.update(invitations).set({ status: 'revoked', updatedAt: new Date() }).where(where);
      const undoId = await logActivity(tx, user.id, activity, 'invitation.revoked', { email: inv.email, invitationId: inv.id });
      return { undoId, email: inv.email };
    }
    const expiresAt = newExpiry();
    if (action === 'extend') {
      await tx.update(invitations).set({ expiresAt }).where(where);
      await logActivity(tx, user.id, activity, 'invitation.extended', { email: inv.email });
      return { expiresAt, email: inv.email };
    }
    // A resend is an email: one per recipient per cooldown, and it spends the hourly invitation budget.
    if (inv.recent) {
      throw new AppError('RATE_LIMITED', `An invitation was sent to ${inv.email} less than ${RESEND_COOLDOWN_MS / 60_000} minutes ago. Wait a few minutes before resending.`);
    }
    await spendInviteBudget(tx, user.id, 1);
    const { token, tokenHash } = newInvitationToken();
    await tx.update(invitations).set({ tokenHash, expiresAt, invitedBy: user.id, updatedAt: new Date() }).where(where);
    await logActivity(tx, user.id, activity, 'invitation.resent', { email: inv.email });
    const link = invitationLink(token);
    if (!isEmailConfigured()) return { link, expiresAt, email: inv.email };
    await enqueueEmail(tx, { to: inv.email, invitationId: inv.id, email: invitationEmail(user, target, name, inv.role, inv.message, link, expiresAt) });
    return { sent: true, expiresAt, email: inv.email };
  });
  if ('sent' in out) {
    kickEmailWorker();
    return { expiresAt: out.expiresAt, email: out.email };
  }
  if (out.link) console.log(`Trove: email is not configured; new invitation link for ${invitationId}: ${out.link}`);
  return out;
}

/** How long after revoking an invitation its revoker may undo it. */
export const UNDO_REVOKE_MS = 60_000;

/**
 * Undo of a revoke, by whoever revoked it, within UNDO_REVOKE_MS: the invitation is pending again with
 * the same link and expiry — if they may still offer its role and no newer invitation to that address
 * was sent meanwhile. `undoId` is the revoke's activity event.
 */
export async function unrevokeInvitation(user: SessionUser, undoId: string): Promise<{ email: string; target: InvitationTarget }> {
  if (!/^[0-9a-f-]{36}$/i.test(undoId)) throw new AppError('NOT_FOUND', 'There is nothing to undo.');
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [ev] = await tx
        .select({ detail: activityEvents.detail })
        .from(activityEvents)
        .where(
          and(
            eq(activityEvents.id, undoId),
            eq(activityEvents.actorId, user.id),
            eq(activityEvents.action, 'invitation.revoked'),
            gt(activityEvents.createdAt, sql`now() - make_interval(secs => ${UNDO_REVOKE_MS / 1000})`),
          ),
        );
      const invitationId = (ev?.detail as { invitationId?: string } | undefined)?.invitationId;
      if (!invitationId) throw new AppError('NOT_FOUND', 'It is too late to undo that. Invite them again instead.');
      const [inv] = await tx
        .select({ id: invitations.id, email: invitations.email, role: invitations.role, status: invitations.status, datasetId: invitations.datasetId, teamId: invitations.teamId })
        .from(invitations)
        .where(eq(invitations.id, invitationId))
        .for('update');
      if (!inv) throw new AppError('NOT_FOUND', 'That invitation is gone.');
      const target = targetOf(inv);
      const { roles } = await authorizeInviter(tx, user.id, target);
      if (!roles.includes(inv.role)) throw new AppError('FORBIDDEN', 'You can no longer offer that role.');
      if (inv.status !== 'revoked') throw new AppError('CONFLICT', 'That invitation is no longer revoked.');
      await tx.update(invitations).set({ status: 'pending', updatedAt: new Date() }).where(eq(invitations.id, inv.id));
      await logActivity(tx, user.id, targetColumns(target), 'invitation.restored', { email: inv.email, invitationId: inv.id });
      return { email: inv.email, target };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'A newer invitation to that address was sent meanwhile.');
    throw err;
  }
}

/** Ids of a target's pending invitations (tests). */
export async function pendingInvitationIds(target: InvitationTarget): Promise<string[]> {
  const db = await getDb();
  const rows = await db.select({ id: invitations.id }).from(invitations).where(and(targetWhere(target), inArray(invitations.status, ['pending'])));
  return rows.map((r) => r.id);
}
