'use client';

import { useState, useTransition } from 'react';
import { acceptInviteAction, declineInviteAction } from '@/app/invite/[token]/actions';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/field';

/** Accept / Decline on the invitation page; a double click still makes one grant (the server settles it). */
export function InviteActions({ token }: { token: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const run = (fn: (arg: { token: string }) => Promise<{ ok: boolean; formError?: string }>) =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await fn({ token });
      if (r && !r.ok) setMessage(r.formError ?? 'Something went wrong.');
    });
  return (
    <div className="space-y-3">
      <FormMessage message={message} />
      <div className="flex gap-2">
        <Button onClick={() => run(acceptInviteAction)} disabled={pending}>Accept invitation</Button>
        <Button variant="secondary" onClick={() => run(declineInviteAction)} disabled={pending}>Decline</Button>
      </div>
    </div>
  );
}
