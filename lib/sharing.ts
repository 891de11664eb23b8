import 'server-only';
import { and, eq, lt } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { datasetGrants, shareRequests } from '@/db/schema';
import { authorizeDataset, grantableRoles, type GrantRole } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { AppError } from '@/lib/errors';
import { inviteEmails, type RecipientResult } from '@/lib/invitations';
import { findTeamForSharer } from '@/lib/teams';
import type { SessionUser } from '@/lib/users';
import { emailField } from '@/lib/validation/common';
import { MAX_RECIPIENTS, splitRecipients } from '@/lib/validation/sharing';

/**
 * Claims a share form's request id for the user. A resubmission of a form whose first submission
 * finished gets that first result back; one that never finished (crashed, failed, still running) goes
 * ahead — re-inviting within the resend cooldown leaves earlier invitations and their links alone.
 */
async function claimShareRequest(db: Db, userId: string, requestId: string, datasetId: string): Promise<RecipientResult[] | null> {
  await db.delete(shareRequests).where(and(eq(shareRequests.userId, userId), lt(shareRequests.createdAt, new Date(Date.now() - 86_400_000))));
  const claimed = await db.insert(shareRequests).values({ userId, requestId, datasetId }).onConflictDoNothing().returning({ requestId: shareRequests.requestId });
  if (claimed.length > 0) return null;
  const [row] = await db
    .select({ datasetId: shareRequests.datasetId, result: shareRequests.result })
    .from(shareRequests)
    .where(and(eq(shareRequests.userId, userId), eq(shareRequests.requestId, requestId)));
  if (row && row.datasetId !== datasetId) throw new AppError('CONFLICT', 'This form was already sent for another dataset. Reload the page and try again.');
  return (row?.result as RecipientResult[] | null) ?? null;
}

/**
 * The share panel: each recipient is an email (→ invitation) or the name of a team the sharer is in
 * (→ team grant at once). One result per recipient; never all-or-nothing, except the hourly limit.
 * With a `requestId` (the form's idempotency key), resubmitting the same form returns the first result.
 */
export async function shareDataset(
  user: SessionUser,
  datasetId: string,
  input: { recipients: string; role: GrantRole; message: string; requestId?: string },
): Promise<RecipientResult[]> {
  const db = await getDb();
  const { role } = await authorizeDataset(db, user.id, datasetId, 'access.manage');
  if (!grantableRoles(role).includes(input.role)) throw new AppError('FORBIDDEN', 'You cannot give that role.', 'role');
  if (input.requestId) {
    const earlier = await claimShareRequest(db, user.id, input.requestId, datasetId);
    if (earlier) return earlier;
  }
  const recipients = splitRecipients(input.recipients);
  if (recipients.length === 0) throw new AppError('INVALID', 'Enter at least one email address or team name.', 'recipients');
  if (recipients.length > MAX_RECIPIENTS) throw new AppError('INVALID', `At most ${MAX_RECIPIENTS} recipients at a time.`, 'recipients');

  const results = new Map<string, RecipientResult>();
  const emails: string[] = [];
  const teamNames: string[] = [];
  for (const r of recipients) {
    if (r.includes('@')) {
      const parsed = emailField.safeParse(r);
      if (parsed.success) emails.push(parsed.data);
      else results.set(r, { recipient: r, status: 'not a valid email' });
    } else teamNames.push(r);
  }
  // Emails first: they reserve the hourly budget, and past it nothing at all is done.
  for (const res of await inviteEmails(user, { kind: 'dataset', id: datasetId }, emails, input.role, input.message)) results.set(res.recipient, res);
  for (const name of teamNames) results.set(name, await shareWithTeam(user.id, datasetId, name, input.role));
  const out = recipients.map((r): RecipientResult => results.get(r) ?? { recipient: r, status: 'not a valid email' });
  if (input.requestId) {
    // Links carry tokens, which are only ever stored hashed: a replayed result has none.
    const stored = out.map((r) => ({ recipient: r.recipient, status: r.status }));
    await db.update(shareRequests).set({ result: stored }).where(and(eq(shareRequests.userId, user.id), eq(shareRequests.requestId, input.requestId)));
  }
  return out;
}

async function shareWithTeam(userId: string, datasetId: string, name: string, role: GrantRole): Promise<RecipientResult> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const { dataset } = await authorizeDataset(tx, userId, datasetId, 'access.manage');
    const team = await findTeamForSharer(tx, userId, name);
    if (!team) return { recipient: name, status: 'no such team' };
    if (team === 'ambiguous') return { recipient: name, status: 'several of your teams have this name' };
    const inserted = await tx
      .insert(datasetGrants)
      .values({ datasetId, teamId: team.id, role, grantedBy: userId })
      .onConflictDoNothing({ target: [datasetGrants.datasetId, datasetGrants.teamId] })
      .returning({ id: datasetGrants.id });
    if (inserted.length === 0) return { recipient: team.name, status: 'already has access' };
    await logActivity(tx, userId, { datasetId }, 'grant.created', { team: team.name, role });
    await logActivity(tx, userId, { teamId: team.id }, 'team.dataset_shared', { dataset: dataset.name, role });
    return { recipient: team.name, status: 'shared with team' };
  });
}
