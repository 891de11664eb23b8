import 'server-only';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { activityEvents, users } from '@/db/schema';

type Target = { datasetId: string; teamId?: never } | { teamId: string; datasetId?: never };

/** Appends an activity event (returning its id); call it inside the transaction that made the change. */
export async function logActivity(db: Db | Tx, actorId: string | null, target: Target, action: string, detail: Record<string, unknown> = {}): Promise<string> {
  const [row] = await db.insert(activityEvents).values({ ...target, actorId, action, detail }).returning({ id: activityEvents.id });
  return row.id;
}

export type ActivityItem = { id: string; action: string; detail: Record<string, unknown>; createdAt: Date; actorName: string | null; actorEmail: string | null };

/** Newest-first events of a dataset or team. Callers authorize first (lib/access.ts / lib/teams.ts). */
export async function listActivityFor(db: Db | Tx, target: Target, limit = 50): Promise<ActivityItem[]> {
  const where = target.datasetId ? eq(activityEvents.datasetId, target.datasetId) : eq(activityEvents.teamId, target.teamId!);
  const rows = await db
    .select({
      id: activityEvents.id,
      action: activityEvents.action,
      detail: activityEvents.detail,
      createdAt: activityEvents.createdAt,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(activityEvents)
    .leftJoin(users, eq(users.id, activityEvents.actorId))
    .where(and(where))
    .orderBy(desc(activityEvents.createdAt), desc(activityEvents.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, detail: r.detail as Record<string, unknown> }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function commonFolder(a: string, b: string): string {
  const x = a ? a.split('/') : [];
  const y = b ? b.split('/') : [];
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('/');
}

/**
 * Records an upload. Files sent as one batch (a folder or a multi-file pick; `batch` is the client's
 * id for it) make one event — "uploaded 20 files to imgs/" — counted up as each file commits;
 * a lone file, or one without a usable batch id, makes its own event.
 */
export async function logUpload(tx: Tx, actorId: string, datasetId: string, file: { path: string; size: number; created: boolean; folder: string }, batch?: string, via?: string): Promise<void> {
  if (!batch || !UUID.test(batch) || !file.created || via) {
    await logActivity(tx, actorId, { datasetId }, file.created ? 'file.uploaded' : 'file.replaced', { path: file.path, size: file.size, ...(via ? { via } : {}) });
    return;
  }
  // The batch's files commit in parallel: one at a time may count itself in.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`upload-batch:${batch}`}))`);
  const [event] = await tx
    .select({ id: activityEvents.id, detail: activityEvents.detail })
    .from(activityEvents)
    .where(and(eq(activityEvents.datasetId, datasetId), eq(activityEvents.actorId, actorId), eq(activityEvents.action, 'files.uploaded'), sql`${activityEvents.detail}->>'batch' = ${batch}`, gt(activityEvents.createdAt, sql`now() - interval '1 day'`)));
  if (!event) {
    await logActivity(tx, actorId, { datasetId }, 'files.uploaded', { batch, files: 1, bytes: file.size, folder: file.folder, path: file.path });
    return;
  }
  const d = event.detail as { files: number; bytes: number; folder: string };
  await tx
    .update(activityEvents)
    .set({ detail: { batch, files: d.files + 1, bytes: d.bytes + file.size, folder: commonFolder(d.folder, file.folder) }, createdAt: sql`now()` })
    .where(eq(activityEvents.id, event.id));
}
