import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox } from '@/db/schema';
import { deleteDataset } from '@/lib/datasets';
import { deliverDueEmails } from '@/lib/email/worker';
import { shareDataset } from '@/lib/sharing';
import { makeDataset, makeUser } from '@/lib/testing/factories';
import { startFakeResend } from '@/e2e/fixtures/fake-resend.mjs';
import { manageInvitation } from './manage';

type Fake = Awaited<ReturnType<typeof startFakeResend>>;
type SentEmail = { to: string | string[]; text: string; html: string; idempotencyKey: string | null };
let fake: Fake;
const saved = { key: process.env.RESEND_API_KEY, base: process.env.RESEND_BASE_URL };

beforeAll(async () => {
  fake = await startFakeResend(0);
});
afterAll(async () => {
  await fake.close();
});

async function withEmail<T>(fn: () => Promise<T>): Promise<T> {
  process.env.RESEND_API_KEY = 're_test';
  process.env.RESEND_BASE_URL = fake.url;
  try {
    return await fn();
  } finally {
    if (saved.key === undefined) delete process.env.RESEND_API_KEY;
    else process.env.RESEND_API_KEY = saved.key;
    if (saved.base === undefined) delete process.env.RESEND_BASE_URL;
    else process.env.RESEND_BASE_URL = saved.base;
  }
}

async function outboxFor(to: string) {
  const db = await getDb();
  return db.select({ id: emailOutbox.id, status: emailOutbox.status, lastError: emailOutbox.lastError, invitationId: emailOutbox.invitationId }).from(emailOutbox).where(eq(emailOutbox.to, to));
}

describe('invitation emails', () => {
  it('are queued with the invitation and delivered with its link from APP_URL', async () => {
    await withEmail(async () => {
      const owner = await makeUser('Owner');
      const ds = await makeDataset(owner.id);
      const to = `mail-${crypto.randomUUID().slice(0, 8)}@example.test`;
      const [r] = await shareDataset(owner, ds.id, { recipients: to, role: 'editor', message: 'Have a look <b>now</b>' });
      expect(r).toEqual({ recipient: to, status: 'invited' }); // no link for the inviter when email works
      const rows = await outboxFor(to);
      expect(rows).toHaveLength(1);
      await deliverDueEmails({ ids: rows.map((x) => x.id) });
      const sent = fake.emails.filter((e: SentEmail) => e.to === to || (Array.isArray(e.to) && e.to.includes(to)));
      expect(sent).toHaveLength(1);
      expect(sent[0].text).toMatch(/http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}/);
      expect(sent[0].html).toContain('&lt;b&gt;now&lt;/b&gt;');
      expect(sent[0].idempotencyKey).toBe(rows[0].id);
    });
  });

  it('are not sent once the invitation is revoked, and go with a deleted dataset', async () => {
    await withEmail(async () => {
      const owner = await makeUser('Owner');
      const ds = await makeDataset(owner.id);
      const revoked = `rev-${crypto.randomUUID().slice(0, 8)}@example.test`;
      const deleted = `del-${crypto.randomUUID().slice(0, 8)}@example.test`;
      await shareDataset(owner, ds.id, { recipients: `${revoked} ${deleted}`, role: 'viewer', message: '' });
      const [row] = await outboxFor(revoked);
      await manageInvitation(owner, row.invitationId!, 'revoke');
      await deliverDueEmails({ ids: [row.id] });
      expect(await outboxFor(revoked)).toEqual([expect.objectContaining({ status: 'failed', lastError: 'invitation withdrawn before sending' })]);
      expect(fake.emails.some((e: SentEmail) => JSON.stringify(e.to).includes(revoked))).toBe(false);

      await deleteDataset(owner.id, ds.id, ds.name);
      expect(await outboxFor(deleted)).toEqual([]);
    });
  });
});
