import type { InvitationDetails as Details } from '@/lib/invitations/respond';
import { formatBytes, formatCount, formatDateTime } from '@/lib/format';

/** What an invitee decides about: the inviter's message, and for a dataset its description, file count and size. */
export function InvitationDetails({ details, inviterName, targetKind }: { details: Details; inviterName?: string | null; targetKind: 'dataset' | 'team' }) {
  const description = details.description.length > 400 ? `${details.description.slice(0, 400)}…` : details.description;
  return (
    <div className="space-y-2 text-sm">
      {details.message && (
        <figure className="rounded-md border-l-4 border-indigo-300 bg-slate-50 px-3 py-2">
          <blockquote className="whitespace-pre-wrap break-words text-slate-800">{details.message}</blockquote>
          <figcaption className="mt-1 text-xs text-slate-600">— {inviterName ?? 'the sender'}</figcaption>
        </figure>
      )}
      {targetKind === 'dataset' && (
        <>
          {description && <p className="whitespace-pre-wrap break-words text-slate-700">{description}</p>}
          <p className="text-slate-600">
            {formatCount(details.fileCount)} {details.fileCount === 1 ? 'file' : 'files'} · {formatBytes(details.totalSize)}
            {details.accessUntil && <> · access until {formatDateTime(details.accessUntil)}</>}
          </p>
        </>
      )}
    </div>
  );
}
