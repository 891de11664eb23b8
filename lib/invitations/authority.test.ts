/**
 * Issue 9, findings 1 and 4: an accepted invitation never revives an expired grant's old role, and a
 * pending invitation never outlives its inviter's authority.
 */
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, datasetGrants, invitations, teamMembers } from '@/db/schema';
import { getDatasetAccess } from '@/lib/access';
import { changeGrantRole, removeGrant } from '@/lib/grants';
import { shareDataset } from '@/lib/sharing';
import { changeMemberRole, createTeam, deleteTeam, inviteToTeam, removeMember } from '@/lib/teams';
import { grantAccess, makeDataset, makeUser, uniqueEmail } from '@/lib/testing/factories';
import { acceptInvitation } from './index';

beforeEach(() => {
  delete process.env.RESEND_API_KEY; // links come back to the inviter
});

const tokenOf = (link?: string) => link!.split('/invite/')[1];

async function grantOf(datasetId: string, userId: string) {
  const db = await getDb();
  const [g] = await db.select().from(datasetGrants).where(and(eq(datasetGrants.datasetId, datasetId), eq(datasetGrants.userId, userId)));
  return g;
}

async function statusOf(where: { datasetId?: string; teamId?: string }, email: string) {
  const db = await getDb();
  const target = where.datasetId ? eq(invitations.datasetId, where.datasetId) : eq(invitations.teamId, where.teamId!);
  const [row] = await db.select({ status: invitations.status }).from(invitations).where(and(target, eq(invitations.email, email)));
  return row?.status;
}

describe('an expired grant counts for nothing when an invitation is accepted (finding 1)', () => {
  it('attack: an expired manager re-invited as viewer comes back as viewer, not as a manager without expiry', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const lapsed = await makeUser('Lapsed');
    await grantAccess(ds.id, lapsed.id, 'manager', new Date(Date.now() - 60_000));
    await expect(getDatasetAccess(await getDb(), lapsed.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const [r] = await shareDataset(owner, ds.id, { recipients: lapsed.email, role: 'viewer', message: '' });
    expect(r.status).toBe('invited');
    await acceptInvitation(lapsed, { token: tokenOf(r.link) });
    expect(await grantOf(ds.id, lapsed.id)).toMatchObject({ role: 'viewer', expiresAt: null });
    expect((await getDatasetAccess(await getDb(), lapsed.id, ds.id)).role).toBe('viewer');
  });

  it('an active higher grant (with its end date) is kept; an active lower one is raised to the invitation’s role', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const editor = await makeUser('Editor');
    const viewer = await makeUser('Viewer');
    const [toEditor] = await shareDataset(owner, ds.id, { recipients: editor.email, role: 'viewer', message: '' });
    const [toViewer] = await shareDataset(owner, ds.id, { recipients: viewer.email, role: 'editor', message: '' });
    const until = new Date(Date.now() + 86_400_000);
    // Access granted after the invitations were sent (e.g. through another path).
    await grantAccess(ds.id, editor.id, 'editor', until);
    await grantAccess(ds.id, viewer.id, 'viewer', until);
    await acceptInvitation(editor, { token: tokenOf(toEditor.link) });
    await acceptInvitation(viewer, { token: tokenOf(toViewer.link) });
    expect(await grantOf(ds.id, editor.id)).toMatchObject({ role: 'editor', expiresAt: until });
    expect(await grantOf(ds.id, viewer.id)).toMatchObject({ role: 'editor', expiresAt: null });
  });
});

describe('pending invitations do not outlive the inviter’s authority (finding 4)', () => {
  it('attack: a manager invites someone as manager, the owner removes the manager; the invitation is revoked and logged, accepting grants nothing', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const manager = await makeUser('Manager');
    const managerGrant = await grantAccess(ds.id, manager.id, 'manager');
    const invitee = await makeUser('Invitee');
    const [r] = await shareDataset(manager, ds.id, { recipients: invitee.email, role: 'manager', message: '' });

    await removeGrant(owner.id, ds.id, managerGrant);
    expect(await statusOf({ datasetId: ds.id }, invitee.email)).toBe('revoked');
    const db = await getDb();
    const log = await db.select({ action: activityEvents.action, detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.datasetId, ds.id));
    expect(log).toContainEqual({ action: 'invitation.revoked', detail: expect.objectContaining({ email: invitee.email, reason: expect.stringMatching(/inviter/) }) });

    await expect(acceptInvitation(invitee, { token: tokenOf(r.link) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getDatasetAccess(db, invitee.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('demoting a manager to editor revokes the invitations they sent; the owner’s stay', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const manager = await makeUser('Manager');
    const managerGrant = await grantAccess(ds.id, manager.id, 'manager');
    const byManager = uniqueEmail('bymanager');
    const byOwner = uniqueEmail('byowner');
    await shareDataset(manager, ds.id, { recipients: byManager, role: 'viewer', message: '' });
    await shareDataset(owner, ds.id, { recipients: byOwner, role: 'manager', message: '' });
    await changeGrantRole(owner.id, ds.id, managerGrant, 'editor');
    expect(await statusOf({ datasetId: ds.id }, byManager)).toBe('revoked');
    expect(await statusOf({ datasetId: ds.id }, byOwner)).toBe('pending');
  });

  it('attack: the inviter’s grant expires after inviting; accepting is refused and grants nothing', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const manager = await makeUser('Manager');
    const managerGrant = await grantAccess(ds.id, manager.id, 'manager');
    const invitee = await makeUser('Invitee');
    const [r] = await shareDataset(manager, ds.id, { recipients: invitee.email, role: 'manager', message: '' });
    const db = await getDb();
    await db.update(datasetGrants).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(datasetGrants.id, managerGrant));
    await expect(acceptInvitation(invitee, { token: tokenOf(r.link) })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(getDatasetAccess(db, invitee.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await statusOf({ datasetId: ds.id }, invitee.email)).toBe('pending');
  });

  it('attack: a team admin invites an admin, is demoted to member (or removed); their team invitations are revoked', async () => {
    const owner = await makeUser('Owner');
    const { id: teamId } = await createTeam(owner.id, `Team ${crypto.randomUUID().slice(0, 8)}`);
    const admin = await makeUser('Admin');
    const admin2 = await makeUser('Admin2');
    const db = await getDb();
    await db.insert(teamMembers).values([{ teamId, userId: admin.id, role: 'admin' }, { teamId, userId: admin2.id, role: 'admin' }]);
    const a = uniqueEmail('a');
    const b = uniqueEmail('b');
    await inviteToTeam(admin, teamId, a, 'admin');
    await inviteToTeam(admin2, teamId, b, 'member');
    await changeMemberRole(owner.id, teamId, admin.id, 'member');
    await removeMember(owner.id, teamId, admin2.id);
    expect(await statusOf({ teamId }, a)).toBe('revoked');
    expect(await statusOf({ teamId }, b)).toBe('revoked');
  });

  it('attack: a team member who manages a dataset through the team invites a manager, then is removed from the team; the invitation is revoked', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const member = await makeUser('Member');
    const { id: teamId } = await createTeam(owner.id, `Team ${crypto.randomUUID().slice(0, 8)}`);
    const db = await getDb();
    await db.insert(teamMembers).values({ teamId, userId: member.id, role: 'member' });
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId, role: 'manager' });
    const email = uniqueEmail('viateam');
    expect((await shareDataset(member, ds.id, { recipients: email, role: 'manager', message: '' }))[0].status).toBe('invited');
    await removeMember(owner.id, teamId, member.id);
    expect(await statusOf({ datasetId: ds.id }, email)).toBe('revoked');
  });

  it('deleting a team revokes the invitations its members sent on the strength of its manager grant', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const member = await makeUser('Member');
    const teamName = `Team ${crypto.randomUUID().slice(0, 8)}`;
    const { id: teamId } = await createTeam(owner.id, teamName);
    const db = await getDb();
    await db.insert(teamMembers).values({ teamId, userId: member.id, role: 'member' });
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId, role: 'manager' });
    const email = uniqueEmail('viadeleted');
    await shareDataset(member, ds.id, { recipients: email, role: 'editor', message: '' });
    await deleteTeam(owner.id, teamId, teamName);
    expect(await statusOf({ datasetId: ds.id }, email)).toBe('revoked');
  });
});
