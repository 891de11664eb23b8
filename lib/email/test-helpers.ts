import 'server-only';
import crypto from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, vi, type MockInstance } from 'vitest';
import { getDb } from '@/db/client';
import { emailOutbox } from '@/db/schema';
import { startFakeResend } from '@/e2e/fixtures/fake-resend.mjs';
import { enqueueEmail } from './outbox';
import { stopEmailWorker } from './worker';
import type { InvitationAcceptedEmail, InvitationEmail } from './types';

// Test-only helpers for lib/email/*.test.ts (not imported by app code).

/** A unique recipient, so assertions never see another test's mail. */
export const uniqueTo = (p = 'invitee') => `${p}-${crypto.randomUUID().slice(0, 12)}@example.test`;

/** An invitation email with sensible defaults. */
export function invitation(over: Partial<InvitationEmail> = {}): InvitationEmail {
  return {
    kind: 'invitation',
    inviterName: 'Ada Lovelace',
    inviterEmail: 'ada@example.test',
    targetKind: 'dataset',
    targetName: 'Genomes',
    role: 'editor',
    message: '',
    link: `/invite/${crypto.randomBytes(32).toString('base64url')}`,
    expiresAt: '2030-01-02T03:04:05.000Z',
    ...over,
  };
}

/** An invitation-accepted email with sensible defaults. */
export function accepted(over: Partial<InvitationAcceptedEmail> = {}): InvitationAcceptedEmail {
  return { kind: 'invitation-accepted', inviteeName: 'Bob', inviteeEmail: 'bob@example.test', targetKind: 'dataset', targetName: 'Genomes', link: '/datasets/x', ...over };
}

/** Enqueues emails in their own transaction; returns the row ids. */
export async function enqueueMany(n: number, make = () => ({ to: uniqueTo(), email: invitation() as InvitationEmail | InvitationAcceptedEmail })) {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await enqueueEmail(tx, make()));
    return ids;
  });
}

/** Reads one outbox row. */
export async function row(id: string) {
  const db = await getDb();
  const [r] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
  return r;
}

/** Makes rows due now (skips the backoff wait). */
export async function makeDue(ids: string[]) {
  const db = await getDb();
  await db.update(emailOutbox).set({ nextAttemptAt: sql`now()` }).where(inArray(emailOutbox.id, ids));
}

const ENV_KEYS = ['RESEND_API_KEY', 'RESEND_BASE_URL', 'APP_URL', 'EMAIL_FROM'] as const;

/** Restores the email-related environment after each test; returns the ids list to clean up. */
export function isolateEmailEnv(): string[] {
  const created: string[] = [];
  let saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  });
  afterEach(async () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    // Leave no pending rows behind for other test files' workers to pick up.
    if (created.length) {
      const db = await getDb();
      await db.delete(emailOutbox).where(inArray(emailOutbox.id, created.splice(0)));
    }
  });
  return created;
}

type Fake = Awaited<ReturnType<typeof startFakeResend>>;

/**
 * A local fake of the Resend API for one test file: email is configured against it before each test,
 * `fetch` is spied (to see every attempt, failed ones too); after each test the worker is stopped and
 * the email settings are put back.
 */
export function withFakeResend(): { fake: Fake; fetchSpy: MockInstance<typeof fetch> } {
  const ctx = {} as { fake: Fake; fetchSpy: MockInstance<typeof fetch> };
  beforeAll(async () => {
    ctx.fake = await startFakeResend(0);
  });
  afterAll(() => ctx.fake.close());
  let saved: { key?: string; base?: string } = {};
  beforeEach(() => {
    saved = { key: process.env.RESEND_API_KEY, base: process.env.RESEND_BASE_URL };
    process.env.RESEND_API_KEY = 're_test_key';
    process.env.RESEND_BASE_URL = ctx.fake.url;
    ctx.fetchSpy = vi.spyOn(globalThis, 'fetch');
  });
  afterEach(async () => {
    await stopEmailWorker();
    ctx.fetchSpy.mockRestore();
    // Test files share workers: leave email unconfigured for the next file, as it was.
    for (const [k, v] of [['RESEND_API_KEY', saved.key], ['RESEND_BASE_URL', saved.base]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  return ctx;
}
