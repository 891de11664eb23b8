import 'server-only';
import { alias } from 'drizzle-orm/pg-core';
import { and, asc, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { datasetGrants, datasets, shareRequests, teamMembers, teams, users } from '@/db/schema';
import { authorizeDataset, grantableRoles, type GrantRole } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { AppError } from '@/lib/errors';
import { inviteEmails, type RecipientResult } from '@/lib/invitations';
import { kickEmailWorker } from '@/lib/email';
import { notifyTeamShare } from '@/lib/sharing-notices';
import { findTeamForSharer } from '@/lib/teams';
import type { SessionUser } from '@/lib/users';
import { emailField } from '@/lib/validation/common';
import { endOfDayUtc, looksLikeEmail, MAX_RECIPIENTS, splitRecipients } from '@/lib/validation/sharing';

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
  input: { recipients: string; role: GrantRole; message: string; accessUntil?: string; requestId?: string },
): Promise<RecipientResult[]> {
  const db = await getDb();
  const { role } = await authorizeDataset(db, user.id, datasetId, 'access.manage');
  if (!grantableRoles(role).includes(input.role)) throw new AppError('FORBIDDEN', 'You cannot give that role.', 'role');
  if (input.requestId) {
    const earlier = await claimShareRequest(db, user.id, input.requestId, datasetId);
    if (earlier) return earlier;
  }
  const accessUntil = input.accessUntil ? endOfDayUtc(input.accessUntil) : null;
  if (accessUntil && accessUntil.getTime() <= Date.now()) throw new AppError('INVALID', 'Choose a date in the future.', 'accessUntil');
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
  for (const res of await inviteEmails(user, { kind: 'dataset', id: datasetId }, emails, input.role, input.message, { accessUntil })) results.set(res.recipient, res);
  for (const name of teamNames) results.set(name, await shareWithTeam(user, datasetId, name, input.role, accessUntil));
  const out = recipients.map((r): RecipientResult => results.get(r) ?? { recipient: r, status: 'not a valid email' });
  if (input.requestId) {
    // Links carry tokens, which are only ever stored hashed: a replayed result has none.
    const stored = out.map((r) => ({ recipient: r.recipient, status: r.status }));
    await db.update(shareRequests).set({ result: stored }).where(and(eq(shareRequests.userId, user.id), eq(shareRequests.requestId, input.requestId)));
  }
  return out;
}

async function shareWithTeam(user: SessionUser, datasetId: string, name: string, role: GrantRole, expiresAt: Date | null): Promise<RecipientResult> {
  const userId = user.id;
  const db = await getDb();
  const out = await db.transaction(async (tx): Promise<RecipientResult & { told?: number }> => {
    const { dataset } = await authorizeDataset(tx, userId, datasetId, 'access.manage');
    const team = await findTeamForSharer(tx, userId, name);
    // Not a team: an address missing its "@" is told so, anything else that it is neither.
    if (!team) return { recipient: name, status: looksLikeEmail(name) ? 'not a valid email' : 'not an email address or one of your teams' };
    if (team === 'ambiguous') return { recipient: name, status: 'several of your teams have this name' };
    const inserted = await tx
      .insert(datasetGrants)
      .values({ datasetId, teamId: team.id, role, grantedBy: userId, expiresAt })
      .onConflictDoNothing({ target: [datasetGrants.datasetId, datasetGrants.teamId] })
      .returning({ id: datasetGrants.id });
    if (inserted.length === 0) return { recipient: team.name, status: 'already has access' };
    await logActivity(tx, userId, { datasetId }, 'grant.created', { team: team.name, role });
    await logActivity(tx, userId, { teamId: team.id }, 'team.dataset_shared', { dataset: dataset.name, role });
    const told = await notifyTeamShare(tx, user, team.id, { id: datasetId, name: dataset.name }, role);
    return { recipient: team.name, status: 'shared with team', told };
  });
  if (out.told) kickEmailWorker();
  return { recipient: out.recipient, status: out.status };
}

export type ShareSuggestions = { teams: string[]; people: { email: string; name: string }[] };

const myMembership = alias(teamMembers, 'my_membership');

/**
 * What the share dialog suggests as one types: the user's teams (by name), people they already share
 * their own datasets with, and the members of their teams — nobody they could not already see.
 */
export async function listShareSuggestions(userId: string, limit = 500): Promise<ShareSuggestions> {
  return { teams: await listMyTeamNames(userId), people: await listSharePeople(userId, limit) };
}

/** The names of the user's teams (the share dialog reads a recipient without "@" as one of them). */
export async function listMyTeamNames(userId: string): Promise<string[]> {
  const db = await getDb();
  const teamRows = await db
    .select({ name: teams.name })
    .from(teams)
    .innerJoin(teamMembers, and(eq(teamMembers.teamId, teams.id), eq(teamMembers.userId, userId)))
    .orderBy(asc(teams.name));
  return [...new Set(teamRows.map((t) => t.name))];
}

/**
 * The people part of the suggestions, for the share dialog of a dataset the user may share (asked
 * when the dialog opens, so no page render pays for up to `limit` names).
 */
export async function sharePeopleFor(userId: string, datasetId: string, limit = 500): Promise<ShareSuggestions['people']> {
  await authorizeDataset(await getDb(), userId, datasetId, 'access.manage');
  return listSharePeople(userId, limit);
}

async function listSharePeople(userId: string, limit: number): Promise<ShareSuggestions['people']> {
  const db = await getDb();
  const sharedWith = await db
    .selectDistinct({ email: users.email, name: users.name })
    .from(datasetGrants)
    .innerJoin(datasets, and(eq(datasets.id, datasetGrants.datasetId), eq(datasets.ownerId, userId)))
    .innerJoin(users, eq(users.id, datasetGrants.userId))
    .where(ne(users.id, userId))
    .limit(limit);
  const teammates = await db
    .selectDistinct({ email: users.email, name: users.name })
    .from(teamMembers)
    .innerJoin(myMembership, and(eq(myMembership.teamId, teamMembers.teamId), eq(myMembership.userId, userId)))
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(ne(users.id, userId))
    .limit(limit);
  const people = new Map<string, { email: string; name: string }>();
  for (const p of [...sharedWith, ...teammates]) people.set(p.email, p);
  return [...people.values()].sort((a, b) => a.email.localeCompare(b.email)).slice(0, limit);
}

const RANK: Record<string, number> = { viewer: 1, editor: 2, manager: 3, owner: 4 };

/**
 * Where a user's role on each dataset comes from: the team whose grant gives it, when no direct grant
 * gives as much (then the page says "Your role: Editor (via team vision)" and the inventory "Shared
 * via vision"). Datasets the user owns, or holds directly at their effective role, are absent.
 * The inventory reads the same from its one statement (lib/access.ts inventoryPage); tests hold the two equal.
 */
export async function teamRoleSources(userId: string, datasetIds: string[], conn?: Db | Tx): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (datasetIds.length === 0) return out;
  const db = conn ?? (await getDb());
  const active = or(isNull(datasetGrants.expiresAt), gt(datasetGrants.expiresAt, sql`now()`));
  const direct = await db
    .select({ datasetId: datasetGrants.datasetId, role: datasetGrants.role })
    .from(datasetGrants)
    .where(and(eq(datasetGrants.userId, userId), inArray(datasetGrants.datasetId, datasetIds), active));
  const viaTeams = await db
    .select({ datasetId: datasetGrants.datasetId, role: datasetGrants.role, team: teams.name, ownerId: datasets.ownerId })
    .from(teamMembers)
    .innerJoin(datasetGrants, eq(datasetGrants.teamId, teamMembers.teamId))
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .innerJoin(datasets, eq(datasets.id, datasetGrants.datasetId))
    .where(and(eq(teamMembers.userId, userId), inArray(datasetGrants.datasetId, datasetIds), active))
    .orderBy(asc(teams.name));
  const directRank = new Map(direct.map((d) => [d.datasetId, RANK[d.role] ?? 0]));
  const best = new Map<string, { rank: number; team: string }>();
  for (const t of viaTeams) {
    if (t.ownerId === userId) continue;
    const rank = RANK[t.role] ?? 0;
    if ((best.get(t.datasetId)?.rank ?? 0) < rank) best.set(t.datasetId, { rank, team: t.team });
  }
  for (const [id, b] of best) if (b.rank > (directRank.get(id) ?? 0)) out.set(id, b.team);
  return out;
}
