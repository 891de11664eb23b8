import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { datasetGrants, invitations } from '@/db/schema';
import { getDatasetAccess } from '@/lib/access';
import { deleteDataset } from '@/lib/datasets';
import { recordRateEvent } from '@/lib/rate-limit';
import { shareDataset } from '@/lib/sharing';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { createUser } from '@/lib/users';
import { acceptInvitation, declineInvitation, listMyInvitations, manageInvitation, viewInvitation } from './index';

beforeEach(() => {
  delete process.env.RESEND_API_KEY; // links come back to the inviter, so tests can follow them
});

const tokenOf = (link?: string) => link!.split('/invite/')[1];

async function invite(owner: Awaited<ReturnType<typeof makeUser>>, datasetId: string, email: string, role: 'viewer' | 'editor' | 'manager' = 'viewer') {
  const [r] = await shareDataset(owner, datasetId, { recipients: email, role, message: '' });
  return r;
}

async function invitationRow(datasetId: string, email: string) {
  const db = await getDb();
  const [row] = await db.select().from(invitations).where(and(eq(invitations.datasetId, datasetId), eq(invitations.email, email)));
  return row;
}

describe('invitations', () => {
  it('stores only the SHA-256 of a 32-byte token, and opening the link changes nothing', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const invitee = await makeUser('Invitee');
    const r = await invite(owner, ds.id, invitee.email);
    expect(r.status).toBe('invited');
    const token = tokenOf(r.link);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const row = await invitationRow(ds.id, invitee.email);
    expect(row.tokenHash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);

    const view = await viewInvitation(token);
    expect(view).toMatchObject({ state: 'pending', email: invitee.email, role: 'viewer', targetName: ds.name });
    expect(await invitationRow(ds.id, invitee.email)).toEqual(row);
    expect((await viewInvitation('x'.repeat(43))).state).toBe('invalid');
  });

  it('accepting creates the grant and lands on the dataset; a different account is refused and it stays pending', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const invitee = await makeUser('Invitee');
    const other = await makeUser('Other');
    const token = tokenOf((await invite(owner, ds.id, invitee.email, 'editor')).link);

    await expect(acceptInvitation(other, { token })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await invitationRow(ds.id, invitee.email)).status).toBe('pending');
    await expect(getDatasetAccess(await getDb(), other.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await acceptInvitation(invitee, { token })).toEqual({ landing: `/datasets/${ds.id}` });
    expect((await getDatasetAccess(await getDb(), invitee.id, ds.id)).role).toBe('editor');
    expect((await viewInvitation(token)).state).toBe('accepted');
    // Accepting again is harmless.
    expect(await acceptInvitation(invitee, { token })).toEqual({ landing: `/datasets/${ds.id}` });
  });

  it('50 concurrent accepts make one grant', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const invitee = await makeUser('Invitee');
    const token = tokenOf((await invite(owner, ds.id, invitee.email)).link);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => acceptInvitation(invitee, { token })));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const db = await getDb();
    const grants = await db.select().from(datasetGrants).where(eq(datasetGrants.datasetId, ds.id));
    expect(grants).toHaveLength(1);
  });

  it('two concurrent invitations of one email leave one pending invitation and send one link', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const email = `racer-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const results = await Promise.all([invite(owner, ds.id, email), invite(owner, ds.id, email)]);
    // The second finds the first's invitation sent moments ago: it keeps that link (and sends nothing).
    expect(results.map((r) => r.status).sort()).toEqual(['already invited', 'invited']);
    const db = await getDb();
    const rows = await db.select().from(invitations).where(and(eq(invitations.datasetId, ds.id), eq(invitations.status, 'pending')));
    expect(rows).toHaveLength(1);
  });

  it('expires after 72 hours; extend keeps the link and adds 72 hours from now', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const invitee = await makeUser('Invitee');
    const token = tokenOf((await invite(owner, ds.id, invitee.email)).link);
    const row = await invitationRow(ds.id, invitee.email);
    const hours = (row.expiresAt.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(71.9);
    expect(hours).toBeLessThanOrEqual(72);

    const db = await getDb();
    await db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, row.id));
    expect((await viewInvitation(token)).state).toBe('expired');
    await expect(acceptInvitation(invitee, { token })).rejects.toMatchObject({ code: 'EXPIRED' });

    await manageInvitation(owner, row.id, 'extend');
    expect((await viewInvitation(token)).state).toBe('pending');
    await acceptInvitation(invitee, { token });
    expect((await getDatasetAccess(db, invitee.id, ds.id)).role).toBe('viewer');
  });

  it('resend kills the old link; revoke kills the link at once', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const invitee = await makeUser('Invitee');
    const oldToken = tokenOf((await invite(owner, ds.id, invitee.email)).link);
    const row = await invitationRow(ds.id, invitee.email);
    // Resending waits out the cooldown (lib/invitations/budget.test.ts); let it pass.
    await (await getDb()).update(invitations).set({ updatedAt: new Date(Date.now() - 6 * 60_000) }).where(eq(invitations.id, row.id));
    const { link } = await manageInvitation(owner, row.id, 'resend');
    const newToken = tokenOf(link);
    expect(newToken).not.toBe(oldToken);
    expect((await viewInvitation(oldToken)).state).toBe('invalid');
    await expect(acceptInvitation(invitee, { token: oldToken })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await manageInvitation(owner, row.id, 'revoke');
    expect((await viewInvitation(newToken)).state).toBe('revoked');
    await expect(acceptInvitation(invitee, { token: newToken })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getDatasetAccess(await getDb(), invitee.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deleting the dataset kills its invitations', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const token = tokenOf((await invite(owner, ds.id, `gone-${crypto.randomUUID().slice(0, 8)}@example.test`)).link);
    await deleteDataset(owner.id, ds.id, ds.name);
    expect((await viewInvitation(token)).state).toBe('invalid');
  });

  it('reports one result per recipient', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const member = await makeUser('Member');
    await grantAccess(ds.id, member.id, 'viewer');
    const fresh = `fresh-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const results = await shareDataset(owner, ds.id, {
      recipients: `${fresh}, not-an-email@, ${owner.email}\n${member.email.toUpperCase()} ${fresh} nosuchteam-${crypto.randomUUID().slice(0, 6)}`,
      role: 'viewer',
      message: 'hi',
    });
    expect(results.map((r) => r.status)).toEqual(['invited', 'not a valid email', "that's you", 'already has access', 'not an email address or one of your teams']);
  });

  it('a manager can invite up to manager, never above; a viewer cannot share; a stranger gets NOT_FOUND', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const manager = await makeUser('Manager');
    const viewer = await makeUser('Viewer');
    const stranger = await makeUser('Stranger');
    await grantAccess(ds.id, manager.id, 'manager');
    await grantAccess(ds.id, viewer.id, 'viewer');
    expect((await invite(manager, ds.id, `m-${crypto.randomUUID().slice(0, 8)}@example.test`, 'manager')).status).toBe('invited');
    await expect(shareDataset(manager, ds.id, { recipients: 'x@example.test', role: 'owner' as never, message: '' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(invite(viewer, ds.id, 'y@example.test')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(invite(stranger, ds.id, 'z@example.test')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('limits invitations per inviter per hour, sending nothing past it', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await recordRateEvent(`invite:${owner.id}`, 199);
    const a = `a-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const b = `b-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await expect(shareDataset(owner, ds.id, { recipients: `${a} ${b}`, role: 'viewer', message: '' })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await invitationRow(ds.id, a)).toBeUndefined();
    expect((await invite(owner, ds.id, a)).status).toBe('invited');
  });

  it('lists pending invitations in the inbox, and decline removes them', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const invitee = await createUser({ name: 'Inbox', email: `inbox-${crypto.randomUUID().slice(0, 8)}@example.test`, password: 'password123', verified: true });
    await invite(owner, ds.id, invitee.email);
    const mine = await listMyInvitations(invitee);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ targetName: ds.name, role: 'viewer', inviterName: owner.name });
    await declineInvitation(invitee, { id: mine[0].id });
    expect(await listMyInvitations(invitee)).toHaveLength(0);
  });
});
