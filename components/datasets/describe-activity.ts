import type { ActivityItem } from '@/lib/activity';
import { formatDateTime } from '@/lib/format';

/** One line of a dataset's activity log; changes made over S3 end with "via access key <name>". */
export function describeDatasetActivity(a: ActivityItem): string {
  const d = a.detail as Record<string, string | undefined>;
  const line = describe(a.action, d);
  return d.via ? `${line} via ${d.via}` : line;
}

function describe(action: string, d: Record<string, string | undefined>): string {
  const who = d.email ?? d.team ?? '';
  switch (action) {
    case 'dataset.created': return `created the dataset`;
    case 'dataset.renamed': return `renamed the dataset from “${d.from}” to “${d.to}”`;
    case 'dataset.described': return 'edited the description';
    case 'dataset.locked': return 'locked the dataset read-only';
    case 'dataset.unlocked': return 'unlocked the dataset';
    case 'dataset.transferred': return `transferred ownership to ${who}`;
    case 'file.uploaded': return `uploaded ${d.path}`;
    case 'files.uploaded': {
      const n = Number(d.files ?? 0);
      return n === 1 ? `uploaded ${d.path ?? 'a file'}` : `uploaded ${n.toLocaleString('en-US')} files to ${d.folder ? `${d.folder}/` : 'the top folder'}`;
    }
    case 'file.replaced': return `replaced ${d.path}`;
    case 'file.deleted': return d.trash ? `moved ${d.path} to the Trash` : `deleted ${d.path}`;
    case 'entries.deleted': {
      const n = Number(d.entries ?? 0);
      const where = d.folder ? `${d.folder}/` : 'the top folder';
      return n === 1 ? `moved ${d.path} to the Trash` : `moved ${n.toLocaleString('en-US')} selected files and folders in ${where} to the Trash`;
    }
    case 'folder.created': return `created folder ${d.path}`;
    case 'folder.deleted': return d.trash ? `moved folder ${d.path} to the Trash` : `deleted folder ${d.path}`;
    case 'file.version_restored': return `restored the version of ${d.path} saved ${d.savedAt ? formatDateTime(d.savedAt) : 'earlier'}`;
    case 'entry.restored': return `restored ${d.kind === 'folder' ? 'folder ' : ''}${d.path} from the Trash`;
    case 'trash.emptied': return d.path ? `deleted ${d.path} from the Trash for good` : `emptied the Trash (${Number(d.files ?? 0).toLocaleString('en-US')} ${Number(d.files) === 1 ? 'file' : 'files'})`;
    case 'trash.expired': return `emptied the Trash of ${Number(d.items ?? 0).toLocaleString('en-US')} ${Number(d.items) === 1 ? 'item' : 'items'} older than ${d.days} days`;
    case 'entry.renamed': return `renamed ${d.from} to ${d.to}`;
    case 'entry.moved': return `moved ${d.from} to ${d.to}`;
    case 'invitation.sent': return `invited ${who} as ${d.role}`;
    case 'invitation.resent': return `re-sent the invitation to ${who}`;
    case 'invitation.extended': return `extended the invitation for ${who}`;
    case 'invitation.revoked': return `revoked the invitation for ${who}${d.reason ? ` (${d.reason})` : ''}`;
    case 'invitation.accepted': return `accepted the invitation as ${d.role}`;
    case 'invitation.declined': return `declined the invitation`;
    case 'grant.created': return `shared with ${who} as ${d.role}`;
    case 'grant.role_changed': return `changed ${who}’s role to ${d.role}`;
    case 'grant.expiry_changed': return d.expiresAt ? `set ${who}’s access to end ${formatDateTime(d.expiresAt)}` : `removed the end date of ${who}’s access`;
    case 'grant.removed': return `removed ${who}`;
    case 'access.requested': return 'asked for access';
    case 'access.approved': return `approved ${who}’s request for access as ${d.role}`;
    case 'access.denied': return `declined ${who}’s request for access`;
    case 'grant.restored': return `undid removing ${who}`;
    case 'invitation.restored': return `undid revoking the invitation for ${who}`;
    case 'grant.left': return 'left the dataset';
    default: return action.replace(/[._]/g, ' ');
  }
}
