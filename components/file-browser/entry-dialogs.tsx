'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextField } from '@/components/ui/field';
import { deleteEntryAction, renameEntryAction } from './actions';
import type { EntryRow } from './entry-table';

export type DialogState = { mode: 'rename' | 'delete'; entry: EntryRow } | null;

/** The rename and delete-confirmation dialogs for one entry. */
export function EntryDialogs({ datasetId, state, onClose }: { datasetId: string; state: DialogState; onClose: () => void }) {
  const entry = state?.entry;
  return (
    <>
      <Dialog open={state?.mode === 'rename'} onClose={onClose} title={`Rename ${entry?.name ?? ''}`}>
        {entry && <RenameForm key={entry.path} datasetId={datasetId} entry={entry} onDone={onClose} />}
      </Dialog>
      <Dialog open={state?.mode === 'delete'} onClose={onClose} title={`Delete ${entry?.name ?? ''}`}>
        {entry && <DeleteForm key={entry.path} datasetId={datasetId} entry={entry} onDone={onClose} />}
      </Dialog>
    </>
  );
}

type FormProps = { datasetId: string; entry: EntryRow; onDone: () => void };

function RenameForm({ datasetId, entry, onDone }: FormProps) {
  const [newName, setNewName] = useState(entry.name);
  const [error, setError] = useState<{ field?: string; form?: string }>({});
  const [pending, startTransition] = useTransition();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await renameEntryAction({ datasetId, path: entry.path, newName });
      if (r.ok) return onDone();
      setError({ field: r.fieldErrors?.newName, form: r.fieldErrors?.newName ? undefined : (r.formError ?? Object.values(r.fieldErrors ?? {})[0]) });
    });
  };
  return (
    <form onSubmit={submit} className="space-y-4">
      <FormMessage message={error.form} />
      <TextField
        label="New name"
        value={newName}
        onChange={(e) => setNewName(e.target.value)}
        error={error.field}
        hint='Use "/" to move it into a folder (e.g. archive/data.csv); start with "/" to place it from the top of the dataset.'
        autoFocus
        required
        autoComplete="off"
      />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>Cancel</Button>
        <Button type="submit" disabled={pending}>Rename</Button>
      </div>
    </form>
  );
}

function DeleteForm({ datasetId, entry, onDone }: FormProps) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await deleteEntryAction({ datasetId, path: entry.path });
      if (r.ok) return onDone();
      setError(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
    });
  };
  const what =
    entry.kind === 'folder'
      ? `the folder “${entry.name}” and everything in it (${entry.items ?? 0} ${entry.items === 1 ? 'item' : 'items'} at its top level)`
      : `“${entry.name}”`;
  return (
    <form onSubmit={submit} className="space-y-4">
      <p className="break-words text-sm text-slate-700">This moves {what} to the dataset’s Trash. Managers and the owner can restore it from there until the Trash is emptied.</p>
      <FormMessage message={error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="danger" disabled={pending}>Delete</Button>
      </div>
    </form>
  );
}
