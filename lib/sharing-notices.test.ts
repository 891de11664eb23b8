import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox, invitations, teamMembers } from '@/db/schema';
import { withFakeResend } from '@/lib/email/test-helpers';
import { shareDataset } from '@/lib/sharing';
import { createTeam } from '@/lib/teams';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { getNotificationSettings, setNotificationSetting, sweepSharingNotices } from './sharing-notices';

// Opening a fresh PGlite (migrations included) can take longer than one test's budget on a busy machine.
beforeAll(async () => {
  await getDb();
});

withFakeResend();

async function noticesTo(email: string) {
  const db = await getDb();
  const rows = await db.select({ payload: emailOutbox.payload, kind: emailOutbox.kind }).from(emailOutbox).where(eq(emailOutbox.to, email));
  return rows.map((r) => r.payload as { rendered?: { subject: string; text: string } });
}

describe('reminders', () => {
  it('invitee a day before expiry, inviter once expired, grantee 3 days before access ends: each once, with a plain-text part and the settings link', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const email = `late-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await shareDataset(owner, ds.id, { recipients: email, role: 'viewer', message: '' });
    const db = await getDb();
    const [inv] = await db.select().from(invitations).where(eq(invitations.email, email));
    const before = (await noticesTo(email)).length; // the invitation itself
    await db.update(invitations).set({ expiresAt: new Date(Date.now() + 20 * 3_600_000) }).where(eq(invitations.id, inv.id));
    const grantee = await makeUser('Grantee');
    await grantAccess(ds.id, grantee.id, 'viewer', new Date(Date.now() + 2 * 86_400_000));

    await sweepSharingNotices();
    await sweepSharingNotices();
    const toInvitee = await noticesTo(email);
    expect(toInvitee.length - before).toBe(1);
    const toGrantee = await noticesTo(grantee.email);
    expect(toGrantee).toHaveLength(1);
    expect(toGrantee[0].rendered?.subject).toMatch(/access to .* ends soon/);
    expect(toGrantee[0].rendered?.text).toContain('/account#notifications');

    await db.update(invitations).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(invitations.id, inv.id));
    await sweepSharingNotices();
    await sweepSharingNotices();
    const toOwner = (await noticesTo(owner.email)).filter((m) => m.rendered?.subject.includes('expired'));
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0].rendered?.text).toContain(`/datasets/${ds.id}#people`);
  });
});

describe('team share notices', () => {
  it('members hear of a dataset shared with their team, unless they turned it off; the sharer does not', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const name = `vision-${crypto.randomUUID().slice(0, 6)}`;
    const team = await createTeam(owner.id, name);
    const keen = await makeUser('Keen');
    const quiet = await makeUser('Quiet');
    const db = await getDb();
    await db.insert(teamMembers).values([
      { teamId: team.id, userId: keen.id, role: 'member' },
      { teamId: team.id, userId: quiet.id, role: 'member' },
    ]);
    await setNotificationSetting(quiet.id, 'team-shares', false);
    expect(await getNotificationSettings(quiet.id)).toEqual({ teamShares: false });
    expect(await getNotificationSettings(keen.id)).toEqual({ teamShares: true });
    const [r] = await shareDataset(owner, ds.id, { recipients: name, role: 'viewer', message: '' });
    expect(r.status).toBe('shared with team');
    const toKeen = await noticesTo(keen.email);
    expect(toKeen).toHaveLength(1);
    expect(toKeen[0].rendered?.subject).toContain(name);
    expect(await noticesTo(quiet.email)).toHaveLength(0);
    expect(await noticesTo(owner.email)).toHaveLength(0);
  });
});
