import 'server-only';
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { activityEvents, users } from '@/db/schema';

type Target = { datasetId: string; teamId?: never } | { teamId: string; datasetId?: never };

/** Appends an activity event; call it inside the transaction that made the change. */
export async function logActivity(db: Db | Tx, actorId: string | null, target: Target, action: string, detail: Record<string, unknown> = {}): Promise<void> {
  await db.insert(activityEvents).values({ ...target, actorId, action, detail });
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
