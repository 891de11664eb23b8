import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox } from '@/db/schema';
import { claimDueEmails, storedOutgoing } from './outbox';
import { enqueueMany, isolateEmailEnv, makeDue, row, withFakeResend } from './test-helpers';
import { deliverDueEmails, isEmailConfigured, kickEmailWorker, startEmailWorker, stopEmailWorker } from './worker';

const resend = withFakeResend();
const created = isolateEmailEnv();

/** Idempotency-Key of every POST /emails this test made, failed ones included (the fake records only successes). */
const sentKeys = () =>
  resend.fetchSpy.mock.calls
    .filter(([url, init]) => String(url).endsWith('/emails') && init?.method === 'POST')
    .map(([, init]) => new Headers(init?.headers).get('idempotency-key'));
const received = (to: string) => resend.fake.emails.filter((e: { to: string | string[] }) => [e.to].flat().includes(to));

async function enqueue(n = 1) {
  const ids = await enqueueMany(n);
  created.push(...ids);
  return ids;
}


describe('email worker', () => {
  it('sends a due email once, with the row id as Idempotency-Key, and marks it sent', async () => {
    const [id] = await enqueue();
    const r = await deliverDueEmails({ ids: [id] });
    expect(r).toMatchObject({ claimed: 1, sent: 1 });
    const stored = await row(id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null, lastError: null });
    expect(stored.sentAt).toBeInstanceOf(Date);
    const [email] = received(stored.to);
    expect(email).toMatchObject({ idempotencyKey: id, id: stored.providerId, from: 'Trove <trove@localhost>' });
    expect(email.subject).toBe('Ada Lovelace invited you to “Genomes” on Trove');
    expect(email.html).toContain('/invite/');
    expect(email.text).toContain('/invite/');
    expect((await deliverDueEmails({ ids: [id] })).claimed).toBe(0);
  });

  it('retries a 500 later with the same key, and the email arrives exactly once', async () => {
    const [id] = await enqueue();
    resend.fake.failNext(1, 500);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ claimed: 1, retried: 1, sent: 0 });
    let stored = await row(id);
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: null });
    expect(stored.lastError).toMatch(/^500 /);
    // Backoff: not due again for ~30 s (±20 %).
    expect(stored.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(20_000);
    expect((await deliverDueEmails({ ids: [id] })).claimed).toBe(0);

    await makeDue([id]);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ sent: 1 });
    stored = await row(id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sentKeys()).toEqual([id, id]);
    expect(received(stored.to)).toHaveLength(1);
  });

  it('honours Retry-After on a 429', async () => {
    const [id] = await enqueue();
    resend.fake.failNext(1, 429, 120);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ retried: 1 });
    const stored = await row(id);
    expect(stored.status).toBe('pending');
    const wait = stored.nextAttemptAt.getTime() - Date.now();
    expect(wait).toBeGreaterThan(100_000);
    expect(wait).toBeLessThan(130_000);
    await makeDue([id]);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ sent: 1 });
  });

  it('retries network errors', async () => {
    const [id] = await enqueue();
    process.env.RESEND_BASE_URL = 'http://127.0.0.1:1';
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ retried: 1 });
    expect((await row(id)).lastError).toMatch(/^network /);
  });

  it('gives up on a 4xx other than 429, and after the last attempt', async () => {
    const [bad, tired] = await enqueue(2);
    resend.fake.failNext(1, 422);
    expect(await deliverDueEmails({ ids: [bad] })).toMatchObject({ failed: 1 });
    expect(await row(bad)).toMatchObject({ status: 'failed', leaseUntil: null });
    expect((await row(bad)).lastError).toMatch(/^422 /);

    const db = await getDb();
    await db.update(emailOutbox).set({ attempts: 7 }).where(eq(emailOutbox.id, tired));
    resend.fake.failNext(1, 503);
    expect(await deliverDueEmails({ ids: [tired] })).toMatchObject({ failed: 1 });
    expect(await row(tired)).toMatchObject({ status: 'failed', attempts: 8 });
    expect((await row(tired)).lastError).toMatch(/^gave up after 8 attempts/);
    await makeDue([bad, tired]);
    expect((await deliverDueEmails({ ids: [bad, tired] })).claimed).toBe(0);
  });

  it('two workers over the same due rows send each email exactly once', async () => {
    const ids = await enqueue(12);
    const drain = async (workerId: string) => {
      let total = 0;
      for (;;) {
        const r = await deliverDueEmails({ workerId, ids, limit: 3 });
        if (r.claimed === 0) return total;
        total += r.sent;
      }
    };
    const [a, b] = await Promise.all([drain('a'), drain('b')]);
    expect(a + b).toBe(12);
    const keys = sentKeys();
    expect(keys).toHaveLength(12);
    expect(new Set(keys)).toEqual(new Set(ids));
    const db = await getDb();
    const rows = await db.select().from(emailOutbox).where(inArray(emailOutbox.id, ids));
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    for (const r of rows) expect(received(r.to)).toHaveLength(1);
  });

  it('reclaims a row whose worker crashed (expired lease), and a resend after a crash is deduplicated', async () => {
    const db = await getDb();
    const [id] = await enqueue();
    // Crash 1: claimed, then nothing. The lease keeps others off until it expires.
    await claimDueEmails(db, { limit: 1, leaseMs: 60_000, ids: [id] });
    expect((await deliverDueEmails({ ids: [id] })).claimed).toBe(0);
    await db.update(emailOutbox).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(emailOutbox.id, id));
    // Crash 2: the email reached Resend but the worker died before recording it.
    const [claimed] = await claimDueEmails(db, { limit: 1, leaseMs: 60_000, ids: [id] });
    const { Resend } = await import('resend');
    const stored = storedOutgoing(claimed.payload)!;
    await new Resend('re_test_key').emails.send({ ...stored, to: claimed.to }, { idempotencyKey: id });
    await db.update(emailOutbox).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(emailOutbox.id, id));

    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ claimed: 1, sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(received(claimed.to)).toHaveLength(1);
    expect(sentKeys()).toEqual([id, id]);
  });

  it('on shutdown, releases the rows it holds: in flight (attempt counted) and not yet sent (not counted)', async () => {
    const ids = await enqueue(2);
    resend.fetchSpy.mockImplementation(
      (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    );
    const stop = new AbortController();
    const run = deliverDueEmails({ ids, signal: stop.signal, concurrency: 1 });
    await vi.waitFor(() => expect(resend.fetchSpy).toHaveBeenCalled());
    stop.abort();
    expect(await run).toMatchObject({ claimed: 2, sent: 0, released: 2 });
    const rows = await Promise.all(ids.map(row));
    expect(rows.map((r) => [r.status, r.leaseUntil])).toEqual([['pending', null], ['pending', null]]);
    expect(rows.map((r) => r.attempts).sort()).toEqual([0, 1]);
    // Released rows are due at once for the next worker.
    resend.fetchSpy.mockRestore();
    resend.fetchSpy = vi.spyOn(globalThis, 'fetch');
    expect(await deliverDueEmails({ ids })).toMatchObject({ sent: 2 });
  });

  it('the polling worker sends at start and on a kick, and on stop hands back the lease of an in-flight send', async () => {
    const db = await getDb();
    const [first, second, third] = await enqueue(3);
    const notDue = { nextAttemptAt: sql`now() + interval '1 hour'` };
    await db.update(emailOutbox).set(notDue).where(inArray(emailOutbox.id, [second, third]));
    expect(startEmailWorker({ intervalMs: 60_000, ids: [first, second, third] })).toBe(true);
    expect(startEmailWorker()).toBe(true); // once per process
    await vi.waitFor(async () => expect((await row(first)).status).toBe('sent'));

    // Long before the next poll, a kick delivers what just became due.
    await makeDue([second]);
    kickEmailWorker();
    await vi.waitFor(async () => expect((await row(second)).status).toBe('sent'));

    resend.fetchSpy.mockImplementation(
      (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))),
    );
    const calls = resend.fetchSpy.mock.calls.length;
    await makeDue([third]);
    kickEmailWorker();
    await vi.waitFor(() => expect(resend.fetchSpy.mock.calls.length).toBeGreaterThan(calls));
    expect((await row(third)).leaseUntil).not.toBeNull();
    await stopEmailWorker();
    expect(await row(third)).toMatchObject({ status: 'pending', leaseUntil: null, attempts: 1 });
    kickEmailWorker(); // no worker any more: a no-op
  });

  it('sends nothing without RESEND_API_KEY, and the worker does not start', async () => {
    const [id] = await enqueue();
    delete process.env.RESEND_API_KEY;
    expect(isEmailConfigured()).toBe(false);
    expect(await deliverDueEmails({ ids: [id] })).toMatchObject({ claimed: 0, sent: 0 });
    expect(startEmailWorker()).toBe(false);
    expect(resend.fetchSpy).not.toHaveBeenCalled();
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 0 });
  });
});
