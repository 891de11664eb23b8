import type { ActivityItem } from '@/lib/activity';
import { RelativeTime } from '@/components/ui/relative-time';

/** Newest-first activity of a dataset or a team, each event described by the caller. */
export function ActivityList({ items, describe }: { items: ActivityItem[]; describe: (a: ActivityItem) => string }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">No activity yet.</p>;
  return (
    <ol className="space-y-2 text-sm">
      {items.map((a) => (
        <li key={a.id} className="flex flex-wrap gap-x-2">
          <span className="font-medium">{a.actorName ?? (a.action === 'trash.expired' ? 'Trove' : 'Someone')}</span>
          <span className="break-all text-slate-700">{describe(a)}</span>
          <RelativeTime className="text-slate-500" value={a.createdAt} />
        </li>
      ))}
    </ol>
  );
}
