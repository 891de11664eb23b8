'use client';

import { useState, useTransition } from 'react';
import { deleteDatasetAction, lockDatasetAction, renameDatasetAction } from '@/app/(app)/datasets/[datasetId]/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextField } from '@/components/ui/field';

type Result = { ok: true } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };
const messageOf = (r: Result) => (r.ok ? undefined : (r.formError ?? Object.values(r.fieldErrors ?? {})[0]));

/** Owner-only controls: rename, lock read-only, delete (confirmed by typing the name). */
export function DatasetSettings({ datasetId, name, readOnly }: { datasetId: string; name: string; readOnly: boolean }) {
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
      <Button variant="secondary" onClick={() => { setNewName(name); setDialog('rename'); }}>Rename dataset</Button>
      <Button variant="secondary" disabled={pending} onClick={() => run(() => lockDatasetAction({ datasetId, readOnly: !readOnly }))}>
        {readOnly ? 'Unlock' : 'Lock read-only'}
      </Button>
      <Button variant="danger" onClick={() => { setConfirm(''); setDialog('delete'); }}>Delete dataset</Button>
      {dialog === null && <FormMessage message={message} />}

      <Dialog open={dialog === 'rename'} onClose={close} title={`Rename ${name}`}>
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); run(() => renameDatasetAction({ datasetId, name: newName }), close); }}>
          <FormMessage message={message} />
          <TextField label="New dataset name" value={newName} maxLength={100} onChange={(e) => setNewName(e.target.value)} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>Cancel</Button>
            <Button type="submit" disabled={pending}>Rename</Button>
          </div>
        </form>
      </Dialog>

      <Dialog open={dialog === 'delete'} onClose={close} title={`Delete ${name}`}>
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); run(() => deleteDatasetAction({ datasetId, confirmName: confirm })); }}>
          <p className="text-sm text-slate-700">This deletes every file in the dataset and ends everyone’s access and pending invitations. It cannot be undone.</p>
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
