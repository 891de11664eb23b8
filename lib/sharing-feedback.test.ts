import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, datasetGrants, invitations, teamMembers } from '@/db/schema';
import { getDatasetAccess } from '@/lib/access';
import { changeGrantRole, removeGrant, restoreGrant } from '@/lib/grants';
import { acceptInvitation, manageInvitation, unrevokeInvitation, viewInvitation } from '@/lib/invitations';
import { listShareSuggestions, shareDataset, sharePeopleFor, teamRoleSources } from '@/lib/sharing';
import { createTeam } from '@/lib/teams';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { classifyRecipient, looksLikeEmail } from '@/lib/validation/sharing';

// Opening a fresh PGlite (migrations included) can take longer than one test's budget on a busy machine.
beforeAll(async () => {
  await getDb();
});

beforeEach(() => {
  delete process.env.RESEND_API_KEY; // links come back to the inviter
});

const tokenOf = (link?: string) => link!.split('/invite/')[1];

async function grantRow(datasetId: string, userId: string) {
  const db = await getDb();
  const [row] = await db.select().from(datasetGrants).where(and(eq(datasetGrants.datasetId, datasetId), eq(datasetGrants.userId, userId)));
  return row;
}

async function backdate(eventId: string, seconds: number) {
  const db = await getDb();
  await db.update(activityEvents).set({ createdAt: sql`now() - make_interval(secs => ${seconds})` }).where(eq(activityEvents.id, eventId));
}

describe('undo removing access', () => {
  it('puts back the very same grant: id, role, expiry and who granted it; once only', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const bea = await makeUser('Bea');
    await grantAccess(ds.id, bea.id, 'editor', new Date(Date.now() + 5 * 86_400_000));
    const before = await grantRow(ds.id, bea.id);
    const { undoId, label } = await removeGrant(owner.id, ds.id, before.id);
    expect(label).toBe(bea.email);
    const db = await getDb();
    await expect(getDatasetAccess(db, bea.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await restoreGrant(owner.id, ds.id, undoId);
    expect(await grantRow(ds.id, bea.id)).toEqual(before);
    expect((await getDatasetAccess(db, bea.id, ds.id)).role).toBe('editor');
    // A second undo of the same removal does nothing more.
    await removeGrant(owner.id, ds.id, before.id);
    await expect(restoreGrant(owner.id, ds.id, undoId)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('attack: only the person who removed it, only within the minute, and only with authority still held', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const mgr = await makeUser('Manager');
    await grantAccess(ds.id, mgr.id, 'manager');
    const bea = await makeUser('Bea');
    const grantId = await grantAccess(ds.id, bea.id, 'viewer');
    const { undoId } = await removeGrant(mgr.id, ds.id, grantId);
    // Someone else (even the owner) cannot replay it; a stranger gets NOT_FOUND for the dataset.
    await expect(restoreGrant(owner.id, ds.id, undoId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const stranger = await makeUser('Stranger');
    await expect(restoreGrant(stranger.id, ds.id, undoId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // An undo id from another dataset names nothing here.
    const other = await makeDataset(mgr.id);
    await expect(restoreGrant(mgr.id, other.id, undoId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The remover lost their manager role meanwhile: no undo.
    const mgrGrant = await grantRow(ds.id, mgr.id);
    await changeGrantRole(owner.id, ds.id, mgrGrant.id, 'viewer');
    await expect(restoreGrant(mgr.id, ds.id, undoId)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await changeGrantRole(owner.id, ds.id, mgrGrant.id, 'manager');
    // Too late.
    await backdate(undoId, 120);
    await expect(restoreGrant(mgr.id, ds.id, undoId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await grantRow(ds.id, bea.id)).toBeUndefined();
  });

  it('a manager may undo removing another manager (up to their own role)', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const mgr = await makeUser('Manager');
    await grantAccess(ds.id, mgr.id, 'manager');
    const bea = await makeUser('Bea');
    const grantId = await grantAccess(ds.id, bea.id, 'manager');
    const { undoId } = await removeGrant(mgr.id, ds.id, grantId);
    expect((await restoreGrant(mgr.id, ds.id, undoId)).label).toBe(bea.email);
    expect((await grantRow(ds.id, bea.id)).role).toBe('manager');
  });

  it('refuses when the person was given access again meanwhile', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const bea = await makeUser('Bea');
    const grantId = await grantAccess(ds.id, bea.id, 'viewer');
    const { undoId } = await removeGrant(owner.id, ds.id, grantId);
    await grantAccess(ds.id, bea.id, 'editor');
    await expect(restoreGrant(owner.id, ds.id, undoId)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await grantRow(ds.id, bea.id)).role).toBe('editor');
  });
});

describe('undo revoking an invitation', () => {
  it('makes the same link work again, for the revoker only, within the minute', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const email = `cy-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const [r] = await shareDataset(owner, ds.id, { recipients: email, role: 'viewer', message: '' });
    const db = await getDb();
    const [inv] = await db.select().from(invitations).where(eq(invitations.email, email));
    const { undoId } = await manageInvitation(owner, inv.id, 'revoke');
    expect((await viewInvitation(tokenOf(r.link))).state).toBe('revoked');
    const stranger = await makeUser('Stranger');
    await expect(unrevokeInvitation(stranger, undoId!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await unrevokeInvitation(owner, undoId!);
    const [after] = await db.select().from(invitations).where(eq(invitations.id, inv.id));
    expect(after).toMatchObject({ status: 'pending', tokenHash: inv.tokenHash, expiresAt: inv.expiresAt });
    expect((await viewInvitation(tokenOf(r.link))).state).toBe('pending');
    // Undo again: it is not revoked any more.
    await expect(unrevokeInvitation(owner, undoId!)).rejects.toMatchObject({ code: 'CONFLICT' });
    const again = await manageInvitation(owner, inv.id, 'revoke');
    await backdate(again.undoId!, 120);
    await expect(unrevokeInvitation(owner, again.undoId!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses when a newer invitation to the address was sent meanwhile', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const email = `dee-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await shareDataset(owner, ds.id, { recipients: email, role: 'viewer', message: '' });
    const db = await getDb();
    const [inv] = await db.select().from(invitations).where(eq(invitations.email, email));
    const { undoId } = await manageInvitation(owner, inv.id, 'revoke');
    await shareDataset(owner, ds.id, { recipients: email, role: 'editor', message: '' });
    await expect(unrevokeInvitation(owner, undoId!)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('extend returns the new expiry', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const email = `eve-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await shareDataset(owner, ds.id, { recipients: email, role: 'viewer', message: '' });
    const db = await getDb();
    const [inv] = await db.select().from(invitations).where(eq(invitations.email, email));
    const out = await manageInvitation(owner, inv.id, 'extend');
    const [after] = await db.select().from(invitations).where(eq(invitations.id, inv.id));
    expect(out.expiresAt?.getTime()).toBe(after.expiresAt.getTime());
    expect(after.expiresAt.getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);
  });
});

describe('share dialog', () => {
  it('an address missing its @ is "not a valid email"; another word is "not an email address or one of your teams"', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const results = await shareDataset(owner, ds.id, { recipients: 'ada.example.org\nresearch folks', role: 'viewer', message: '' });
    expect(results.map((r) => r.status)).toEqual(['not a valid email', 'not an email address or one of your teams']);
  });

  it('Access until reaches the grant: on a team share at once, on an invitation when it is accepted', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const name = `vision-${crypto.randomUUID().slice(0, 6)}`;
    const team = await createTeam(owner.id, name);
    const db = await getDb();
    const invitee = await makeUser('Invitee', { verified: true });
    const results = await shareDataset(owner, ds.id, { recipients: `${invitee.email}\n${name}`, role: 'editor', message: '', accessUntil: '2099-01-31' });
    expect(results.map((r) => r.status)).toEqual(['invited', 'shared with team']);
    const [teamGrant] = await db.select().from(datasetGrants).where(eq(datasetGrants.teamId, team.id));
    expect(teamGrant.expiresAt?.toISOString()).toBe('2099-01-31T23:59:59.999Z');
    await acceptInvitation(invitee, { token: tokenOf(results[0].link) });
    expect((await grantRow(ds.id, invitee.id)).expiresAt?.toISOString()).toBe('2099-01-31T23:59:59.999Z');
    await expect(shareDataset(owner, ds.id, { recipients: invitee.email, role: 'viewer', message: '', accessUntil: '2000-01-01' })).rejects.toMatchObject({ code: 'INVALID', field: 'accessUntil' });
  });

  it('suggests your teams, people you share with and your teammates — not strangers', async () => {
    const ada = await makeUser('Ada');
    const ds = await makeDataset(ada.id);
    const shared = await makeUser('Shared');
    await grantAccess(ds.id, shared.id, 'viewer');
    const team = await createTeam(ada.id, `lab-${crypto.randomUUID().slice(0, 6)}`);
    const mate = await makeUser('Mate');
    const db = await getDb();
    await db.insert(teamMembers).values({ teamId: team.id, userId: mate.id, role: 'member' });
    const stranger = await makeUser('Stranger');
    const other = await makeDataset(stranger.id);
    const strangersFriend = await makeUser('Friend');
    await grantAccess(other.id, strangersFriend.id, 'viewer');
    const s = await listShareSuggestions(ada.id);
    const emails = s.people.map((p) => p.email);
    expect(emails).toEqual(expect.arrayContaining([shared.email, mate.email]));
    expect(emails).not.toContain(ada.email);
    expect(emails).not.toContain(stranger.email);
    expect(emails).not.toContain(strangersFriend.email);
    expect(s.teams).toHaveLength(1);
    // The dialog asks for the people when it opens: only for a dataset the asker may share.
    expect((await sharePeopleFor(ada.id, ds.id)).map((p) => p.email)).toEqual(emails);
    await expect(sharePeopleFor(shared.id, ds.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(sharePeopleFor(stranger.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('classifies chips as the server would', () => {
    expect(classifyRecipient('ada@example.org', [])).toEqual({ kind: 'email' });
    expect(classifyRecipient('ada@', [])).toMatchObject({ kind: 'invalid', problem: 'not a valid email' });
    expect(classifyRecipient('Vision', ['vision'])).toEqual({ kind: 'team' });
    expect(classifyRecipient('ada.example.org', [])).toMatchObject({ kind: 'invalid', problem: 'not a valid email (no @)' });
    expect(classifyRecipient('vison', ['vision'])).toMatchObject({ kind: 'invalid', problem: 'not an email address or one of your teams' });
    expect(looksLikeEmail('research team')).toBe(false);
  });
});

describe('where access comes from', () => {
  it('names the team when it gives more than any direct grant', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const plain = await makeDataset(owner.id);
    const bea = await makeUser('Bea');
    const team = await createTeam(owner.id, `vision-${crypto.randomUUID().slice(0, 6)}`);
    const db = await getDb();
    await db.insert(teamMembers).values({ teamId: team.id, userId: bea.id, role: 'member' });
    await db.insert(datasetGrants).values([
      { datasetId: ds.id, teamId: team.id, role: 'editor' },
      { datasetId: plain.id, teamId: team.id, role: 'viewer' },
    ]);
    await grantAccess(plain.id, bea.id, 'viewer');
    const src = await teamRoleSources(bea.id, [ds.id, plain.id]);
    expect(src.get(ds.id)).toMatch(/^vision-/);
    expect(src.has(plain.id)).toBe(false); // her own grant gives as much
    expect((await teamRoleSources(owner.id, [ds.id])).size).toBe(0);
  });
});
