import 'server-only';
import { and, asc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { getDb, type Db, type Tx } from '@/db/client';
import { accessRequests, datasetGrants, datasets, users } from '@/db/schema';
import { authorizeDataset, getDatasetAccess, grantableRoles, type GrantRole } from '@/lib/access';
import { logActivity } from '@/lib/activity';
import { enqueueEmail, isEmailConfigured, kickEmailWorker } from '@/lib/email';
import { AppError } from '@/lib/errors';
import { grantFromInvitation } from '@/lib/invitations/targets';
import { allowRateEvent } from '@/lib/rate-limit';
import type { SessionUser } from '@/lib/users';
import { hasUnsafeChars } from '@/lib/validation/common';

/** Access requests one user may send per hour, whichever datasets they name (real or not). */
export const ACCESS_REQUESTS_PER_HOUR = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Request access" from the 404 a user without access sees. The answer is the same whether the
 * dataset exists or not, whether a request is already pending, or whether they have access after
 * all: nothing about the dataset leaks. Only a real dataset's managers and owner hear of it (by email,
 * and under People). Counted against the hourly limit either way.
 */
export async function requestAccess(user: SessionUser, datasetId: string, message: string): Promise<void> {
  const text = message.trim();
  if (text.length > 500) throw new AppError('INVALID', 'Keep the message under 500 characters.', 'message');
  if (hasUnsafeChars(text.replace(/[\n\r\t]/g, ' '))) throw new AppError('INVALID', 'The message contains characters that are not allowed.', 'message');
  if (!(await allowRateEvent(`access-request:${user.id}`, ACCESS_REQUESTS_PER_HOUR, 3_600_000))) {
    throw new AppError('RATE_LIMITED', 'You have sent many access requests in the last hour. Try again later.');
  }
  if (!UUID.test(datasetId)) return;
  const db = await getDb();
  const queued = await db.transaction(async (tx) => {
    const [ds] = await tx.select({ id: datasets.id, name: datasets.name, ownerId: datasets.ownerId }).from(datasets).where(eq(datasets.id, datasetId));
    if (!ds) return false;
    const has = await getDatasetAccess(tx, user.id, datasetId).then(
      () => true,
      (err) => {
        if (err instanceof AppError && err.code === 'NOT_FOUND') return false;
        throw err;
      },
    );
    if (has) return false;
    const [created] = await tx
      .insert(accessRequests)
      .values({ datasetId, userId: user.id, message: text })
      .onConflictDoNothing({ target: [accessRequests.datasetId, accessRequests.userId], where: sql`status = 'pending'` })
      .returning({ id: accessRequests.id });
    if (!created) return false; // already asked: no second round of emails
    await logActivity(tx, user.id, { datasetId }, 'access.requested', { email: user.email });
    if (!isEmailConfigured()) return false;
    for (const to of await managerEmails(tx, ds.id, ds.ownerId)) {
      await enqueueEmail(tx, {
        to,
        email: {
          kind: 'notice',
          subject: `${user.name} asks for access to “${ds.name}”`,
          heading: `${user.name} asks for access to “${ds.name}”`,
          lines: [`${user.name} (${user.email}) would like access to the dataset “${ds.name}”.`, ...(text ? [`Their message: “${text}”`] : []), 'Approve (choosing a role) or deny the request under People with access.'],
          action: 'Review the request',
          link: `/datasets/${ds.id}#people`,
          footer: 'You get this because you manage this dataset.',
        },
      });
    }
    return true;
  });
  if (queued) kickEmailWorker();
}

/** The owner and everyone with an active direct manager grant. */
async function managerEmails(tx: Tx, datasetId: string, ownerId: string): Promise<string[]> {
  const [owner] = await tx.select({ email: users.email }).from(users).where(eq(users.id, ownerId));
  const managers = await tx
    .select({ email: users.email })
    .from(datasetGrants)
    .innerJoin(users, eq(users.id, datasetGrants.userId))
    .where(and(eq(datasetGrants.datasetId, datasetId), eq(datasetGrants.role, 'manager'), or(isNull(datasetGrants.expiresAt), gt(datasetGrants.expiresAt, sql`now()`))));
  return [...new Set([owner?.email, ...managers.map((m) => m.email)].filter((e): e is string => !!e))];
}

export type PendingAccessRequest = { id: string; name: string; email: string; message: string; createdAt: Date };

/** Pending requests of a dataset, oldest first (the caller has authorized access.manage). */
export async function listAccessRequests(db: Db | Tx, datasetId: string): Promise<PendingAccessRequest[]> {
  return db
    .select({ id: accessRequests.id, name: users.name, email: users.email, message: accessRequests.message, createdAt: accessRequests.createdAt })
    .from(accessRequests)
    .innerJoin(users, eq(users.id, accessRequests.userId))
    .where(and(eq(accessRequests.datasetId, datasetId), eq(accessRequests.status, 'pending')))
    .orderBy(asc(accessRequests.createdAt));
}

/**
 * Managers/owner approve (at a role they may give, through the same grant path as an accepted
 * invitation) or deny a pending request; the requester is emailed the outcome.
 */
export async function decideAccessRequest(user: SessionUser, datasetId: string, requestId: string, decision: 'approve' | 'deny', role: GrantRole = 'viewer'): Promise<{ email: string }> {
  if (!UUID.test(requestId)) throw new AppError('NOT_FOUND', 'That request is no longer pending.');
  const db = await getDb();
  const out = await db.transaction(async (tx) => {
    const { dataset, role: mine } = await authorizeDataset(tx, user.id, datasetId, 'access.manage');
    if (decision === 'approve' && !grantableRoles(mine).includes(role)) throw new AppError('FORBIDDEN', 'You cannot give that role.', 'role');
    const [req] = await tx
      .select({ id: accessRequests.id, userId: accessRequests.userId, email: users.email, name: users.name })
      .from(accessRequests)
      .innerJoin(users, eq(users.id, accessRequests.userId))
      .where(and(eq(accessRequests.id, requestId), eq(accessRequests.datasetId, datasetId), eq(accessRequests.status, 'pending')))
      .for('update', { of: accessRequests });
    if (!req) throw new AppError('NOT_FOUND', 'That request is no longer pending.');
    if (decision === 'approve') await grantFromInvitation(tx, { kind: 'dataset', id: datasetId }, req.userId, role, user.id);
    await tx.update(accessRequests).set({ status: decision === 'approve' ? 'approved' : 'denied', decidedBy: user.id, decidedAt: new Date() }).where(eq(accessRequests.id, req.id));
    await logActivity(tx, user.id, { datasetId }, decision === 'approve' ? 'access.approved' : 'access.denied', { email: req.email, ...(decision === 'approve' ? { role } : {}) });
    if (isEmailConfigured()) {
      await enqueueEmail(tx, {
        to: req.email,
        email:
          decision === 'approve'
            ? {
                kind: 'notice',
                subject: `You now have access to “${dataset.name}”`,
                heading: `Access granted: “${dataset.name}”`,
                lines: [`Hi ${req.name},`, `${user.name} approved your request: you are now ${role === 'editor' ? 'an editor' : `a ${role}`} of the dataset “${dataset.name}”.`],
                action: 'Open the dataset',
                link: `/datasets/${datasetId}`,
                footer: 'You get this because you asked for access.',
              }
            : {
                kind: 'notice',
                subject: `Your request for “${dataset.name}” was declined`,
                heading: 'Access request declined',
                lines: [`Hi ${req.name},`, `${user.name} declined your request for access to the dataset “${dataset.name}”. Ask them directly if you think this is a mistake.`],
                action: 'Go to your datasets',
                link: '/datasets',
                footer: 'You get this because you asked for access.',
              },
      });
      return { email: req.email, queued: true };
    }
    return { email: req.email, queued: false };
  });
  if (out.queued) kickEmailWorker();
  return { email: out.email };
}
