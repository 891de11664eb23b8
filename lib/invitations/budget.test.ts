/**
 * Issue 9, findings 3 and 5, and reliability item 4: every email an action causes spends
 * the inviter's hourly budget, reserved atomically; one email per recipient per cooldown; a re-invite
 * only refreshes an invitation the re-inviter could have created, and within the cooldown changes nothing;
 * a resubmitted share form returns its first result.
 */
import crypto from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox, invitations, rateEvents, shareRequests, teamMembers } from '@/db/schema';
import { recordRateEvent } from '@/lib/rate-limit';
import { shareDataset } from '@/lib/sharing';
import { createTeam, inviteToTeam } from '@/lib/teams';
import { makeDataset, makeUser, uniqueEmail } from '@/lib/testing/factories';
import { manageInvitation, viewInvitation } from './index';

const saved = process.env.RESEND_API_KEY;
beforeEach(() => {
  process.env.RESEND_API_KEY = 're_test'; // emails are queued in the outbox (no worker runs in tests), so they can be counted
});
afterEach(() => {
  if (saved === undefined) delete process.env.RESEND_API_KEY;
  else process.env.RESEND_API_KEY = saved;
});

async function emailsTo(to: string) {
  const db = await getDb();
  return (await db.select({ id: emailOutbox.id }).from(emailOutbox).where(eq(emailOutbox.to, to))).length;
}

async function pendingRow(email: string) {
  const db = await getDb();
  const [row] = await db.select().from(invitations).where(and(eq(invitations.email, email), eq(invitations.status, 'pending')));
  return row;
}

/** Lets the resend cooldown pass for one invitation. */
async function sixMinutesLater(invitationId: string) {
  const db = await getDb();
  await db.update(invitations).set({ updatedAt: sql`now() - interval '6 minutes'` }).where(eq(invitations.id, invitationId));
}

async function budgetUsed(userId: string) {
  const db = await getDb();
  const rows = await db.select({ id: rateEvents.id }).from(rateEvents).where(and(eq(rateEvents.key, `invite:${userId}`), gt(rateEvents.createdAt, new Date(Date.now() - 3_600_000))));
  return rows.length;
}

describe('the hourly invitation budget (finding 3)', () => {
  it('attack: 60 resends in a row deliver one email; the resends are refused during the cooldown', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const to = uniqueEmail('flooded');
    await shareDataset(owner, ds.id, { recipients: to, role: 'viewer', message: '' });
    const { id } = await pendingRow(to);
    const outcomes = await Promise.allSettled(Array.from({ length: 60 }, () => manageInvitation(owner, id, 'resend')));
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'RATE_LIMITED')).toBe(true);
    expect(await emailsTo(to)).toBe(1);
  });

  it('a resend after the cooldown sends one email and spends the budget; past the budget it is refused', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const to = uniqueEmail('resent');
    await shareDataset(owner, ds.id, { recipients: to, role: 'viewer', message: '' });
    const { id } = await pendingRow(to);
    await sixMinutesLater(id);
    await manageInvitation(owner, id, 'resend');
    expect(await emailsTo(to)).toBe(2);
    expect(await budgetUsed(owner.id)).toBe(2);
    await expect(manageInvitation(owner, id, 'resend')).rejects.toMatchObject({ code: 'RATE_LIMITED' }); // within the cooldown again
    await sixMinutesLater(id);
    await recordRateEvent(`invite:${owner.id}`, 198);
    await expect(manageInvitation(owner, id, 'resend')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await emailsTo(to)).toBe(2);
  });

  it('attack: parallel bulk shares cannot together overspend the budget', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await recordRateEvent(`invite:${owner.id}`, 150); // 50 left: room for two batches of 20
    const batch = () => Array.from({ length: 20 }, () => uniqueEmail('bulk')).join(' ');
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => shareDataset(owner, ds.id, { recipients: batch(), role: 'viewer', message: '' })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'RATE_LIMITED' });
    const db = await getDb();
    const created = await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.datasetId, ds.id));
    expect(created).toHaveLength(40);
    expect(await budgetUsed(owner.id)).toBe(190);
  });

  it('team invitations spend the same budget; recipients that cause no email give theirs back', async () => {
    const owner = await makeUser('Owner');
    const { id: teamId } = await createTeam(owner.id, `Budget ${crypto.randomUUID().slice(0, 8)}`);
    await recordRateEvent(`invite:${owner.id}`, 199);
    await expect(inviteToTeam(owner, teamId, `${uniqueEmail('t')} ${uniqueEmail('t')}`, 'member')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    const member = await makeUser('Member');
    const db = await getDb();
    await db.insert(teamMembers).values({ teamId, userId: member.id, role: 'member' });
    const results = await inviteToTeam(owner, teamId, `${member.email} ${owner.email}`, 'member');
    expect(results.map((r) => r.status)).toEqual(['already has access', "that's you"]);
    expect(await budgetUsed(owner.id)).toBe(199);
  });
});

describe('re-inviting a pending address', () => {
  it('attack (finding 5): a team admin cannot downgrade an owner-level pending team invitation by re-inviting it as member', async () => {
    const owner = await makeUser('Owner');
    const admin = await makeUser('Admin');
    const { id: teamId } = await createTeam(owner.id, `Owners ${crypto.randomUUID().slice(0, 8)}`);
    const db = await getDb();
    await db.insert(teamMembers).values({ teamId, userId: admin.id, role: 'admin' });
    const to = uniqueEmail('future-owner');
    await inviteToTeam(owner, teamId, to, 'owner');
    const before = await pendingRow(to);
    await sixMinutesLater(before.id); // not the cooldown: the role rule refuses it
    const [r] = await inviteToTeam(admin, teamId, to, 'member');
    expect(r.status).toBe('already invited');
    const after = await pendingRow(to);
    expect(after).toMatchObject({ id: before.id, role: 'owner', tokenHash: before.tokenHash, invitedBy: owner.id });
    expect(await emailsTo(to)).toBe(1);
    // The same change through the manage action is refused too.
    await expect(manageInvitation(admin, before.id, 'resend')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('within the cooldown a re-invite keeps the first link and sends nothing (a resubmitted share after a crash)', async () => {
    delete process.env.RESEND_API_KEY; // links come back, so the first one can be checked
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const to = uniqueEmail('twice');
    const [first] = await shareDataset(owner, ds.id, { recipients: to, role: 'viewer', message: '' });
    const [again] = await shareDataset(owner, ds.id, { recipients: to, role: 'viewer', message: '' });
    expect(again).toEqual({ recipient: to, status: 'already invited' });
    expect((await viewInvitation(first.link!.split('/invite/')[1])).state).toBe('pending');
    expect(await budgetUsed(owner.id)).toBe(1);
  });

  it('after the cooldown a re-invite by someone who may offer the role sends a new link and spends the budget', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const to = uniqueEmail('later');
    await shareDataset(owner, ds.id, { recipients: to, role: 'viewer', message: '' });
    const before = await pendingRow(to);
    await sixMinutesLater(before.id);
    const [r] = await shareDataset(owner, ds.id, { recipients: to, role: 'editor', message: '' });
    expect(r.status).toBe('already invited (invitation re-sent)');
    const after = await pendingRow(to);
    expect(after.role).toBe('editor');
    expect(after.tokenHash).not.toBe(before.tokenHash);
    expect(await emailsTo(to)).toBe(2);
    expect(await budgetUsed(owner.id)).toBe(2);
  });
});

describe('a resubmitted share form (reliability item 4)', () => {
  it('the same form sent twice returns the first result, and shares, mails and spends once', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const to = [uniqueEmail('r1'), uniqueEmail('r2')];
    const form = { recipients: to.join(' '), role: 'viewer' as const, message: '', requestId: crypto.randomUUID() };
    const first = await shareDataset(owner, ds.id, form);
    const second = await shareDataset(owner, ds.id, form);
    expect(first.map((r) => r.status)).toEqual(['invited', 'invited']);
    expect(second).toEqual(first);
    for (const t of to) expect(await emailsTo(t)).toBe(1);
    expect(await budgetUsed(owner.id)).toBe(2);
  });

  it('attack: resubmitting after a crash part-way keeps the committed invitations’ first links and mails nobody twice', async () => {
    delete process.env.RESEND_API_KEY; // links come back, so the first ones can be checked
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const to = Array.from({ length: 5 }, () => uniqueEmail('crash'));
    const requestId = crypto.randomUUID();
    // The first submission claimed its id, committed three invitations, then the process died.
    const db = await getDb();
    await db.insert(shareRequests).values({ userId: owner.id, requestId, datasetId: ds.id });
    const committed = await shareDataset(owner, ds.id, { recipients: to.slice(0, 3).join(' '), role: 'viewer', message: '' });
    const again = await shareDataset(owner, ds.id, { recipients: to.join(' '), role: 'viewer', message: '', requestId });
    expect(again.map((r) => r.status)).toEqual(['already invited', 'already invited', 'already invited', 'invited', 'invited']);
    for (const c of committed) expect((await viewInvitation(c.link!.split('/invite/')[1])).state).toBe('pending');
    expect(await budgetUsed(owner.id)).toBe(5);
  });

  it('a request id is the user’s own and one dataset’s', async () => {
    const owner = await makeUser('Owner');
    const other = await makeUser('Other');
    const ds = await makeDataset(owner.id);
    const ds2 = await makeDataset(owner.id);
    const theirs = await makeDataset(other.id);
    const requestId = crypto.randomUUID();
    const mine = await shareDataset(owner, ds.id, { recipients: uniqueEmail('a'), role: 'viewer', message: '', requestId });
    const b = uniqueEmail('b');
    expect(await shareDataset(other, theirs.id, { recipients: b, role: 'viewer', message: '', requestId })).toEqual([{ recipient: b, status: 'invited' }]);
    expect(mine[0].status).toBe('invited');
    await expect(shareDataset(owner, ds2.id, { recipients: uniqueEmail('c'), role: 'viewer', message: '', requestId })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
