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

/** Kinds of dataset activity the Activity tab filters by (each a set of action prefixes). */
export const ACTIVITY_KINDS = {
  files: { label: 'Files', prefixes: ['file.', 'files.', 'folder.', 'entry.', 'entries.'] },
  sharing: { label: 'Sharing', prefixes: ['invitation.', 'grant.', 'request.'] },
  dataset: { label: 'Dataset', prefixes: ['dataset.'] },
} as const;
export type ActivityKind = keyof typeof ACTIVITY_KINDS;
export const kindOf = (action: string): ActivityKind | 'other' =>
  (Object.keys(ACTIVITY_KINDS) as ActivityKind[]).find((k) => ACTIVITY_KINDS[k].prefixes.some((p) => action.startsWith(p))) ?? 'other';

export type ActivityPageOptions = { before?: string | null; actorId?: string | null; kind?: string | null; limit?: number };
export type ActivityPage = { items: (ActivityItem & { actorId: string | null })[]; older: string | null };

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/i;

/**
 * One page of a dataset's or team's activity, newest first, optionally one person's or one kind's;
 * `older` is the cursor of the next page (keyset on time and id, so new events never shift pages).
 * Callers authorize first. A malformed cursor or filter means "no filter".
 */
export async function listActivityPage(db: Db | Tx, target: Target, options: ActivityPageOptions = {}): Promise<ActivityPage> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 200));
  const conds = [target.datasetId ? eq(activityEvents.datasetId, target.datasetId) : eq(activityEvents.teamId, target.teamId!)];
  const cursor = options.before ? CURSOR.exec(options.before) : null;
  if (cursor) {
    const at = cursor[1];
    conds.push(sql`(${activityEvents.createdAt}, ${activityEvents.id}) < (${at}::timestamptz, ${cursor[2]}::uuid)`);
  }
  if (options.actorId && UUID.test(options.actorId)) conds.push(eq(activityEvents.actorId, options.actorId));
  if (options.kind && options.kind in ACTIVITY_KINDS) {
    const prefixes = ACTIVITY_KINDS[options.kind as ActivityKind].prefixes;
    conds.push(sql`(${sql.join(prefixes.map((p) => sql`starts_with(${activityEvents.action}, ${p}::text)`), sql` or `)})`);
  }
  const rows = await db
    .select({
      id: activityEvents.id,
      action: activityEvents.action,
      detail: activityEvents.detail,
      createdAt: activityEvents.createdAt,
      actorId: activityEvents.actorId,
      actorName: users.name,
      actorEmail: users.email,
      // The cursor keeps PostgreSQL's microseconds (a JS Date would cut them to milliseconds and skip events).
      at: sql<string>`to_char(${activityEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(activityEvents)
    .leftJoin(users, eq(users.id, activityEvents.actorId))
    .where(and(...conds))
    .orderBy(desc(activityEvents.createdAt), desc(activityEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const items = page.map((r) => ({ id: r.id, action: r.action, detail: r.detail as Record<string, unknown>, createdAt: r.createdAt, actorId: r.actorId, actorName: r.actorName, actorEmail: r.actorEmail }));
  const last = page.at(-1);
  return { items, older: rows.length > limit && last ? `${last.at}_${last.id}` : null };
}

/** The people who appear in a dataset's or team's activity (for the person filter), by name. */
export async function listActivityActors(db: Db | Tx, target: Target): Promise<{ id: string; name: string; email: string }[]> {
  const where = target.datasetId ? eq(activityEvents.datasetId, target.datasetId) : eq(activityEvents.teamId, target.teamId!);
  return db
    .selectDistinct({ id: users.id, name: users.name, email: users.email })
    .from(activityEvents)
    .innerJoin(users, eq(users.id, activityEvents.actorId))
    .where(where)
    .orderBy(users.name, users.email)
    .limit(500);
}

export type ActivityGroup = { key: string; actorName: string | null; kind: ActivityKind | 'other'; items: ActivityItem[] };

/** Consecutive events by the same person of the same kind make one group (the page shows them together). */
export function groupActivity(items: (ActivityItem & { actorId?: string | null })[]): ActivityGroup[] {
  const groups: ActivityGroup[] = [];
  let prevActor: string | null | undefined;
  for (const it of items) {
    const kind = kindOf(it.action);
    const last = groups.at(-1);
    const actor = it.actorId ?? it.actorEmail ?? null;
    if (last && last.kind === kind && prevActor === actor) last.items.push(it);
    else groups.push({ key: it.id, actorName: it.actorName, kind, items: [it] });
    prevActor = actor;
  }
  return groups;
}
