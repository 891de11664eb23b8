import 'server-only';
import { and, desc, eq, inArray, isNull, lte, lt, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { emailOutbox, invitations } from '@/db/schema';
import { toAppPath } from './links';
import { emailMessageSchema, outgoingEmailSchema, type EmailMessage, type OutboxStatus, type OutgoingEmail } from './types';

export type OutboxRow = typeof emailOutbox.$inferSelect;

/**
 * Adds an email to the outbox inside the caller's transaction, so it commits (or rolls back) with the
 * change that caused it. Returns the row id (also the Resend Idempotency-Key). Call kickEmailWorker()
 * after the transaction commits for prompt delivery. Supersedes unsent invitation emails of the same invitation.
 * The email is rendered here, once, and stored: every attempt, from any instance, sends the same bytes
 * under the same Idempotency-Key (Resend refuses a changed body with 422).
 */
export async function enqueueEmail(tx: Db | Tx, input: { to: string; email: EmailMessage; invitationId?: string | null }): Promise<string> {
  // Only an app path is accepted, and the link is built from this instance's APP_URL: never from a Host header.
  const email = emailMessageSchema.parse({ ...input.email, link: toAppPath(input.email.link) });
  // Loaded on first use: React Email stays out of request bundles that never send email.
  const { renderOutgoing } = await import('./render');
  const rendered = await renderOutgoing(email);
  if (input.invitationId && email.kind === 'invitation') {
    // A new invitation email (Resend) carries a new link; an unsent older one would carry a dead link.
    await tx
      .update(emailOutbox)
      .set({ status: 'failed', lastError: 'superseded', leaseUntil: null })
      .where(and(eq(emailOutbox.invitationId, input.invitationId), eq(emailOutbox.kind, 'invitation'), eq(emailOutbox.status, 'pending')));
  }
  const [row] = await tx
    .insert(emailOutbox)
    .values({ kind: email.kind, to: input.to, payload: { ...email, rendered }, invitationId: input.invitationId ?? null })
    .returning({ id: emailOutbox.id });
  return row.id;
}

/**
 * Invitation emails whose invitation was revoked, accepted or declined before they went out would only
 * carry a dead link: mark them failed instead of sending them. (Deleted invitations take their emails along.)
 */
export async function cancelWithdrawnInvitationEmails(db: Db, ids?: string[]): Promise<number> {
  const gone = await db
    .update(emailOutbox)
    .set({ status: 'failed', lastError: 'invitation withdrawn before sending', leaseUntil: null })
    .where(
      and(
        eq(emailOutbox.status, 'pending'),
        eq(emailOutbox.kind, 'invitation'),
        sql`exists (select 1 from ${invitations} where ${invitations.id} = ${emailOutbox.invitationId} and ${invitations.status} <> 'pending')`,
        ids ? inArray(emailOutbox.id, ids) : undefined,
      ),
    )
    .returning({ id: emailOutbox.id });
  return gone.length;
}

/**
 * Claims up to `limit` due rows in one statement: SKIP LOCKED keeps concurrent claimers off each
 * other's rows, the lease keeps them off after commit, and `attempts` (incremented here) is the fencing
 * token every later update of the row must match.
 */
export async function claimDueEmails(db: Db, opts: { limit: number; leaseMs: number; ids?: string[] }): Promise<OutboxRow[]> {
  const due = db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(
      and(
        eq(emailOutbox.status, 'pending'),
        lte(emailOutbox.nextAttemptAt, sql`now()`),
        or(isNull(emailOutbox.leaseUntil), lt(emailOutbox.leaseUntil, sql`now()`)),
        opts.ids ? inArray(emailOutbox.id, opts.ids) : undefined,
      ),
    )
    .orderBy(emailOutbox.nextAttemptAt)
    .limit(opts.limit)
    .for('update', { skipLocked: true });
  return db
    .update(emailOutbox)
    .set({ leaseUntil: sql`now() + ${opts.leaseMs} * interval '1 millisecond'`, attempts: sql`${emailOutbox.attempts} + 1` })
    .where(inArray(emailOutbox.id, due))
    .returning();
}

type Held = Pick<OutboxRow, 'id' | 'attempts'>;

// Only the holder of the current claim may change the row (see claimDueEmails).
const held = (row: Held) => and(eq(emailOutbox.id, row.id), eq(emailOutbox.attempts, row.attempts), eq(emailOutbox.status, 'pending'));

/** Records a successful send. */
export async function markSent(db: Db, row: Held, providerId: string | null): Promise<void> {
  await db.update(emailOutbox).set({ status: 'sent', providerId, sentAt: sql`now()`, leaseUntil: null, lastError: null }).where(held(row));
}

/** The stored, rendered email of a row; null for rows enqueued before emails were rendered on enqueue. */
export function storedOutgoing(payload: unknown): OutgoingEmail | null {
  const parsed = outgoingEmailSchema.safeParse((payload as { rendered?: unknown } | null)?.rendered);
  return parsed.success ? parsed.data : null;
}

/**
 * Stores the rendering of an older row before its first send, so that later attempts reuse it.
 * Returns what is stored now (another holder's rendering, if it got there first).
 */
export async function storeOutgoing(db: Db, row: Held, rendered: OutgoingEmail): Promise<OutgoingEmail | null> {
  const [r] = await db
    .update(emailOutbox)
    .set({ payload: sql`jsonb_set(${emailOutbox.payload}, '{rendered}', ${JSON.stringify(rendered)}::jsonb)` })
    .where(and(held(row), sql`not (${emailOutbox.payload} ? 'rendered')`))
    .returning({ payload: emailOutbox.payload });
  if (r) return storedOutgoing(r.payload);
  const [current] = await db.select({ payload: emailOutbox.payload }).from(emailOutbox).where(eq(emailOutbox.id, row.id));
  return current ? storedOutgoing(current.payload) : null;
}

/** Schedules another attempt after `delayMs`. */
export async function markRetry(db: Db, row: Held, delayMs: number, error: string): Promise<void> {
  await db
    .update(emailOutbox)
    .set({ nextAttemptAt: sql`now() + ${Math.round(delayMs)} * interval '1 millisecond'`, leaseUntil: null, lastError: error })
    .where(held(row));
}

/** Gives up on a row for good. */
export async function markFailed(db: Db, row: Held, error: string): Promise<void> {
  await db.update(emailOutbox).set({ status: 'failed', leaseUntil: null, lastError: error }).where(held(row));
}

/**
 * Hands claimed rows back (shutdown). `attempted: false` rows were never sent, so their claim does not
 * count as an attempt; `true` rows may have reached Resend, and a retry reuses the Idempotency-Key.
 */
export async function releaseEmails(db: Db, rows: Held[], attempted: boolean): Promise<void> {
  for (const row of rows) {
    await db
      .update(emailOutbox)
      .set({ leaseUntil: null, ...(attempted ? {} : { attempts: sql`${emailOutbox.attempts} - 1` }) })
      .where(held(row));
  }
}

/** Status of the latest invitation email of each invitation, for the access list ("email failed"). */
export async function emailStatusForInvitations(db: Db | Tx, invitationIds: string[]): Promise<Map<string, OutboxStatus>> {
  const out = new Map<string, OutboxStatus>();
  if (invitationIds.length === 0) return out;
  const rows = await db
    .selectDistinctOn([emailOutbox.invitationId], { invitationId: emailOutbox.invitationId, status: emailOutbox.status })
    .from(emailOutbox)
    .where(and(inArray(emailOutbox.invitationId, invitationIds), eq(emailOutbox.kind, 'invitation')))
    .orderBy(emailOutbox.invitationId, desc(emailOutbox.createdAt), desc(emailOutbox.id));
  for (const r of rows) if (r.invitationId) out.set(r.invitationId, r.status);
  return out;
}
