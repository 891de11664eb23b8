import type { Metadata } from 'next';
import { ResendVerificationButton } from '@/components/account/resend-verification-button';
import { InvitationDetails } from '@/components/invitations/invitation-details';
import { InvitationResponse } from '@/components/invitations/invitation-response';
import { isEmailConfigured } from '@/lib/email';
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
      {!user.emailVerified ? (
        <div className="space-y-3 rounded-xl border border-amber-200 bg-amber-50 p-6 text-amber-950">
          <p className="font-medium">Verify your email address to see invitations sent to it.</p>
          <p className="text-sm">
            Anyone can type an address when signing up, so Trove lists invitations for {user.email} only once you prove it is yours. The link in an invitation email
            works without this step.
          </p>
          {isEmailConfigured() ? (
            <ResendVerificationButton />
          ) : (
            <p className="text-sm">This server cannot send email, so ask the operator to verify your address, or open the invitation link you were sent.</p>
          )}
        </div>
      ) : items.length === 0 ? (
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
                <div className="mt-2">
                  <InvitationDetails details={i.details} inviterName={i.inviterName} targetKind={i.targetKind} />
                </div>
              </div>
              <InvitationResponse invitationId={i.id} name={i.targetKind === 'team' ? `team ${i.targetName}` : i.targetName} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
