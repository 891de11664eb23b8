import type { ActivityItem } from '@/lib/activity';
import { formatDateTime } from '@/lib/format';

function describe(a: ActivityItem): string {
  const d = a.detail as Record<string, string | undefined>;
  const who = d.email ?? d.team ?? '';
  switch (a.action) {
    case 'dataset.created': return `created the dataset`;
    case 'dataset.renamed': return `renamed the dataset from “${d.from}” to “${d.to}”`;
    case 'dataset.described': return 'edited the description';
    case 'dataset.locked': return 'locked the dataset read-only';
    case 'dataset.unlocked': return 'unlocked the dataset';
    case 'dataset.transferred': return `transferred ownership to ${who}`;
    case 'file.uploaded': return `uploaded ${d.path}`;
    case 'file.replaced': return `replaced ${d.path}`;
    case 'file.deleted': return `deleted ${d.path}`;
    case 'folder.created': return `created folder ${d.path}`;
    case 'folder.deleted': return `deleted folder ${d.path}`;
    case 'entry.renamed': return `renamed ${d.from} to ${d.to}`;
    case 'entry.moved': return `moved ${d.from} to ${d.to}`;
    case 'invitation.sent': return `invited ${who} as ${d.role}`;
    case 'invitation.resent': return `re-sent the invitation to ${who}`;
    case 'invitation.extended': return `extended the invitation for ${who}`;
    case 'invitation.revoked': return `revoked the invitation for ${who}`;
    case 'invitation.accepted': return `accepted the invitation as ${d.role}`;
    case 'invitation.declined': return `declined the invitation`;
    case 'grant.created': return `shared with ${who} as ${d.role}`;
    case 'grant.role_changed': return `changed ${who}’s role to ${d.role}`;
    case 'grant.expiry_changed': return d.expiresAt ? `set ${who}’s access to end ${formatDateTime(d.expiresAt)}` : `removed the end date of ${who}’s access`;
    case 'grant.removed': return `removed ${who}`;
    case 'grant.left': return 'left the dataset';
    default: return a.action.replace(/[._]/g, ' ');
  }
}

/** Newest-first activity of a dataset or team. */
export function ActivityList({ items }: { items: ActivityItem[] }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">No activity yet.</p>;
  return (
    <ol className="space-y-2 text-sm">
      {items.map((a) => (
        <li key={a.id} className="flex flex-wrap gap-x-2">
          <span className="font-medium">{a.actorName ?? 'Someone'}</span>
          <span className="text-slate-700">{describe(a)}</span>
          <time className="text-slate-500" dateTime={new Date(a.createdAt).toISOString()}>{formatDateTime(a.createdAt)}</time>
        </li>
      ))}
    </ol>
  );
}
