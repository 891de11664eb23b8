import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { getDb, type Tx } from '@/db/client';
import { invitations } from '@/db/schema';
import { logActivity } from '@/lib/activity';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError } from '@/lib/errors';
import { refundRateEvents, spendRateBudget } from '@/lib/rate-limit';
import type { SessionUser } from '@/lib/users';
import { authorizeInviter, emailHasAccess, targetColumns, targetWhere, type InvitationTarget } from './targets';
import { invitationEmail } from './emails';
import { invitationLink, newExpiry, newInvitationToken } from './tokens';

export const INVITES_PER_HOUR = 200;
/** One invitation email per recipient (and target) per this long: resends and re-invites within it send nothing. */
export const RESEND_COOLDOWN_MS = 5 * 60_000;

export type RecipientStatus =
  | 'invited'
  | 'shared with team'
  | 'already has access'
  | 'already invited (invitation re-sent)'
  | 'already invited'
  | 'not a valid email'
  | 'not an email address or one of your teams'
  | 'several of your teams have this name'
  | "that's you";

/** One line of the share panel's result; `link` only when email is not configured (for the inviter to pass on). */
export type RecipientResult = { recipient: string; status: RecipientStatus; link?: string };

/**
 * Spends `n` invitation emails from the inviter's hourly budget, atomically (a per-inviter advisory
 * lock inside `tx`), so parallel requests cannot overspend it. RATE_LIMITED, spending nothing, past it.
 * Every email an action causes spends it: invitations, re-invitations, resends, team invitations.
 */
export async function spendInviteBudget(tx: Tx, userId: string, n: number): Promise<number[]> {
  const r = await spendRateBudget(tx, `invite:${userId}`, n, INVITES_PER_HOUR, 3_600_000);
  if (!r.ids) {
    throw new AppError('RATE_LIMITED', `You can send at most ${INVITES_PER_HOUR} invitations an hour (${Math.max(0, INVITES_PER_HOUR - r.used)} left). Nothing was sent.`);
  }
  return r.ids;
}

/** SQL: whether the invitation row was last sent within the resend cooldown. */
export const sentRecently = sql<boolean>`(${invitations.updatedAt} > now() - make_interval(secs => ${RESEND_COOLDOWN_MS / 1000}))`;

/**
 * Invites each (already validated, lowercased) email to the target, one transaction per recipient so
 * outcomes are per recipient. The whole batch's budget is reserved first (nothing is sent past the
 * limit) and what goes unused is given back. A pending invitation for the same email (one per target
 * and email, by a partial unique index) is re-sent with a new link only when the re-inviter could have
 * created it (they may offer its role) and it was not sent within the cooldown; otherwise it is left
 * alone — same link, no email — and reported as "already invited".
 */
export async function inviteEmails(
  inviter: SessionUser,
  target: InvitationTarget,
  emails: string[],
  role: string,
  message: string,
  opts: { accessUntil?: Date | null } = {},
): Promise<RecipientResult[]> {
  const db = await getDb();
  const results: RecipientResult[] = [];
  const emailOn = isEmailConfigured();
  const reserved = await db.transaction((tx) => spendInviteBudget(tx, inviter.id, emails.filter((e) => e !== inviter.email).length));
  let spent = 0;
  try {
    for (const email of emails) {
      if (email === inviter.email) {
        results.push({ recipient: email, status: "that's you" });
        continue;
      }
      const result = await db.transaction((tx) => inviteOne(tx, inviter, target, email, role, message, emailOn, opts.accessUntil ?? null));
      if (result.link) console.log(`Trove: email is not configured; invitation link for ${email}: ${result.link}`);
      if (result.status === 'invited' || result.status === 'already invited (invitation re-sent)') spent++;
      results.push(result);
    }
  } finally {
    await refundRateEvents(reserved.slice(spent));
  }
  if (spent > 0) kickEmailWorker();
  return results;
}

async function inviteOne(tx: Tx, inviter: SessionUser, target: InvitationTarget, email: string, role: string, message: string, emailOn: boolean, accessUntil: Date | null): Promise<RecipientResult> {
  const { name, roles } = await authorizeInviter(tx, inviter.id, target);
  if (!roles.includes(role)) throw new AppError('FORBIDDEN', 'You cannot offer that role.', 'role');
  if (await emailHasAccess(tx, target, email)) return { recipient: email, status: 'already has access' };
  const { token, tokenHash } = newInvitationToken();
  const expiresAt = newExpiry();
  const link = invitationLink(token);
  const send = async (invitationId: string) => {
    // Without email configured nothing is queued (so nothing surprising goes out once a key is added later).
    if (emailOn) await enqueueEmail(tx, { to: email, invitationId, email: invitationEmail(inviter, target, name, role, message, link, expiresAt) });
  };
  const [created] = await tx
    .insert(invitations)
    .values({ ...targetColumns(target), email, role, message, tokenHash, expiresAt, accessUntil, invitedBy: inviter.id })
    .onConflictDoNothing({
      target: target.kind === 'dataset' ? [invitations.datasetId, invitations.email] : [invitations.teamId, invitations.email],
      where: sql`status = 'pending'`,
    })
    .returning({ id: invitations.id });
  if (created) {
    await logActivity(tx, inviter.id, targetColumns(target), 'invitation.sent', { email, role });
    await send(created.id);
    return { recipient: email, status: 'invited', link: emailOn ? undefined : link };
  }
  const [existing] = await tx
    .select({ id: invitations.id, role: invitations.role, recent: sentRecently })
    .from(invitations)
    .where(and(targetWhere(target), eq(invitations.email, email), eq(invitations.status, 'pending')))
    .for('update');
  // Not one the re-inviter could have created (e.g. an owner-level team invitation, re-invited by an admin), or
  // sent moments ago (a double submit, a retry after a crash): leave it — its link keeps working.
  if (!existing || !roles.includes(existing.role) || existing.recent) return { recipient: email, status: 'already invited' };
  await tx
    .update(invitations)
    .set({ tokenHash, expiresAt, role, message, accessUntil, invitedBy: inviter.id, updatedAt: new Date() })
    .where(eq(invitations.id, existing.id));
  await logActivity(tx, inviter.id, targetColumns(target), 'invitation.resent', { email, role });
  await send(existing.id);
  return { recipient: email, status: 'already invited (invitation re-sent)', link: emailOn ? undefined : link };
}
