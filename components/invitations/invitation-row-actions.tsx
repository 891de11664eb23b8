'use client';

import { useState, useTransition } from 'react';
import { acceptInvitationAction, declineInvitationAction } from '@/app/(app)/invitations/actions';
import { Button } from '@/components/ui/button';

export function InvitationRowActions({ invitationId }: { invitationId: string }) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const run = (fn: (arg: { invitationId: string }) => Promise<{ ok: boolean; formError?: string }>) =>
    startTransition(async () => {
      const r = await fn({ invitationId });
      if (r && !r.ok) setError(r.formError ?? 'Something went wrong.');
    });
  return (
    <span className="flex flex-wrap items-center gap-2">
      <Button className="py-1" disabled={pending} onClick={() => run(acceptInvitationAction)}>Accept</Button>
      <Button variant="secondary" className="py-1" disabled={pending} onClick={() => run(declineInvitationAction)}>Decline</Button>
      {error && <span role="alert" className="text-sm text-red-700">{error}</span>}
    </span>
  );
}
