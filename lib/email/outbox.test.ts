import crypto from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox, invitations, teams } from '@/db/schema';
import { emailStatusForInvitations, enqueueEmail } from './outbox';
import { accepted, invitation, isolateEmailEnv, row, uniqueTo } from './test-helpers';

const created = isolateEmailEnv();

async function makeInvitation() {
  const db = await getDb();
  const [team] = await db.insert(teams).values({ name: `email-test-${crypto.randomUUID()}` }).returning();
  const [inv] = await db
    .insert(invitations)
    .values({ teamId: team.id, email: uniqueTo(), role: 'member', tokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 3600_000) })
    .returning();
  return inv.id;
}

describe('email outbox', () => {
  it('commits with the caller’s transaction and rolls back with it', async () => {
    const db = await getDb();
    const to = uniqueTo();
    await expect(
      db.transaction(async (tx) => {
        await enqueueEmail(tx, { to, email: invitation() });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.select().from(emailOutbox).where(eq(emailOutbox.to, to))).toEqual([]);

    const id = await db.transaction((tx) => enqueueEmail(tx, { to, email: invitation() }));
    created.push(id);
    expect(await row(id)).toMatchObject({ to, kind: 'invitation', status: 'pending', attempts: 0, leaseUntil: null });
  });

  it('stores links as app paths and refuses links elsewhere', async () => {
    process.env.APP_URL = 'https://trove.example.org';
    const db = await getDb();
    const id = await enqueueEmail(db, { to: uniqueTo(), email: invitation({ link: 'https://trove.example.org/invite/abc' }) });
    created.push(id);
    expect(((await row(id)).payload as { link: string }).link).toBe('/invite/abc');
    await expect(enqueueEmail(db, { to: uniqueTo(), email: invitation({ link: 'https://evil.test/invite/abc' }) })).rejects.toThrow();
    await expect(enqueueEmail(db, { to: uniqueTo(), email: invitation({ expiresAt: 'soon' }) })).rejects.toThrow();
  });

  it('reports the latest invitation email status per invitation', async () => {
    const db = await getDb();
    const [first, second, silent] = [await makeInvitation(), await makeInvitation(), await makeInvitation()];
    const failed = await enqueueEmail(db, { to: uniqueTo(), email: invitation(), invitationId: first });
    await db.update(emailOutbox).set({ status: 'failed' }).where(eq(emailOutbox.id, failed));
    const resent = await enqueueEmail(db, { to: uniqueTo(), email: invitation(), invitationId: first }); // e.g. "Resend"
    const sent = await enqueueEmail(db, { to: uniqueTo(), email: invitation(), invitationId: second });
    await db.update(emailOutbox).set({ status: 'sent' }).where(eq(emailOutbox.id, sent));
    // The accepted notice to the inviter is not the invitation's email.
    const notice = await enqueueEmail(db, { to: uniqueTo(), email: accepted(), invitationId: second });
    created.push(failed, resent, sent, notice);

    expect(await row(failed)).toMatchObject({ status: 'failed' });
    const map = await emailStatusForInvitations(db, [first, second, silent]);
    expect(Object.fromEntries(map)).toEqual({ [first]: 'pending', [second]: 'sent' });
    expect((await emailStatusForInvitations(db, [])).size).toBe(0);

    await db.update(emailOutbox).set({ status: 'failed' }).where(inArray(emailOutbox.id, [resent]));
    expect((await emailStatusForInvitations(db, [first])).get(first)).toBe('failed');
  });

  it('supersedes an unsent invitation email when the invitation gets a new one (its link is dead)', async () => {
    const db = await getDb();
    const inv = await makeInvitation();
    const old = await enqueueEmail(db, { to: uniqueTo(), email: invitation(), invitationId: inv });
    const notice = await enqueueEmail(db, { to: uniqueTo(), email: accepted(), invitationId: inv });
    const fresh = await enqueueEmail(db, { to: uniqueTo(), email: invitation(), invitationId: inv });
    created.push(old, notice, fresh);
    expect(await row(old)).toMatchObject({ status: 'failed', lastError: 'superseded' });
    expect(await row(notice)).toMatchObject({ status: 'pending' });
    expect(await row(fresh)).toMatchObject({ status: 'pending' });
  });
});
