import type { ActivityItem } from '@/lib/activity';
import { ActivityList } from '@/components/activity/activity-list';

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
    case 'invitation.restored': return `undid revoking the invitation for ${d.email}`;
    case 'invitation.revoked': return `revoked the invitation for ${d.email}${d.reason ? ` (${d.reason})` : ''}`;
    case 'invitation.accepted': return `joined the team${role}`;
    case 'invitation.declined': return 'declined the invitation';
    case 'team.dataset_shared': return `shared the dataset “${d.dataset}” with the team${role}`;
    case 'team.grant.role_changed': return `changed the team’s role on “${d.dataset}” to ${d.role}`;
    case 'team.grant.expiry_changed': return `changed until when the team can use “${d.dataset}”`;
    case 'team.grant.removed': return `stopped sharing “${d.dataset}” with the team`;
    case 'team.grant.restored': return `shared “${d.dataset}” with the team again (undo)`;
    default: return a.action.replace(/[._]/g, ' ');
  }
}

/** Newest-first team activity: members, roles, invitations. */
export function TeamActivity({ items }: { items: ActivityItem[] }) {
  return <ActivityList items={items} describe={describe} />;
}
