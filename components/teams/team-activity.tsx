import type { ActivityItem } from '@/lib/activity';
import { formatDateTime } from '@/lib/format';

function describe(a: ActivityItem): string {
  const d = a.detail as Record<string, string | undefined>;
  const role = d.role ? ` as ${d.role}` : '';
  switch (a.action) {
    case 'team.created': return 'created the team';
    case 'team.renamed': return `renamed the team from “${d.from}” to “${d.to}”`;
    case 'member.role_changed': return `made ${d.email} ${d.role}`;
    case 'member.removed': return `removed ${d.email} (${d.role})`;
    case 'member.left': return 'left the team';
    case 'invitation.sent': return `invited ${d.email}${role}`;
    case 'invitation.resent': return `re-sent the invitation to ${d.email}`;
    case 'invitation.extended': return `extended the invitation for ${d.email}`;
    case 'invitation.revoked': return `revoked the invitation for ${d.email}`;
    case 'invitation.accepted': return `joined the team${role}`;
    case 'invitation.declined': return 'declined the invitation';
    default: return a.action.replace(/[._]/g, ' ');
  }
}

/** Newest-first team activity: members, roles, invitations. */
export function TeamActivity({ items }: { items: ActivityItem[] }) {
  if (items.length === 0) return <p className="text-sm text-slate-500">No activity yet.</p>;
  return (
    <ol className="space-y-2 text-sm">
      {items.map((a) => (
        <li key={a.id} className="flex flex-wrap gap-x-2">
          <span className="font-medium">{a.actorName ?? 'Someone'}</span>
          <span className="break-all text-slate-700">{describe(a)}</span>
          <time className="text-slate-500" dateTime={new Date(a.createdAt).toISOString()}>{formatDateTime(a.createdAt)}</time>
        </li>
      ))}
    </ol>
  );
}
