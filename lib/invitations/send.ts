import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { invitations } from '@/db/schema';
import { logActivity } from '@/lib/activity';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError } from '@/lib/errors';
import { countRateEvents, recordRateEvent } from '@/lib/rate-limit';
import type { SessionUser } from '@/lib/users';
import { authorizeInviter, emailHasAccess, targetColumns, type InvitationTarget } from './targets';
import { invitationEmail } from './emails';
import { invitationLink, newExpiry, newInvitationToken } from './tokens';

export const INVITES_PER_HOUR = 200;

export type RecipientStatus = 'invited' | 'shared with team' | 'already has access' | 'already invited (invitation re-sent)' | 'not a valid email' | 'no such team' | "that's you";

/** One line of the share panel's result; `link` only when email is not configured (for the inviter to pass on). */
export type RecipientResult = { recipient: string; status: RecipientStatus; link?: string };

/** Refuses a batch that would take the inviter past the hourly limit, before anything is sent. */
export async function assertInviteBudget(userId: string, count: number): Promise<void> {
  if (count === 0) return;
  const { count: used } = await countRateEvents(`invite:${userId}`, 3_600_000);
  if (used + count > INVITES_PER_HOUR) {
    throw new AppError('RATE_LIMITED', `You can send at most ${INVITES_PER_HOUR} invitations an hour (${Math.max(0, INVITES_PER_HOUR - used)} left). Nothing was sent.`);
  }
}

/**
 * Invites each (already validated, lowercased) email to the target, one transaction per recipient so
 * outcomes are per recipient. A pending invitation for the same email is re-sent with a new link
 * (the partial unique index keeps one pending invitation per target and email, even under races).
 */
export async function inviteEmails(
  inviter: SessionUser,
  target: InvitationTarget,
  emails: string[],
  role: string,
  message: string,
): Promise<RecipientResult[]> {
  const db = await getDb();
  const results: RecipientResult[] = [];
  const emailOn = isEmailConfigured();
  let sent = 0;
  for (const email of emails) {
    if (email === inviter.email) {
      results.push({ recipient: email, status: "that's you" });
      continue;
    }
    const result = await db.transaction(async (tx): Promise<RecipientResult> => {
      const { name, roles } = await authorizeInviter(tx, inviter.id, target);
      if (!roles.includes(role)) throw new AppError('FORBIDDEN', 'You cannot offer that role.', 'role');
      if (await emailHasAccess(tx, target, email)) return { recipient: email, status: 'already has access' };
      const { token, tokenHash } = newInvitationToken();
      const expiresAt = newExpiry();
      const [row] = await tx
        .insert(invitations)
        .values({ ...targetColumns(target), email, role, message, tokenHash, expiresAt, invitedBy: inviter.id })
        .onConflictDoUpdate({
          target: target.kind === 'dataset' ? [invitations.datasetId, invitations.email] : [invitations.teamId, invitations.email],
          targetWhere: sql`status = 'pending'`,
          set: { tokenHash, expiresAt, role, message, invitedBy: inviter.id, updatedAt: new Date() },
        })
        .returning({ id: invitations.id, inserted: sql<boolean>`(xmax = 0)` });
      const link = invitationLink(token);
      await logActivity(tx, inviter.id, targetColumns(target), row.inserted ? 'invitation.sent' : 'invitation.resent', { email, role });
      // Without email configured nothing is queued (so nothing surprising goes out once a key is added later).
      if (emailOn) await enqueueEmail(tx, { to: email, invitationId: row.id, email: invitationEmail(inviter, target, name, role, message, link, expiresAt) });
      return { recipient: email, status: row.inserted ? 'invited' : 'already invited (invitation re-sent)', link: emailOn ? undefined : link };
    });
    if (result.link) console.log(`Trove: email is not configured; invitation link for ${email}: ${result.link}`);
    if (result.status === 'invited' || result.status.startsWith('already invited')) sent++;
    results.push(result);
  }
  if (sent > 0) {
    await recordRateEvent(`invite:${inviter.id}`, sent);
    kickEmailWorker();
  }
  return results;
}
