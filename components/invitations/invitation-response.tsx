'use client';

import { useState, useTransition } from 'react';
import { acceptInvitationAction, declineInvitationAction } from '@/app/(app)/invitations/actions';
import { acceptInviteAction, declineInviteAction } from '@/app/invite/[token]/actions';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';

type Result = { ok: boolean; formError?: string } | undefined;
type Props = ({ token: string; invitationId?: never } | { invitationId: string; token?: never }) & { name?: string };

/**
 * Accept / Decline, on the invitation page (by the link's token) or in the /invitations inbox (by id).
 * A double click still makes one grant: the server settles it. Accepting lands on the dataset or team.
 */
export function InvitationResponse(props: Props) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  const byToken = props.token !== undefined;
  const run = (answer: 'accept' | 'decline') =>
    startTransition(async () => {
      setError(undefined);
      let r: Result;
      if (props.token !== undefined) r = await (answer === 'accept' ? acceptInviteAction : declineInviteAction)({ token: props.token });
      else r = await (answer === 'accept' ? acceptInvitationAction : declineInvitationAction)({ invitationId: props.invitationId });
      if (r && !r.ok) {
        setError(r.formError ?? 'Something went wrong.');
        toast.show(r.formError ?? 'Something went wrong.', { tone: 'error' });
      } else if (answer === 'accept') toast.show(`Invitation accepted${props.name ? `: you now have access to ${props.name}` : ''}.`);
      else toast.show(`Declined the invitation${props.name ? ` to ${props.name}` : ''}.`);
    });
  return (
    <span className="flex flex-wrap items-center gap-2">
      <Button className={byToken ? '' : 'py-1'} disabled={pending} onClick={() => run('accept')}>{byToken ? 'Accept invitation' : 'Accept'}</Button>
      <Button variant="secondary" className={byToken ? '' : 'py-1'} disabled={pending} onClick={() => run('decline')}>Decline</Button>
      {error && <span role="alert" className="text-sm text-red-700">{error}</span>}
    </span>
  );
}
