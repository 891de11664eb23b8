import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { invitations } from '@/db/schema';
import { logActivity } from '@/lib/activity';
import { rolesStillGrantable, targetColumns, targetWhere, type InvitationTarget } from './targets';

/**
 * After a change that may take authority away (a grant removed or lowered, a member removed, demoted
 * or gone), revokes the pending invitations of the target whose inviter may no longer offer their role,
 * and logs each as revoked for that reason. `inviterIds` narrows the check to some inviters; by default
 * every inviter with a pending invitation is checked. Call it in the change's transaction, after the change.
 */
export async function revokeInvitationsBeyondAuthority(tx: Tx, actorId: string, target: InvitationTarget, inviterIds?: string[]): Promise<number> {
  if (inviterIds && inviterIds.length === 0) return 0;
  const pending = await tx
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, invitedBy: invitations.invitedBy })
    .from(invitations)
    .where(and(targetWhere(target), eq(invitations.status, 'pending'), inviterIds ? inArray(invitations.invitedBy, inviterIds) : undefined))
    .for('update');
  const grantable = new Map<string | null, string[]>();
  for (const p of pending) if (!grantable.has(p.invitedBy)) grantable.set(p.invitedBy, await rolesStillGrantable(tx, p.invitedBy, target));
  const beyond = pending.filter((p) => !grantable.get(p.invitedBy)!.includes(p.role));
  if (beyond.length === 0) return 0;
  await tx.update(invitations).set({ status: 'revoked', updatedAt: new Date() }).where(inArray(invitations.id, beyond.map((b) => b.id)));
  for (const b of beyond) {
    await logActivity(tx, actorId, targetColumns(target), 'invitation.revoked', { email: b.email, role: b.role, reason: 'the inviter may no longer give this role' });
  }
  return beyond.length;
}
