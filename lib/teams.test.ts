import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents, datasetGrants, datasets, invitations, teamMembers } from '@/db/schema';
import { getDatasetAccess, type TeamRole } from '@/lib/access';
import { acceptInvitation } from '@/lib/invitations';
import { listPeopleWithAccess, removeGrant } from '@/lib/grants';
import { shareDataset } from '@/lib/sharing';
import { makeDataset, makeUser } from '@/lib/testing/factories';
import type { SessionUser } from '@/lib/users';
import {
  changeMemberRole,
  createTeam,
  deleteTeam,
  findTeamForSharer,
  getTeamPage,
  inviteToTeam,
  leaveTeam,
  listTeamsForUser,
  removeMember,
  renameTeam,
} from './teams';

const uniqueName = (prefix: string) => `${prefix} ${crypto.randomUUID().slice(0, 8)}`;

async function addMember(teamId: string, user: SessionUser, role: TeamRole) {
  const db = await getDb();
  await db.insert(teamMembers).values({ teamId, userId: user.id, role });
}

async function roleOf(teamId: string, userId: string): Promise<TeamRole | null> {
  const db = await getDb();
  const [row] = await db.select({ role: teamMembers.role }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return row?.role ?? null;
}

async function teamWith(roles: TeamRole[]) {
  const owner = await makeUser('Owner');
  const { id } = await createTeam(owner.id, uniqueName('Team'));
  const others: SessionUser[] = [];
  for (const role of roles) {
    const u = await makeUser(role[0].toUpperCase() + role.slice(1));
    await addMember(id, u, role);
    others.push(u);
  }
  return { teamId: id, owner, others };
}

async function actions(teamId: string) {
  const db = await getDb();
  const rows = await db.select({ action: activityEvents.action, detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.teamId, teamId));
  return rows;
}

describe('teams', () => {
  it('creates a team owned by its creator and refuses a name the creator already uses, in any case', async () => {
    const ada = await makeUser('Ada');
    const name = uniqueName('Vision Lab');
    const { id } = await createTeam(ada.id, name);
    expect(await listTeamsForUser(ada.id)).toEqual([{ id, name, role: 'owner', memberCount: 1 }]);
    await expect(createTeam(ada.id, name.toUpperCase())).rejects.toMatchObject({ code: 'CONFLICT', field: 'name', message: expect.stringMatching(/You already created/) });
    expect((await actions(id)).map((a) => a.action)).toEqual(['team.created']);

    const other = await createTeam(ada.id, uniqueName('Other'));
    await expect(renameTeam(ada.id, id, name.toLowerCase())).resolves.toBeUndefined(); // its own name, other case
    const otherName = (await getTeamPage(ada.id, other.id)).team.name;
    await expect(renameTeam(ada.id, id, otherName)).rejects.toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect((await actions(id)).some((a) => a.action === 'team.renamed')).toBe(true);
  });

  it('attack (issue 9): creating or renaming a team reveals nothing about other people’s private team names', async () => {
    const ada = await makeUser('Ada');
    const bob = await makeUser('Bob');
    const secret = uniqueName('Secret Acquisition');
    const secret2 = uniqueName('Secret Layoffs');
    await createTeam(ada.id, secret);
    await createTeam(ada.id, secret2);
    const { id } = await createTeam(bob.id, secret.toUpperCase());
    expect(await listTeamsForUser(bob.id)).toEqual([{ id, name: secret.toUpperCase(), role: 'owner', memberCount: 1 }]);
    const probe = await createTeam(bob.id, uniqueName('Probe'));
    await expect(renameTeam(bob.id, probe.id, secret2.toLowerCase())).resolves.toBeUndefined();
  });

  it('shares with the sharer’s own team when two of their teams have one name; otherwise says it is ambiguous', async () => {
    const ada = await makeUser('Ada');
    const bob = await makeUser('Bob');
    const cy = await makeUser('Cy');
    const name = uniqueName('Same');
    const adas = await createTeam(ada.id, name);
    const bobs = await createTeam(bob.id, name);
    const cys = await createTeam(cy.id, name);
    const db = await getDb();
    await db.insert(teamMembers).values([{ teamId: bobs.id, userId: ada.id, role: 'member' }, { teamId: bobs.id, userId: cy.id, role: 'member' }]);
    expect(await findTeamForSharer(db, ada.id, name)).toEqual({ id: adas.id, name });
    await db.delete(teamMembers).where(and(eq(teamMembers.teamId, cys.id), eq(teamMembers.userId, cy.id)));
    await db.insert(teamMembers).values({ teamId: adas.id, userId: cy.id, role: 'member' });
    expect(await findTeamForSharer(db, cy.id, name)).toBe('ambiguous');
    const ds = await makeDataset(cy.id);
    expect(await shareDataset(cy, ds.id, { recipients: name, role: 'viewer', message: '' })).toEqual([{ recipient: name, status: 'several of your teams have this name' }]);
  });

  it('finds a team by name for a member only', async () => {
    const ada = await makeUser('Ada');
    const eve = await makeUser('Eve');
    const name = uniqueName('Sharers');
    const { id } = await createTeam(ada.id, name);
    expect(await findTeamForSharer(await getDb(), ada.id, ` ${name.toUpperCase()} `)).toEqual({ id, name });
    expect(await findTeamForSharer(await getDb(), eve.id, name)).toBeNull();
    expect(await findTeamForSharer(await getDb(), ada.id, 'no such team at all')).toBeNull();
  });

  it('invites by email through the invitation mechanism; accepting makes a member with the role', async () => {
    const { teamId, owner } = await teamWith([]);
    const cat = await makeUser('Cat');
    const dan = await makeUser('Dan');
    const results = await inviteToTeam(owner, teamId, `${cat.email.toUpperCase()}, not-an-email\n${dan.email} ${owner.email} ${cat.email}`, 'admin');
    expect(results.map((r) => [r.recipient, r.status])).toEqual([
      [cat.email, 'invited'],
      ['not-an-email', 'not a valid email'],
      [dan.email, 'invited'],
      [owner.email, "that's you"],
    ]);
    const token = results[0].link!.match(/\/invite\/([A-Za-z0-9_-]{43})$/)![1];
    expect(await acceptInvitation(cat, { token })).toEqual({ landing: `/teams/${teamId}` });
    expect(await roleOf(teamId, cat.id)).toBe('admin');
    expect(await listTeamsForUser(cat.id)).toMatchObject([{ id: teamId, role: 'admin', memberCount: 2 }]);

    const page = await getTeamPage(owner.id, teamId);
    expect(page.invitations!.map((i) => i.email)).toEqual([dan.email]);
    expect(page.members.map((m) => [m.email, m.role])).toEqual([[owner.email, 'owner'], [cat.email, 'admin']]);

    // Admins offer member/admin only; a member sees no invitations or activity and cannot invite.
    await expect(inviteToTeam(cat, teamId, 'x@example.test', 'owner')).rejects.toMatchObject({ code: 'FORBIDDEN', field: 'role' });
    await changeMemberRole(owner.id, teamId, cat.id, 'member');
    await expect(inviteToTeam(cat, teamId, 'x@example.test', 'member')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const asMember = await getTeamPage(cat.id, teamId);
    expect(asMember.invitations).toBeNull();
    expect(asMember.activity).toBeNull();
    expect((await actions(teamId)).map((a) => a.action)).toEqual(expect.arrayContaining(['invitation.sent', 'invitation.accepted', 'member.role_changed']));
  });

  it('keeps at least one owner: the last owner cannot leave, be removed or be demoted', async () => {
    const { teamId, owner, others } = await teamWith(['admin']);
    const [admin] = others;
    await expect(leaveTeam(owner.id, teamId)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/only owner/) });
    await expect(changeMemberRole(owner.id, teamId, owner.id, 'admin')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(removeMember(owner.id, teamId, owner.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    // An admin cannot touch an owner, nor make anyone owner.
    await expect(removeMember(admin.id, teamId, owner.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(changeMemberRole(admin.id, teamId, owner.id, 'member')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(changeMemberRole(admin.id, teamId, admin.id, 'owner')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await roleOf(teamId, owner.id)).toBe('owner');

    // With a second owner, the first may step down or leave.
    await changeMemberRole(owner.id, teamId, admin.id, 'owner');
    await changeMemberRole(owner.id, teamId, owner.id, 'member');
    await leaveTeam(owner.id, teamId);
    expect(await roleOf(teamId, owner.id)).toBeNull();
    await expect(leaveTeam(admin.id, teamId)).rejects.toMatchObject({ code: 'CONFLICT' });
    const log = await actions(teamId);
    expect(log).toContainEqual({ action: 'member.left', detail: { email: owner.email, role: 'member' } });
    expect(log).toContainEqual({ action: 'member.role_changed', detail: { email: admin.email, role: 'owner' } });
  });

  it('two owners demoting each other at once leave exactly one owner', async () => {
    for (let round = 0; round < 3; round++) {
      const { teamId, owner, others } = await teamWith(['owner']);
      const [second] = others;
      const outcomes = await Promise.allSettled([
        changeMemberRole(owner.id, teamId, second.id, 'member'),
        changeMemberRole(second.id, teamId, owner.id, 'member'),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(['CONFLICT', 'FORBIDDEN']).toContain(rejected.reason.code);
      const roles = [await roleOf(teamId, owner.id), await roleOf(teamId, second.id)].sort();
      expect(roles).toEqual(['member', 'owner']);
    }
  });

  it('removes members (owner removes admins, admin removes members) and records it', async () => {
    const { teamId, owner, others } = await teamWith(['admin', 'member', 'owner']);
    const [admin, member, coOwner] = others;
    await removeMember(admin.id, teamId, member.id);
    await expect(removeMember(admin.id, teamId, coOwner.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await removeMember(owner.id, teamId, coOwner.id);
    await removeMember(owner.id, teamId, admin.id);
    await expect(removeMember(owner.id, teamId, member.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await getTeamPage(owner.id, teamId)).members.map((m) => m.userId)).toEqual([owner.id]);
    expect(await actions(teamId)).toContainEqual({ action: 'member.removed', detail: { email: member.email, role: 'member' } });
  });

  it('refuses non-members with NOT_FOUND and members with FORBIDDEN for manage operations', async () => {
    const { teamId, owner, others } = await teamWith(['member', 'admin']);
    const [member, admin] = others;
    const stranger = await makeUser('Stranger');
    const ops = (u: SessionUser) => [
      () => getTeamPage(u.id, teamId),
      () => changeMemberRole(u.id, teamId, owner.id, 'member'),
      () => removeMember(u.id, teamId, owner.id),
      () => inviteToTeam(u, teamId, 'someone@example.test', 'member'),
      () => renameTeam(u.id, teamId, uniqueName('Hijack')),
      () => deleteTeam(u.id, teamId, 'whatever'),
      () => leaveTeam(u.id, teamId),
    ];
    for (const op of ops(stranger)) await expect(op()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getTeamPage(owner.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const [, changeRole, remove, invite, rename, del] = ops(member);
    for (const op of [changeRole, remove, invite, rename, del]) await expect(op()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(renameTeam(admin.id, teamId, uniqueName('Admin rename'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(deleteTeam(admin.id, teamId, (await getTeamPage(admin.id, teamId)).team.name)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await roleOf(teamId, owner.id)).toBe('owner');
  });

  it('gives the highest of direct and team grants, and removal from a team takes effect at once', async () => {
    const db = await getDb();
    const dsOwner = await makeUser('DsOwner');
    const { teamId: viewers, owner: viewerOwner } = await teamWith([]);
    const { teamId: editors, owner: editorOwner } = await teamWith([]);
    const kim = await makeUser('Kim');
    await addMember(viewers, kim, 'member');
    await addMember(editors, kim, 'member');
    const [ds] = await db.insert(datasets).values({ ownerId: dsOwner.id, name: uniqueName('Images') }).returning({ id: datasets.id });
    await db.insert(datasetGrants).values([
      { datasetId: ds.id, teamId: viewers, role: 'viewer' },
      { datasetId: ds.id, teamId: editors, role: 'editor' },
      { datasetId: ds.id, userId: kim.id, role: 'viewer' },
    ]);
    expect((await getDatasetAccess(db, kim.id, ds.id)).role).toBe('editor');
    expect((await getTeamPage(kim.id, editors)).datasets).toMatchObject([{ id: ds.id, teamRole: 'editor', myRole: 'editor', ownerName: 'DsOwner' }]);

    await removeMember(editorOwner.id, editors, kim.id);
    expect((await getDatasetAccess(db, kim.id, ds.id)).role).toBe('viewer');
    await db.delete(datasetGrants).where(and(eq(datasetGrants.datasetId, ds.id), eq(datasetGrants.userId, kim.id)));
    expect((await getDatasetAccess(db, kim.id, ds.id)).role).toBe('viewer');
    await removeMember(viewerOwner.id, viewers, kim.id);
    await expect(getDatasetAccess(db, kim.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes a team after its name is typed, with its grants and invitations', async () => {
    const db = await getDb();
    const { teamId, owner } = await teamWith([]);
    const name = (await getTeamPage(owner.id, teamId)).team.name;
    const [ds] = await db.insert(datasets).values({ ownerId: owner.id, name: uniqueName('Shared') }).returning({ id: datasets.id });
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId, role: 'viewer' });
    const [invite] = await inviteToTeam(owner, teamId, 'later@example.test', 'member');
    expect(invite.status).toBe('invited');

    await expect(deleteTeam(owner.id, teamId, 'wrong')).rejects.toMatchObject({ code: 'INVALID', field: 'confirmName' });
    await deleteTeam(owner.id, teamId, name);
    expect(await listTeamsForUser(owner.id)).toEqual([]);
    expect(await db.select({ id: datasetGrants.id }).from(datasetGrants).where(eq(datasetGrants.teamId, teamId))).toEqual([]);
    expect(await db.select({ id: invitations.id }).from(invitations).where(eq(invitations.teamId, teamId))).toEqual([]);
    const token = invite.link!.split('/invite/')[1];
    await expect(acceptInvitation({ ...owner, email: 'later@example.test' }, { token })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sharing a dataset with a team, and ending it, shows in the team’s activity too', async () => {
    const owner = await makeUser('Sharer');
    const { id: teamId } = await createTeam(owner.id, `activity-${owner.id.slice(0, 8)}`);
    const ds = await makeDataset(owner.id);
    const [r] = await shareDataset(owner, ds.id, { recipients: `activity-${owner.id.slice(0, 8)}`, role: 'editor', message: '' });
    expect(r.status).toBe('shared with team');
    const grantId = (await listPeopleWithAccess(owner.id, ds.id)).people.find((p) => p.kind === 'team')!.grantId;
    await removeGrant(owner.id, ds.id, grantId);
    const page = await getTeamPage(owner.id, teamId);
    expect(page.activity!.map((a) => [a.action, a.detail.dataset ?? null]).slice(0, 2)).toEqual([
      ['team.grant.removed', ds.name],
      ['team.dataset_shared', ds.name],
    ]);
  });
});

