'use client';

import { InviteLink } from '@/components/sharing/invite-link';
import { useState, useTransition } from 'react';
import { manageTeamInvitationAction } from '@/app/(app)/teams/[teamId]/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';
import { useToast } from '@/components/ui/toast';
import { formatDateTime, formatExpiry } from '@/lib/format';
import { TEAM_ROLE_LABELS } from '@/lib/validation/teams';

type Role = keyof typeof TEAM_ROLE_LABELS;
type Invitation = { id: string; email: string; role: string; invitedByName: string | null; createdAt: Date; expiresAt: Date; expired: boolean; emailStatus: string };
type Action = 'extend' | 'resend' | 'revoke';

const DONE: Record<Action, string> = { extend: 'Extended the invitation for', resend: 'Sent a new invitation to', revoke: 'Revoked the invitation for' };

/** Pending and expired team invitations, with Extend / Resend / Revoke for the roles the viewer may offer. */
export function TeamInvitations({ teamId, invitations, offerableRoles }: { teamId: string; invitations: Invitation[]; offerableRoles: Role[] }) {
  const [message, setMessage] = useState<{ text: string; tone: 'error' | 'info'; link?: string; email?: string }>();
  const [pending, startTransition] = useTransition();
  const [confirmRevoke, setConfirmRevoke] = useState<Invitation | null>(null);
  const toast = useToast();
  const act = (inv: Invitation, action: Action) =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await manageTeamInvitationAction({ teamId, invitationId: inv.id, action });
      setConfirmRevoke(null);
      if (!r.ok) {
        const text = r.formError ?? 'That did not work.';
        setMessage({ text, tone: 'error' });
        toast.show(text, { tone: 'error', durationMs: 10_000 });
        return;
      }
      const text = `${DONE[action]} ${inv.email}${action === 'extend' && r.data.expiresAt ? `: it now expires ${formatExpiry(new Date(r.data.expiresAt))}` : ''}.`;
      setMessage({ text, tone: 'info', link: r.data.link, email: inv.email });
      toast.show(text);
    });

  if (invitations.length === 0) return <p className="text-sm text-slate-500">No pending invitations.</p>;
  return (
    <div className="space-y-3">
      <FormMessage message={message?.text} tone={message?.tone} />
      {message?.link && message.email && <InviteLink email={message.email} link={message.link} />}
      <ul className="divide-y divide-slate-200">
        {invitations.map((inv) => {
          const mine = offerableRoles.includes(inv.role as Role);
          return (
            <li key={inv.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3">
              <div className="min-w-0 text-sm">
                <p className="break-all font-medium text-slate-900">{inv.email}</p>
                <p className="text-slate-600">
                  {TEAM_ROLE_LABELS[inv.role as Role] ?? inv.role} · invited by {inv.invitedByName ?? 'a former member'} on {formatDateTime(inv.createdAt)} ·{' '}
                  {inv.expired ? <span className="font-medium text-amber-700">expired</span> : <>expires {formatExpiry(inv.expiresAt)}</>}
                  {inv.emailStatus === 'failed' && <span className="text-red-700"> · email could not be delivered</span>}
                </p>
              </div>
              {mine && (
                <div className="flex flex-wrap gap-2">
                  <Button variant="secondary" disabled={pending} aria-label={`Extend invitation for ${inv.email}`} onClick={() => act(inv, 'extend')}>Extend</Button>
                  <Button variant="secondary" disabled={pending} aria-label={`Resend invitation to ${inv.email}`} onClick={() => act(inv, 'resend')}>Resend</Button>
                  <Button variant="secondary" disabled={pending} aria-label={`Revoke invitation for ${inv.email}`} onClick={() => setConfirmRevoke(inv)}>Revoke</Button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <Dialog open={confirmRevoke !== null} onClose={() => setConfirmRevoke(null)} title={confirmRevoke ? `Revoke the invitation for ${confirmRevoke.email}?` : ''}>
        <p className="mb-4 text-sm text-slate-700">Its link stops working at once.</p>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirmRevoke(null)}>Cancel</Button>
          <Button variant="danger" disabled={pending} onClick={() => confirmRevoke && act(confirmRevoke, 'revoke')}>Revoke</Button>
        </div>
      </Dialog>
    </div>
  );
}
