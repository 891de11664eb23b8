import 'server-only';
import { eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { datasets } from '@/db/schema';
import { authorizeDataset, cursorOf, getDatasetAccess, INVENTORY_COUNT_BOUND, inventoryCount, inventoryPage, parseCursor, refreshAccessIndex, type DatasetRole } from '@/lib/access';
import { listActivityActors, listActivityFor, listActivityPage, logActivity, type ActivityPageOptions } from '@/lib/activity';
import { AppError, isUniqueViolation } from '@/lib/errors';
import { getDatasetStats, type DatasetStats } from '@/lib/files';
import { userCard } from '@/lib/user-card';
import { enqueueDatasetBlobs, kickBlobDeletions } from '@/lib/storage/deletions';
import { hasUnsafeChars } from '@/lib/validation/common';
import type { InventoryFilter } from '@/lib/validation/datasets';

export const PAGE_SIZE = 50;

export type InventoryRow = {
  id: string;
  name: string;
  description: string;
  role: DatasetRole;
  viaTeamOnly: boolean;
  /** The team the role comes from, when a team's grant gives it (not ownership or a direct grant). */
  viaTeam: string | null;
  owner: { name: string; email: string };
  updatedAt: Date;
} & DatasetStats;

const nameTaken = () => new AppError('CONFLICT', 'You already have a dataset with this name.', 'name');

export type InventoryOptions = { filter: InventoryFilter; q: string; after?: string; before?: string };

/**
 * The datasets a user can access (owned, shared directly, shared via a team), newest update first,
 * 50 a page with keyset links (`after` / `before` a row's cursor). Read from the access index, so the
 * cost follows the page size, not how many datasets the user reaches; the total is exact up to
 * INVENTORY_COUNT_BOUND ("5,000+" beyond).
 */
export async function listDatasetsForUser(userId: string, opts: InventoryOptions) {
  // PostgreSQL refuses NUL in text (22021): say so rather than fail.
  if (hasUnsafeChars(opts.q)) throw new AppError('INVALID', 'The search contains characters that are not allowed.', 'q');
  const db = await getDb();
  const after = parseCursor(opts.after);
  const before = after ? undefined : parseCursor(opts.before);
  await refreshAccessIndex(db, userId);
  const rows = await inventoryPage(db, userId, { filter: opts.filter, q: opts.q, after, before, limit: PAGE_SIZE });
  const more = rows.length > PAGE_SIZE;
  const page = before ? (more ? rows.slice(1) : rows) : rows.slice(0, PAGE_SIZE);
  // Each row carries the bounded total; a page past the end (a stale link) has none to carry it.
  const { total, bounded } =
    rows.length > 0
      ? { total: Math.min(rows[0].matching, INVENTORY_COUNT_BOUND), bounded: rows[0].matching > INVENTORY_COUNT_BOUND }
      : after || before
        ? await inventoryCount(db, userId, opts)
        : { total: 0, bounded: false };
  const items: InventoryRow[] = page.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    role: r.role,
    viaTeamOnly: r.role !== 'owner' && !r.direct,
    viaTeam: r.viaTeam,
    owner: { name: r.ownerName, email: r.ownerEmail },
    updatedAt: r.updatedAt,
    fileCount: r.fileCount,
    totalSize: r.fileBytes + r.historyBytes,
    historySize: r.historyBytes,
  }));
  const first = page[0];
  const last = page.at(-1);
  return {
    items,
    total,
    /** true when there are more than `total` (INVENTORY_COUNT_BOUND) */
    bounded,
    next: last && (before || more) ? cursorOf(last) : null,
    previous: first && (before ? more : !!after) ? cursorOf(first) : null,
  };
}

/** Creates a dataset owned by the user; a name they already use (any case) → field error. */
export async function createDataset(userId: string, input: { name: string; description: string }): Promise<{ id: string }> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx.insert(datasets).values({ ownerId: userId, name: input.name, description: input.description }).returning({ id: datasets.id });
      await logActivity(tx, userId, { datasetId: row.id }, 'dataset.created', { name: input.name });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/** Everything the details page shows about the dataset itself, for a user who can see it. */
export async function getDatasetDetails(userId: string, datasetId: string) {
  const db = await getDb();
  const access = await getDatasetAccess(db, userId, datasetId);
  const owner = await userCard(access.dataset.ownerId);
  const stats = await getDatasetStats(db, datasetId);
  const { id, name, description, readOnly, createdAt, updatedAt } = access.dataset;
  return { id, name, description, readOnly, createdAt, updatedAt, owner, role: access.role, directGrant: access.directGrant, ...stats };
}

/** Owner: renames the dataset. */
export async function renameDataset(userId: string, datasetId: string, name: string): Promise<void> {
  const db = await getDb();
  try {
    await db.transaction(async (tx) => {
      const { dataset } = await authorizeDataset(tx, userId, datasetId, 'dataset.admin');
      await tx.update(datasets).set({ name, updatedAt: new Date() }).where(eq(datasets.id, datasetId));
      await logActivity(tx, userId, { datasetId }, 'dataset.renamed', { from: dataset.name, to: name });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/** Managers and owner: edits the description. */
export async function describeDataset(userId: string, datasetId: string, description: string): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await authorizeDataset(tx, userId, datasetId, 'dataset.describe');
    await tx.update(datasets).set({ description, updatedAt: new Date() }).where(eq(datasets.id, datasetId));
    await logActivity(tx, userId, { datasetId }, 'dataset.described');
  });
}

/** Owner: locks the dataset read-only (every file write refused) or unlocks it. */
export async function setDatasetReadOnly(userId: string, datasetId: string, readOnly: boolean): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await authorizeDataset(tx, userId, datasetId, 'dataset.admin');
    await tx.update(datasets).set({ readOnly }).where(eq(datasets.id, datasetId));
    await logActivity(tx, userId, { datasetId }, readOnly ? 'dataset.locked' : 'dataset.unlocked');
  });
}

/**
 * Owner: deletes the dataset after they typed its name; entries, grants, invitations and activity go
 * with it (foreign keys cascade). Its blobs are queued for deletion in the same transaction and deleted
 * in the background (lib/storage/deletions.ts), so a crash cannot leave them behind.
 */
export async function deleteDataset(userId: string, datasetId: string, confirmName: string): Promise<{ queuedBlobs: number }> {
  const db = await getDb();
  const result = await db.transaction(async (tx) => {
    const { dataset } = await authorizeDataset(tx, userId, datasetId, 'dataset.admin');
    if (confirmName.trim() !== dataset.name) throw new AppError('INVALID', 'Type the dataset’s name exactly to confirm.', 'confirmName');
    // File writes update this row in their transactions: locking it means an upload committing now
    // either finishes first (and its blob is queued below) or waits and then finds no dataset.
    await tx.select({ id: datasets.id }).from(datasets).where(eq(datasets.id, datasetId)).for('update');
    const queuedBlobs = await enqueueDatasetBlobs(tx, datasetId);
    await tx.delete(datasets).where(eq(datasets.id, datasetId));
    return { queuedBlobs };
  });
  kickBlobDeletions();
  return result;
}

/** Managers and owner: the dataset's activity, newest first. */
export async function listDatasetActivity(userId: string, datasetId: string, limit = 50) {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'access.manage');
  return listActivityFor(db, { datasetId }, limit);
}

/** Managers and owner: one page of the dataset's activity (filters and cursor as lib/activity.ts reads them) and the people in it. */
export async function listDatasetActivityPage(userId: string, datasetId: string, options: ActivityPageOptions = {}) {
  const db = await getDb();
  await authorizeDataset(db, userId, datasetId, 'access.manage');
  const [page, actors] = await Promise.all([listActivityPage(db, { datasetId }, options), listActivityActors(db, { datasetId })]);
  return { ...page, actors };
}
