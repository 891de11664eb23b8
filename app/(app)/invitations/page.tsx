import type { Metadata } from 'next';
import { InvitationResponse } from '@/components/invitations/invitation-response';
import { requireUser } from '@/lib/auth/session';
import { formatExpiry } from '@/lib/format';
import { listMyInvitations } from '@/lib/invitations';

export const metadata: Metadata = { title: 'Invitations' };

export default async function InvitationsPage() {
  const user = await requireUser();
  const items = await listMyInvitations(user);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Invitations</h1>
      {items.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">No pending invitations. When someone shares a dataset or a team with {user.email}, it shows up here.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white" aria-label="Pending invitations">
          {items.map((i) => (
            <li key={i.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
              <div className="min-w-0">
                <p className="font-medium break-all">{i.targetKind === 'team' ? `Team ${i.targetName}` : i.targetName}</p>
                <p className="text-sm text-slate-600">
                  From {i.inviterName ?? 'someone'} ({i.inviterEmail ?? 'unknown'}) · <span className="capitalize">{i.role}</span> · expires {formatExpiry(i.expiresAt)}
                </p>
              </div>
              <InvitationResponse invitationId={i.id} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
