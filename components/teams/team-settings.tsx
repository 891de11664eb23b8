'use client';

import { useState, useTransition } from 'react';
import { deleteTeamAction, renameTeamAction } from '@/app/(app)/teams/[teamId]/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextField } from '@/components/ui/field';

type Result = { ok: true } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };
const messageOf = (r: Result) => (r.ok ? undefined : (r.formError ?? Object.values(r.fieldErrors ?? {})[0]));

/** Owner-only: rename the team, or delete it after typing its name. */
export function TeamSettings({ teamId, name }: { teamId: string; name: string }) {
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const [message, setMessage] = useState<string>();
  const [newName, setNewName] = useState(name);
  const [confirm, setConfirm] = useState('');
  const [pending, startTransition] = useTransition();

  const run = (fn: () => Promise<Result | undefined>, after?: () => void) =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await fn();
      if (r && !r.ok) setMessage(messageOf(r));
      else after?.();
    });
  const close = () => {
    setDialog(null);
    setMessage(undefined);
  };

  return (
    <div className="flex flex-wrap gap-2">
      <Button variant="secondary" onClick={() => { setNewName(name); setDialog('rename'); }}>Rename team</Button>
      <Button variant="danger" onClick={() => { setConfirm(''); setDialog('delete'); }}>Delete team</Button>

      <Dialog open={dialog === 'rename'} onClose={close} title={`Rename ${name}`}>
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); run(() => renameTeamAction({ teamId, name: newName }), close); }}>
          <FormMessage message={message} />
          <TextField label="Team name" value={newName} maxLength={100} autoComplete="off" onChange={(e) => setNewName(e.target.value)} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>Cancel</Button>
            <Button type="submit" disabled={pending}>Rename</Button>
          </div>
        </form>
      </Dialog>

      <Dialog open={dialog === 'delete'} onClose={close} title={`Delete ${name}`}>
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); run(() => deleteTeamAction({ teamId, confirmName: confirm })); }}>
          <p className="text-sm text-slate-700">
            Every member leaves the team, datasets shared with it stop being shared, and pending invitations stop working. It cannot be undone.
          </p>
          <FormMessage message={message} />
          <TextField label={`Type “${name}” to confirm`} value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>Cancel</Button>
            <Button type="submit" variant="danger" disabled={pending || confirm.trim() !== name}>Delete</Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
