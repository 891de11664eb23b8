'use client';

import { useState, useTransition } from 'react';
import { leaveTeamAction } from '@/app/(app)/teams/[teamId]/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';

/** "Leave team", confirmed in a dialog; the last owner is refused with a clear message. */
export function LeaveTeamButton({ teamId, teamName }: { teamId: string; teamName: string }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const close = () => {
    setOpen(false);
    setMessage(undefined);
  };
  const leave = () =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await leaveTeamAction({ teamId });
      if (r && !r.ok) setMessage(r.formError ?? 'That did not work.');
    });
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>Leave team</Button>
      <Dialog open={open} onClose={close} title={`Leave ${teamName}?`}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">You will lose access to every dataset shared with the team, unless it was also shared with you directly.</p>
          <FormMessage message={message} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>Cancel</Button>
            <Button variant="danger" disabled={pending} onClick={leave}>Leave</Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
