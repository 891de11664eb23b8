import v8 from 'node:v8';
import vm from 'node:vm';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox } from '@/db/schema';
import { enqueueEmail } from './outbox';
import { enqueueMany, invitation, isolateEmailEnv, makeDue, row, uniqueTo, withFakeResend } from './test-helpers';
import { deliverDueEmails, startEmailWorker } from './worker';

// Issue 14 (2, 3): a hung Resend call delays only its own email; every attempt sends the same bytes.

const resend = withFakeResend();
const realFetch = globalThis.fetch;
const created = isolateEmailEnv();
const received = (to: string) => resend.fake.emails.filter((e: { to: string | string[] }) => [e.to].flat().includes(to));
const bodyTo = (init?: RequestInit) => String(JSON.parse(String(init?.body ?? '{}')).to);

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;


describe('email delivery under faults', () => {
  it('a hung send times out on its own timer (even after GC) and holds up no other email', async () => {
    const hungTo = uniqueTo('hung');
    const ids = await enqueueMany(6, (() => {
      let i = 0;
      return () => ({ to: i++ === 0 ? hungTo : uniqueTo(), email: invitation() });
    })());
    created.push(...ids);
    const db = await getDb();
    // The hung one is the oldest due row, so it is claimed first.
    await db.update(emailOutbox).set({ nextAttemptAt: sql`now() - interval '1 minute'` }).where(eq(emailOutbox.id, ids[0]));
    resend.fetchSpy.mockImplementation((url, init) =>
      // Hangs until aborted, as a stalled connection does.
      bodyTo(init) === hungTo
        ? new Promise<Response>((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
        : realFetch(url as string, init),
    );
    const t0 = Date.now();
    startEmailWorker({ intervalMs: 60_000, ids, concurrency: 2, sendTimeoutMs: 2_000 });
    for (let i = 0; i < 5; i++) gc();
    await vi.waitFor(async () => {
      for (const id of ids.slice(1)) expect((await row(id)).status).toBe('sent');
    }, { timeout: 5_000, interval: 50 });
    expect(Date.now() - t0).toBeLessThan(2_000); // the other five went out while the first still hung
    expect((await row(ids[0])).leaseUntil).not.toBeNull();
    gc();
    await vi.waitFor(async () => expect((await row(ids[0])).lastError).toMatch(/^timeout/), { timeout: 5_000, interval: 50 });
    const hung = await row(ids[0]);
    expect(hung).toMatchObject({ status: 'pending', leaseUntil: null, attempts: 1 });
    expect(Date.now() - t0).toBeLessThan(4_000);
  });

  it('a retry from an instance with another APP_URL and sender sends the same bytes, and Resend deduplicates it', async () => {
    process.env.APP_URL = 'https://a.trove.example';
    process.env.EMAIL_FROM = 'Trove A <a@trove.example>';
    const to = uniqueTo();
    const db = await getDb();
    const id = await enqueueEmail(db, { to, email: invitation() });
    created.push(id);
    // Attempt 1 reaches Resend, but its answer is lost (connection reset, crash before recording it).
    resend.fetchSpy.mockImplementationOnce(async (url, init) => {
      await realFetch(url as string, init);
      throw new TypeError('fetch failed');
    });
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ retried: 1 });

    // Attempt 2 runs on instance B, configured differently.
    process.env.APP_URL = 'https://b.trove.example';
    process.env.EMAIL_FROM = 'Trove B <b@trove.example>';
    await makeDue([id]);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    const mail = received(to);
    expect(mail).toHaveLength(1);
    expect(mail[0].from).toBe('Trove A <a@trove.example>');
    expect(mail[0].html).toContain('https://a.trove.example/invite/');
  });

  it('409 (same key still in flight) is retried later, never final, whatever the attempt count', async () => {
    const [id] = await enqueueMany(1);
    created.push(id);
    const db = await getDb();
    await db.update(emailOutbox).set({ attempts: 12 }).where(eq(emailOutbox.id, id));
    resend.fake.failNext(1, 409, undefined, 'concurrent_idempotent_requests');
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ retried: 1, failed: 0 });
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 13 });
    expect((await row(id)).lastError).toMatch(/^409 /);
    await makeDue([id]);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ sent: 1 });
  });

  it('a row queued before rendering moved to enqueue is rendered once, stored, then sent', async () => {
    const db = await getDb();
    const to = uniqueTo();
    const [legacy] = await db.insert(emailOutbox).values({ kind: 'invitation', to, payload: invitation() }).returning({ id: emailOutbox.id });
    created.push(legacy.id);
    expect(await deliverDueEmails({ ids: [legacy.id] })).toMatchObject({ sent: 1 });
    const stored = (await row(legacy.id)).payload as { rendered?: { html: string } };
    expect(stored.rendered?.html).toBe(received(to)[0].html);
  });
});
