import 'server-only';
import { and, eq, gt, isNotNull, lt, notExists, sql } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { getDb, type Db, type Tx } from '@/db/client';
import { datasetGrants, datasets, invitations, notificationOptOuts, sharingNotices, teamMembers, teams, users } from '@/db/schema';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { formatDateTime } from '@/lib/format';

const HOUR = 3_600_000;
/** Invitees hear about an invitation this long before it expires. */
export const INVITATION_REMINDER_MS = 24 * HOUR;
/** Grantees hear this long before their "access until" ends. */
export const ACCESS_REMINDER_MS = 3 * 24 * HOUR;
/** Expired invitations older than this are not reported to the inviter (a server that was down for long). */
const EXPIRED_LOOKBACK_MS = 7 * 24 * HOUR;

export type OptionalNotice = 'team-shares';

/** Whether the user gets the optional email (on unless turned off on the Account page). */
export async function getNotificationSettings(userId: string): Promise<{ teamShares: boolean }> {
  const db = await getDb();
  const rows = await db.select({ kind: notificationOptOuts.kind }).from(notificationOptOuts).where(eq(notificationOptOuts.userId, userId));
  return { teamShares: !rows.some((r) => r.kind === 'team-shares') };
}

export async function setNotificationSetting(userId: string, kind: OptionalNotice, on: boolean): Promise<void> {
  const db = await getDb();
  if (on) await db.delete(notificationOptOuts).where(and(eq(notificationOptOuts.userId, userId), eq(notificationOptOuts.kind, kind)));
  else await db.insert(notificationOptOuts).values({ userId, kind }).onConflictDoNothing();
}

/** Whether a notice is still to send: the sweep's selects skip those claimed, so a sweep touches only new ones. */
const unclaimed = (db: Db, kind: string, subjectId: AnyPgColumn, dueAt: AnyPgColumn) =>
  notExists(db.select({ one: sql`1` }).from(sharingNotices).where(and(eq(sharingNotices.kind, kind), eq(sharingNotices.subjectId, subjectId), eq(sharingNotices.dueAt, dueAt))));

/** Claims a notice; false when it was sent already (so every notice goes once, across instances). */
async function claim(tx: Tx, kind: string, subjectId: string, dueAt: Date): Promise<boolean> {
  const rows = await tx.insert(sharingNotices).values({ kind, subjectId, dueAt }).onConflictDoNothing().returning({ kind: sharingNotices.kind });
  return rows.length > 0;
}

/**
 * Emails the members of a team (except whoever shared, and those who turned it off) that a dataset was
 * shared with it. Called in the transaction that made the team grant.
 */
export async function notifyTeamShare(tx: Tx, sharer: { id: string; name: string }, teamId: string, dataset: { id: string; name: string }, role: string): Promise<number> {
  if (!isEmailConfigured()) return 0;
  const [team] = await tx.select({ name: teams.name }).from(teams).where(eq(teams.id, teamId));
  const members = await tx
    .select({ email: users.email, name: users.name })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .leftJoin(notificationOptOuts, and(eq(notificationOptOuts.userId, teamMembers.userId), eq(notificationOptOuts.kind, 'team-shares')))
    .where(and(eq(teamMembers.teamId, teamId), sql`${teamMembers.userId} <> ${sharer.id}`, sql`${notificationOptOuts.userId} is null`));
  for (const m of members) {
    await enqueueEmail(tx, {
      to: m.email,
      email: {
        kind: 'notice',
        subject: `${sharer.name} shared “${dataset.name}” with ${team?.name ?? 'your team'}`,
        heading: `“${dataset.name}” was shared with ${team?.name ?? 'your team'}`,
        lines: [`Hi ${m.name},`, `${sharer.name} shared the dataset “${dataset.name}” with the team ${team?.name ?? ''} as ${role}. As a member you can open it now.`],
        action: 'Open the dataset',
        link: `/datasets/${dataset.id}`,
        footer: 'You get this because you belong to the team.',
        settings: true,
      },
    });
  }
  return members.length;
}

const inviter = alias(users, 'inviter');

/**
 * The periodic sweep (every few minutes, in each server process; `sharing_notices` makes each email go
 * once): invitees 24 h before an invitation expires, inviters when one expired unanswered, grantees 3
 * days before their access ends. Returns how many emails it queued.
 */
export async function sweepSharingNotices(now = new Date()): Promise<number> {
  if (!isEmailConfigured()) return 0;
  const db = await getDb();
  let queued = 0;
  const t = now.getTime();

  const expiring = await db
    .select({ id: invitations.id, email: invitations.email, expiresAt: invitations.expiresAt, datasetName: datasets.name, teamName: teams.name, inviterName: inviter.name })
    .from(invitations)
    .leftJoin(datasets, eq(datasets.id, invitations.datasetId))
    .leftJoin(teams, eq(teams.id, invitations.teamId))
    .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(and(eq(invitations.status, 'pending'), gt(invitations.expiresAt, now), lt(invitations.expiresAt, new Date(t + INVITATION_REMINDER_MS)), unclaimed(db, 'invitation-expiring', invitations.id, invitations.expiresAt)));
  for (const inv of expiring) {
    await db.transaction(async (tx) => {
      if (!(await claim(tx, 'invitation-expiring', inv.id, inv.expiresAt))) return;
      const what = inv.datasetName ? `the dataset “${inv.datasetName}”` : `the team “${inv.teamName}”`;
      await enqueueEmail(tx, {
        to: inv.email,
        email: {
          kind: 'notice',
          subject: `Your invitation to ${what} expires soon`,
          heading: 'Your invitation expires soon',
          lines: [`${inv.inviterName ?? 'Someone'} invited you to ${what}. The invitation expires ${formatDateTime(inv.expiresAt)}.`, 'Accept it from the link in the invitation email, or under Invitations once you are logged in.'],
          action: 'See your invitations',
          link: '/invitations',
          footer: 'You get this once, a day before an invitation to you expires.',
          settings: true,
        },
      });
      queued++;
    });
  }

  const expired = await db
    .select({ id: invitations.id, email: invitations.email, expiresAt: invitations.expiresAt, datasetId: invitations.datasetId, teamId: invitations.teamId, datasetName: datasets.name, teamName: teams.name, inviterEmail: inviter.email })
    .from(invitations)
    .leftJoin(datasets, eq(datasets.id, invitations.datasetId))
    .leftJoin(teams, eq(teams.id, invitations.teamId))
    .innerJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(and(eq(invitations.status, 'pending'), lt(invitations.expiresAt, now), gt(invitations.expiresAt, new Date(t - EXPIRED_LOOKBACK_MS)), unclaimed(db, 'invitation-expired', invitations.id, invitations.expiresAt)));
  for (const inv of expired) {
    await db.transaction(async (tx) => {
      if (!(await claim(tx, 'invitation-expired', inv.id, inv.expiresAt))) return;
      const what = inv.datasetName ? `“${inv.datasetName}”` : `the team “${inv.teamName}”`;
      await enqueueEmail(tx, {
        to: inv.inviterEmail,
        email: {
          kind: 'notice',
          subject: `Your invitation for ${inv.email} to ${what} expired`,
          heading: 'An invitation expired unanswered',
          lines: [`${inv.email} did not answer your invitation to ${what} before it expired (${formatDateTime(inv.expiresAt)}).`, 'Extend it to give them another 72 hours with the same link.'],
          action: 'Extend the invitation',
          link: inv.datasetId ? `/datasets/${inv.datasetId}#people` : `/teams/${inv.teamId}`,
          footer: 'You get this once for each invitation of yours that expires.',
          settings: true,
        },
      });
      queued++;
    });
  }

  const ending = await db
    .select({ id: datasetGrants.id, expiresAt: datasetGrants.expiresAt, email: users.email, name: users.name, datasetId: datasets.id, datasetName: datasets.name })
    .from(datasetGrants)
    .innerJoin(users, eq(users.id, datasetGrants.userId))
    .innerJoin(datasets, eq(datasets.id, datasetGrants.datasetId))
    .where(and(isNotNull(datasetGrants.expiresAt), gt(datasetGrants.expiresAt, now), lt(datasetGrants.expiresAt, new Date(t + ACCESS_REMINDER_MS)), unclaimed(db, 'access-ending', datasetGrants.id, datasetGrants.expiresAt)));
  for (const g of ending) {
    await db.transaction(async (tx) => {
      if (!(await claim(tx, 'access-ending', g.id, g.expiresAt!))) return;
      await enqueueEmail(tx, {
        to: g.email,
        email: {
          kind: 'notice',
          subject: `Your access to “${g.datasetName}” ends soon`,
          heading: 'Your access ends soon',
          lines: [`Hi ${g.name},`, `Your access to the dataset “${g.datasetName}” ends ${formatDateTime(g.expiresAt!)}. Ask a manager of the dataset if you need it longer.`],
          action: 'Open the dataset',
          link: `/datasets/${g.datasetId}`,
          footer: 'You get this once, three days before access given to you until a date ends.',
          settings: true,
        },
      });
      queued++;
    });
  }
  if (queued > 0) kickEmailWorker();
  return queued;
}
