import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { datasetGrants, invitations, teamMembers, teams } from '@/db/schema';
import { uploadFile, createFolder } from '@/lib/files';
import { newInvitationToken } from '@/lib/invitations';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import type { SessionUser } from '@/lib/users';

/**
 * Actors of SECURITY.md's matrix. On a dataset: owner; direct viewer/editor/manager grants; a member of
 * a team granted editor; a grant that expired; a removed member; a member of another team; a stranger;
 * someone with only a pending invitation. On a team: owner → owner, manager → admin, editor/viewer/
 * teamMember → member, the rest → not a member.
 */
export const ACTORS = ['anonymous', 'stranger', 'viewer', 'editor', 'manager', 'owner', 'expired', 'removed', 'teamMember', 'otherTeam', 'invitee'] as const;
export type Actor = (typeof ACTORS)[number];

export type Fixture = {
  datasetId: string;
  datasetName: string;
  viewerGrantId: string;
  expiredGrantId: string; // the `expired` actor's grant (a manager grant that has expired)
  invitationId: string;
  inviteToken: string;
  teamId: string;
  teamName: string;
  teamInvitationId: string;
  bystanderId: string; // a plain team member who is none of the actors
  users: Record<Actor, SessionUser | null>;
};

export async function makeActors(): Promise<Record<Actor, SessionUser | null>> {
  const out = { anonymous: null } as Record<Actor, SessionUser | null>;
  for (const a of ACTORS) if (a !== 'anonymous') out[a] = await makeUser(`${a} Actor`);
  return out;
}

let bystander: Promise<SessionUser> | undefined;

/** A fresh dataset and team, with every actor in place, for one cell of the matrix. */
export async function makeFixture(u: Record<Actor, SessionUser | null>): Promise<Fixture> {
  const db = await getDb();
  const owner = u.owner!;
  const ds = await makeDataset(owner.id);
  const viewerGrantId = await grantAccess(ds.id, u.viewer!.id, 'viewer');
  await grantAccess(ds.id, u.editor!.id, 'editor');
  await grantAccess(ds.id, u.manager!.id, 'manager');
  const expiredGrantId = await grantAccess(ds.id, u.expired!.id, 'manager', new Date(Date.now() - 60_000));
  const removed = await grantAccess(ds.id, u.removed!.id, 'editor');
  await db.delete(datasetGrants).where(eq(datasetGrants.id, removed));

  const suffix = crypto.randomUUID().slice(0, 8);
  const [granted] = await db.insert(teams).values({ name: `granted-${suffix}` }).returning();
  const [other] = await db.insert(teams).values({ name: `other-${suffix}` }).returning();
  await db.insert(teamMembers).values([
    { teamId: granted.id, userId: u.teamMember!.id, role: 'member' },
    { teamId: other.id, userId: u.otherTeam!.id, role: 'owner' },
  ]);
  await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: granted.id, role: 'editor' });

  // The team endpoints' own team.
  const [team] = await db.insert(teams).values({ name: `team-${suffix}` }).returning();
  await db.insert(teamMembers).values([
    { teamId: team.id, userId: owner.id, role: 'owner' },
    { teamId: team.id, userId: u.manager!.id, role: 'admin' },
    { teamId: team.id, userId: u.editor!.id, role: 'member' },
    { teamId: team.id, userId: u.viewer!.id, role: 'member' },
    { teamId: team.id, userId: u.teamMember!.id, role: 'member' },
    { teamId: team.id, userId: u.removed!.id, role: 'member' },
    { teamId: team.id, userId: (await (bystander ??= makeUser('Bystander'))).id, role: 'member' },
  ]);
  await db.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, u.removed!.id)));

  await uploadFile(owner.id, ds.id, 'a.txt', Readable.from([Buffer.from('hello')]));
  await createFolder(owner.id, ds.id, 'dir');
  // Inserted directly: going through shareDataset for every cell would hit the hourly invitation limit.
  const { token: inviteToken, tokenHash } = newInvitationToken();
  const [inv] = await db
    .insert(invitations)
    .values({ datasetId: ds.id, email: u.invitee!.email, role: 'viewer', tokenHash, expiresAt: new Date(Date.now() + 3_600_000), invitedBy: owner.id })
    .returning({ id: invitations.id });
  const [teamInv] = await db
    .insert(invitations)
    .values({ teamId: team.id, email: `pending-${suffix}@example.test`, role: 'member', tokenHash: crypto.randomBytes(32).toString('hex'), expiresAt: new Date(Date.now() + 3_600_000), invitedBy: owner.id })
    .returning({ id: invitations.id });
  return {
    datasetId: ds.id,
    datasetName: ds.name,
    viewerGrantId,
    expiredGrantId,
    invitationId: inv.id,
    inviteToken,
    teamId: team.id,
    teamName: team.name,
    teamInvitationId: teamInv.id,
    bystanderId: (await bystander!).id,
    users: u,
  };
}


/**
 * A pending manager invitation for the invitee to a second dataset of the owner, sent by the `removed`
 * actor while they managed it; they have no access now. Returns its token.
 */
export async function staleInvitation(fx: Fixture): Promise<string> {
  const db = await getDb();
  const ds = await makeDataset(fx.users.owner!.id);
  const { token, tokenHash } = newInvitationToken();
  await db.insert(invitations).values({ datasetId: ds.id, email: fx.users.invitee!.email, role: 'manager', tokenHash, expiresAt: new Date(Date.now() + 3_600_000), invitedBy: fx.users.removed!.id });
  return token;
}
