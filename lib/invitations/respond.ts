import 'server-only';
import { and, count, eq, gt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { getDb, type Tx } from '@/db/client';
import { datasets, invitations, teams, users } from '@/db/schema';
import { logActivity } from '@/lib/activity';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { config } from '@/lib/config';
import { statsForDatasets } from '@/lib/files';
import { AppError } from '@/lib/errors';
import { markEmailVerified, type SessionUser } from '@/lib/users';
import { grantFromInvitation, landingPath, targetColumns, targetOf, type InvitationTarget } from './targets';
import { hashInvitationToken, isWellFormedToken } from './tokens';

export type InvitationState = 'invalid' | 'expired' | 'revoked' | 'accepted' | 'declined' | 'pending';

export type InvitationView = {
  state: InvitationState;
  id?: string;
  email?: string;
  role?: string;
  targetKind?: 'dataset' | 'team';
  targetName?: string;
  landing?: string;
  inviterName?: string | null;
  expiresAt?: Date;
  /** Pending invitations only: what the invitee is deciding about. */
  details?: InvitationDetails;
};

/** The inviter's message and, for a dataset, its description and size: shown with a pending invitation. */
export type InvitationDetails = { message: string; description: string; fileCount: number; totalSize: number; accessUntil: Date | null };

const inviter = alias(users, 'inviter');

function summaryQuery(where: SQL) {
  return getDb().then((db) =>
    db
      .select({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        status: invitations.status,
        expiresAt: invitations.expiresAt,
        message: invitations.message,
        accessUntil: invitations.accessUntil,
        datasetDescription: datasets.description,
        datasetId: invitations.datasetId,
        teamId: invitations.teamId,
        invitedBy: invitations.invitedBy,
        datasetName: datasets.name,
        teamName: teams.name,
        inviterName: inviter.name,
        inviterEmail: inviter.email,
      })
      .from(invitations)
      .leftJoin(datasets, eq(datasets.id, invitations.datasetId))
      .leftJoin(teams, eq(teams.id, invitations.teamId))
      .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
      .where(where),
  );
}

function stateOf(row: { status: string; expiresAt: Date }): InvitationState {
  if (row.status === 'pending' && row.expiresAt.getTime() <= Date.now()) return 'expired';
  return row.status as InvitationState;
}

/** What /invite/<token> shows. Reading never changes anything (mail scanners open links). */
export async function viewInvitation(token: string): Promise<InvitationView> {
  if (!isWellFormedToken(token)) return { state: 'invalid' };
  const [row] = await summaryQuery(eq(invitations.tokenHash, hashInvitationToken(token)));
  if (!row) return { state: 'invalid' };
  const target = targetOf(row);
  const state = stateOf(row);
  return {
    state,
    details: state === 'pending' ? (await detailsOf([row])).get(row.id) : undefined,
    id: row.id,
    email: row.email,
    role: row.role,
    targetKind: target.kind,
    targetName: (row.datasetName ?? row.teamName) ?? '',
    landing: landingPath(target),
    inviterName: row.inviterName,
    expiresAt: row.expiresAt,
  };
}

export type InvitationRef = { token: string } | { id: string };

const UNVERIFIED = 'Verify your email address first: invitations are listed and answered here only for a proven address. The link in the invitation email works too.';

/**
 * Answering by id (the inbox) trusts the account's address, so it needs a verified one; a token was
 * mailed to the invited address, so holding it is the proof.
 */
function assertMayUseRef(user: SessionUser, ref: InvitationRef): void {
  if ('id' in ref && !user.emailVerified) throw new AppError('FORBIDDEN', UNVERIFIED);
}

function refWhere(ref: InvitationRef): SQL | null {
  if ('token' in ref) return isWellFormedToken(ref.token) ? eq(invitations.tokenHash, hashInvitationToken(ref.token)) : null;
  return /^[0-9a-f-]{36}$/i.test(ref.id) ? eq(invitations.id, ref.id) : null;
}

/**
 * Accepts for a user whose email is the invited one: one transaction marks it accepted only if still
 * pending (conditional UPDATE … RETURNING) and creates the grant (ON CONFLICT). Accepting again is a no-op.
 */
export async function acceptInvitation(user: SessionUser, ref: InvitationRef): Promise<{ landing: string }> {
  assertMayUseRef(user, ref);
  const where = refWhere(ref);
  if (!where) throw new AppError('NOT_FOUND', 'This invitation link is not valid.');
  const db = await getDb();
  const outcome = await db.transaction(async (tx) => {
    const [won] = await tx
      .update(invitations)
      .set({ status: 'accepted', acceptedBy: user.id, updatedAt: new Date() })
      .where(and(where, eq(invitations.status, 'pending'), eq(invitations.email, user.email), gt(invitations.expiresAt, sql`now()`)))
      .returning({ id: invitations.id, role: invitations.role, datasetId: invitations.datasetId, teamId: invitations.teamId, invitedBy: invitations.invitedBy, accessUntil: invitations.accessUntil });
    if (!won) return null;
    // The token was mailed to this address: accepting with it proves the address is the user's.
    if ('token' in ref) await markEmailVerified(tx, user.id, user.email);
    const target = targetOf(won);
    // An "access until" already past by now grants nothing, like any expired grant.
    await grantFromInvitation(tx, target, user.id, won.role, won.invitedBy, won.accessUntil);
    await logActivity(tx, user.id, targetColumns(target), 'invitation.accepted', { email: user.email, role: won.role });
    await notifyInviter(tx, won.invitedBy, user, target);
    return { landing: landingPath(target) };
  });
  if (outcome) {
    kickEmailWorker();
    return outcome;
  }
  // Nothing changed: say why, and treat a repeat accept by the same user as success.
  const [row] = await summaryQuery(where);
  if (!row) throw new AppError('NOT_FOUND', 'This invitation link is not valid.');
  if (row.status === 'accepted' && row.email === user.email) return { landing: landingPath(targetOf(row)) };
  if (row.email !== user.email) throw new AppError('FORBIDDEN', 'This invitation was sent to a different email address.');
  const state = stateOf(row);
  if (state === 'expired') throw new AppError('EXPIRED', `This invitation has expired. Ask ${row.inviterName ?? 'the person who invited you'} to extend it.`);
  throw new AppError('NOT_FOUND', `This invitation is no longer valid (${state}).`);
}

async function notifyInviter(tx: Tx, inviterId: string | null, user: SessionUser, target: InvitationTarget) {
  if (!inviterId || !isEmailConfigured()) return;
  const [inv] = await tx.select({ email: users.email }).from(users).where(eq(users.id, inviterId));
  const name =
    target.kind === 'dataset'
      ? (await tx.select({ n: datasets.name }).from(datasets).where(eq(datasets.id, target.id)))[0]?.n
      : (await tx.select({ n: teams.name }).from(teams).where(eq(teams.id, target.id)))[0]?.n;
  if (!inv || !name) return;
  await enqueueEmail(tx, {
    to: inv.email,
    email: { kind: 'invitation-accepted', inviteeName: user.name, inviteeEmail: user.email, targetKind: target.kind, targetName: name, link: `${config.appUrl}${landingPath(target)}` },
  });
}

/** Declines a pending invitation addressed to the user. */
export async function declineInvitation(user: SessionUser, ref: InvitationRef): Promise<void> {
  assertMayUseRef(user, ref);
  const where = refWhere(ref);
  if (!where) throw new AppError('NOT_FOUND', 'This invitation link is not valid.');
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ status: 'declined', updatedAt: new Date() })
      .where(and(where, eq(invitations.status, 'pending'), eq(invitations.email, user.email)))
      .returning({ datasetId: invitations.datasetId, teamId: invitations.teamId });
    if (!row) throw new AppError('NOT_FOUND', 'This invitation is no longer pending.');
    await logActivity(tx, user.id, targetColumns(targetOf(row)), 'invitation.declined', { email: user.email });
  });
}

async function detailsOf(rows: { id: string; datasetId: string | null; message: string; accessUntil: Date | null; datasetDescription: string | null }[]): Promise<Map<string, InvitationDetails>> {
  const db = await getDb();
  const stats = await statsForDatasets(db, rows.flatMap((r) => (r.datasetId ? [r.datasetId] : [])));
  return new Map(
    rows.map((r) => [
      r.id,
      { message: r.message, description: r.datasetDescription ?? '', accessUntil: r.accessUntil, ...(stats.get(r.datasetId ?? '') ?? { fileCount: 0, totalSize: 0 }) },
    ]),
  );
}

/** The user's pending, unexpired invitations, newest first (for /invitations); none until the address is verified. */
export async function listMyInvitations(user: SessionUser) {
  if (!user.emailVerified) return [];
  const rows = await summaryQuery(and(eq(invitations.email, user.email), eq(invitations.status, 'pending'), gt(invitations.expiresAt, sql`now()`))!);
  const details = await detailsOf(rows);
  return rows
    .sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime())
    .map((r) => ({
      id: r.id,
      role: r.role,
      targetKind: targetOf(r).kind,
      targetName: (r.datasetName ?? r.teamName) ?? '',
      inviterName: r.inviterName,
      inviterEmail: r.inviterEmail,
      expiresAt: r.expiresAt,
      details: details.get(r.id)!,
    }));
}

/** Count for the header's Invitations link. */
export async function countMyInvitations(user: SessionUser): Promise<number> {
  if (!user.emailVerified) return 0;
  const db = await getDb();
  const [row] = await db
    .select({ n: count() })
    .from(invitations)
    .where(and(eq(invitations.email, user.email), eq(invitations.status, 'pending'), gt(invitations.expiresAt, sql`now()`)));
  return Number(row?.n ?? 0);
}
