import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accountTokens, emailOutbox } from '@/db/schema';
import { getDatasetAccess } from '@/lib/access';
import { createSession, endOtherSessions, endSession, findSessionUser, listUserSessions } from '@/lib/auth/sessions';
import { acceptInvitation, countMyInvitations, declineInvitation, listMyInvitations, viewInvitation } from '@/lib/invitations';
import { shareDataset } from '@/lib/sharing';
import { makeDataset, makeUser, uniqueEmail } from '@/lib/testing/factories';
import { findUserByEmail, verifyCredentials, type SessionUser } from '@/lib/users';
import { changePassword, createPasswordResetLink, requestPasswordReset, resendVerificationEmail, resetPassword, signUp, verifyEmailByOperator, verifyEmailWithToken } from './index';

const PASSWORD = 'correct horse battery';
const sent: string[] = [];

beforeEach(() => {
  process.env.RESEND_API_KEY = 're_test'; // email "configured": rows land in the outbox (no worker runs in tests)
});
afterEach(async () => {
  delete process.env.RESEND_API_KEY;
  if (sent.length) {
    const db = await getDb();
    for (const to of sent.splice(0)) await db.delete(emailOutbox).where(eq(emailOutbox.to, to));
  }
});

/** Emails queued to an address, oldest first, with their links as app paths. */
async function mailTo(to: string) {
  sent.push(to);
  const db = await getDb();
  const rows = await db.select({ kind: emailOutbox.kind, payload: emailOutbox.payload }).from(emailOutbox).where(eq(emailOutbox.to, to)).orderBy(emailOutbox.createdAt);
  return rows.map((r) => ({ kind: r.kind, link: (r.payload as { link: string }).link }));
}
const tokenIn = (link: string) => link.split('/').at(-1)!;

async function linkTo(to: string, kind: string): Promise<string> {
  const mail = (await mailTo(to)).filter((m) => m.kind === kind).at(-1);
  expect(mail, `a ${kind} email to ${to}`).toBeDefined();
  return mail!.link;
}

async function signUpAs(email: string, password = PASSWORD, opts: { inviteToken?: string; ip?: string } = {}) {
  return signUp({ name: 'Someone', email, password }, { ip: opts.ip ?? null, inviteToken: opts.inviteToken });
}

/** A logged-in browser for the user: what the JWT would carry. */
async function loggedIn(email: string): Promise<SessionUser> {
  const user = (await findUserByEmail(email))!;
  const sid = await createSession(user.id, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0');
  return (await findSessionUser(sid, user.id))!;
}

/** Alice shares a dataset with the address as editor; returns the invitation's token (no email: the link comes back). */
async function aliceInvites(email: string, role: 'viewer' | 'editor' = 'editor') {
  delete process.env.RESEND_API_KEY;
  const alice = await makeUser('Alice');
  const ds = await makeDataset(alice.id);
  const [r] = await shareDataset(alice, ds.id, { recipients: email, role, message: '' });
  process.env.RESEND_API_KEY = 're_test';
  return { ds, token: r.link!.split('/invite/')[1] };
}

describe('verified email', () => {
  it('a new sign-up is unverified until the mailed link (24 h, single use, hash stored) is followed', async () => {
    const email = uniqueEmail('new');
    expect(await signUpAs(email)).toEqual({ kind: 'check-email' });
    expect((await findUserByEmail(email))!.emailVerified).toBe(false);
    const link = await linkTo(email, 'verify-email');
    expect(link).toMatch(/^\/verify-email\/[A-Za-z0-9_-]{43}$/);
    const token = tokenIn(link);

    const db = await getDb();
    const [row] = await db.select().from(accountTokens).where(eq(accountTokens.email, email));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeCloseTo(24 * 3_600_000, -4);

    expect(await verifyEmailWithToken(token)).toEqual({ email });
    expect((await findUserByEmail(email))!.emailVerified).toBe(true);
    await expect(verifyEmailWithToken(token)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(verifyEmailWithToken('not-a-token')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(verifyEmailWithToken('x'.repeat(43))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an expired verification link says so and verifies nothing', async () => {
    const email = uniqueEmail('late');
    await signUpAs(email);
    const token = tokenIn(await linkTo(email, 'verify-email'));
    const db = await getDb();
    await db.update(accountTokens).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(accountTokens.email, email));
    await expect(verifyEmailWithToken(token)).rejects.toMatchObject({ code: 'EXPIRED' });
    expect((await findUserByEmail(email))!.emailVerified).toBe(false);
  });

  it('resending is limited, refused once verified, and explained when email is not configured', async () => {
    const email = uniqueEmail('resend');
    await signUpAs(email);
    const user = await loggedIn(email);
    const first = tokenIn(await linkTo(email, 'verify-email'));
    expect(await resendVerificationEmail(user)).toEqual({ sentTo: email });
    await expect(resendVerificationEmail(user)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Only the newest link works.
    await expect(verifyEmailWithToken(first)).rejects.toMatchObject({ code: 'CONFLICT' });
    await verifyEmailWithToken(tokenIn(await linkTo(email, 'verify-email')));
    await expect(resendVerificationEmail(await loggedIn(email))).rejects.toMatchObject({ code: 'CONFLICT' });

    delete process.env.RESEND_API_KEY;
    const other = uniqueEmail('nomail');
    await signUpAs(other);
    await expect(resendVerificationEmail(await loggedIn(other))).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('squatting: an unverified account sees no invitation for its address and cannot answer one by id; the real owner resets and takes the account over', async () => {
    const victim = uniqueEmail('carol');
    const { ds, token } = await aliceInvites(victim, 'editor');

    // Mallory signs up first with Carol's address and a password of her choice.
    expect(await signUpAs(victim, 'mallory password')).toEqual({ kind: 'check-email' });
    const mallory = await loggedIn(victim);
    expect(mallory.emailVerified).toBe(false);
    expect(await listMyInvitations(mallory)).toEqual([]);
    expect(await countMyInvitations(mallory)).toBe(0);
    const { id } = (await viewInvitation(token));
    await expect(acceptInvitation(mallory, { id: id! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(declineInvitation(mallory, { id: id! })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await viewInvitation(token)).state).toBe('pending');
    await expect(getDatasetAccess(await getDb(), mallory.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // Carol signs up: the same answer as for a new address, nothing about Mallory's account changes,
    // and Carol's mailbox gets a warning with a reset link.
    expect(await signUpAs(victim, 'carol password')).toEqual({ kind: 'check-email' });
    expect(await verifyCredentials(victim, 'carol password')).toBeNull();
    const reset = await linkTo(victim, 'signup-attempt');
    expect(reset).toMatch(/^\/reset-password\/[A-Za-z0-9_-]{43}$/);

    await resetPassword(tokenIn(reset), 'carol password');
    // Mallory's session (her copied cookie) is dead, her password no longer works; Carol's does.
    expect(await findSessionUser(mallory.sessionId!, mallory.id)).toBeNull();
    expect(await verifyCredentials(victim, 'mallory password')).toBeNull();
    const carol = await loggedIn(victim);
    expect(carol.emailVerified).toBe(true);
    const inbox = await listMyInvitations(carol);
    expect(inbox.map((i) => i.id)).toEqual([id]);
    expect(await acceptInvitation(carol, { id: id! })).toEqual({ landing: `/datasets/${ds.id}` });
  });

  it('accepting by token proves the address; by id needs a verified one', async () => {
    const email = uniqueEmail('bytoken');
    const { ds, token } = await aliceInvites(email, 'viewer');
    await signUpAs(email);
    const user = await loggedIn(email);
    expect(await acceptInvitation(user, { token })).toEqual({ landing: `/datasets/${ds.id}` });
    expect((await findUserByEmail(email))!.emailVerified).toBe(true);
  });

  it('signing up from an invitation link with the invited address creates a verified account and accepts in one step', async () => {
    const email = uniqueEmail('vl');
    const { ds, token } = await aliceInvites(email, 'editor');
    expect(await signUpAs(email, PASSWORD, { inviteToken: token })).toEqual({ kind: 'accepted', landing: `/datasets/${ds.id}` });
    const user = (await findUserByEmail(email))!;
    expect(user.emailVerified).toBe(true);
    expect((await getDatasetAccess(await getDb(), user.id, ds.id)).role).toBe('editor');
    expect(await mailTo(email)).toEqual([]); // no verification email needed
  });

  it('signing up from an invitation link with another address is an ordinary, unverified sign-up', async () => {
    const invited = uniqueEmail('invited');
    const { token } = await aliceInvites(invited);
    const other = uniqueEmail('other');
    expect(await signUpAs(other, PASSWORD, { inviteToken: token })).toEqual({ kind: 'check-email' });
    expect((await findUserByEmail(other))!.emailVerified).toBe(false);
    expect((await viewInvitation(token)).state).toBe('pending');
  });
});

describe('sign-up reveals no accounts', () => {
  it('an address with an account gets the same answer, keeps its password, and its owner is told (once per 15 minutes)', async () => {
    const owner = await makeUser('Owner');
    expect(await signUpAs(owner.email, 'attacker password')).toEqual({ kind: 'check-email' });
    expect(await signUpAs(owner.email, 'attacker password')).toEqual({ kind: 'check-email' });
    expect(await verifyCredentials(owner.email, PASSWORD)).toMatchObject({ id: owner.id });
    const mails = await mailTo(owner.email);
    expect(mails.map((m) => m.kind)).toEqual(['signup-attempt']);
  });

  it('limits sign-ups per client address', async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}-${crypto.randomUUID()}`;
    for (let i = 0; i < 10; i++) await signUpAs(uniqueEmail('burst'), PASSWORD, { ip });
    await expect(signUpAs(uniqueEmail('burst'), PASSWORD, { ip })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('password reset', () => {
  it('answers the same for unknown and known addresses; the link works once, for an hour, and ends every session', async () => {
    await expect(requestPasswordReset(uniqueEmail('ghost'), null)).resolves.toBeUndefined();
    const user = await makeUser('Forgetful');
    const a = await loggedIn(user.email);
    const b = await loggedIn(user.email);
    await expect(requestPasswordReset(user.email, null)).resolves.toBeUndefined();
    const token = tokenIn(await linkTo(user.email, 'reset-password'));
    const db = await getDb();
    const [row] = await db.select().from(accountTokens).where(and(eq(accountTokens.email, user.email), eq(accountTokens.kind, 'reset_password')));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeCloseTo(3_600_000, -4);

    await expect(resetPassword(token, 'brand new password')).resolves.toEqual({ email: user.email });
    expect(await findSessionUser(a.sessionId!, user.id)).toBeNull();
    expect(await findSessionUser(b.sessionId!, user.id)).toBeNull();
    expect(await verifyCredentials(user.email, 'brand new password')).toMatchObject({ id: user.id });
    await expect(resetPassword(token, 'another password')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(resetPassword('garbage', 'another password')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an expired reset link changes nothing', async () => {
    const user = await makeUser('Slow');
    const link = await createPasswordResetLink(user.email);
    expect(link).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}$/);
    const db = await getDb();
    await db.update(accountTokens).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(accountTokens.userId, user.id));
    await expect(resetPassword(tokenIn(link!), 'new password here')).rejects.toMatchObject({ code: 'EXPIRED' });
    expect(await verifyCredentials(user.email, PASSWORD)).toMatchObject({ id: user.id });
    expect(await createPasswordResetLink(uniqueEmail('nobody'))).toBeNull();
  });

  it('a reset verifies the address', async () => {
    const email = uniqueEmail('unverified');
    await signUpAs(email);
    await resetPassword(tokenIn((await createPasswordResetLink(email))!), 'new password here');
    expect((await findUserByEmail(email))!.emailVerified).toBe(true);
  });
});

describe('sessions', () => {
  it('log out ends the session on the server: a copied cookie (its session id) no longer works', async () => {
    const user = await makeUser('Leaver');
    const s = await loggedIn(user.email);
    const copy = { sid: s.sessionId!, sub: user.id };
    expect(await findSessionUser(copy.sid, copy.sub)).toMatchObject({ id: user.id });
    await endSession(s.sessionId!);
    expect(await findSessionUser(copy.sid, copy.sub)).toBeNull();
  });

  it('a session id is only good for its own user', async () => {
    const a = await makeUser('A');
    const b = await makeUser('B');
    const s = await loggedIn(a.email);
    expect(await findSessionUser(s.sessionId!, b.id)).toBeNull();
    expect(await findSessionUser('not-a-uuid', a.id)).toBeNull();
  });

  it('lists sessions with this device marked; "log out other sessions" keeps only this one', async () => {
    const user = await makeUser('Many');
    const here = await loggedIn(user.email);
    const there = await loggedIn(user.email);
    const list = await listUserSessions(here);
    expect(list).toHaveLength(2);
    expect(list.find((s) => s.current)?.id).toBe(here.sessionId);
    expect(list[0].userAgent).toContain('Firefox');
    expect(await endOtherSessions(here)).toBe(1);
    expect(await findSessionUser(there.sessionId!, user.id)).toBeNull();
    expect(await findSessionUser(here.sessionId!, user.id)).not.toBeNull();
  });

  it('changing the password needs the current one and ends every session', async () => {
    const user = await makeUser('Changer');
    const s = await loggedIn(user.email);
    await expect(changePassword(user.id, 'wrong', 'new password 1')).rejects.toMatchObject({ code: 'INVALID', field: 'currentPassword' });
    expect(await findSessionUser(s.sessionId!, user.id)).not.toBeNull();
    await changePassword(user.id, PASSWORD, 'new password 1');
    expect(await findSessionUser(s.sessionId!, user.id)).toBeNull();
    expect(await verifyCredentials(user.email, PASSWORD)).toBeNull();
    expect(await verifyCredentials(user.email, 'new password 1')).toMatchObject({ id: user.id });
  });
});

describe('operator commands without email', () => {
  it('verify-email marks the address verified (once) and says when there is no account', async () => {
    const email = uniqueEmail('op');
    await signUpAs(email);
    expect(await verifyEmailByOperator(email)).toBe('verified');
    expect((await findUserByEmail(email))!.emailVerified).toBe(true);
    expect(await verifyEmailByOperator(email)).toBe('already-verified');
    expect(await verifyEmailByOperator(uniqueEmail('none'))).toBe('no-account');
  });
});
