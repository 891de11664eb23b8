'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextField } from '@/components/ui/field';

export type SettingsResult = { ok: true } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };
const messageOf = (r: SettingsResult) => (r.ok ? undefined : (r.formError ?? Object.values(r.fieldErrors ?? {})[0]));

type Props = {
  name: string;
  noun: string; // "dataset" / "team": buttons read "Rename dataset", "Delete team"
  nameLabel: string;
  deleteWarning: string;
  onRename: (name: string) => Promise<SettingsResult | undefined>;
  onDelete: (confirmName: string) => Promise<SettingsResult | undefined>;
  children?: (run: (fn: () => Promise<SettingsResult | undefined>) => void, pending: boolean) => React.ReactNode;
};

/** Owner settings: rename in a dialog, delete after typing the exact name, plus any extra controls. */
export function RenameDeleteSettings({ name, noun, nameLabel, deleteWarning, onRename, onDelete, children }: Props) {
  const [dialog, setDialog] = useState<'rename' | 'delete' | null>(null);
  const [message, setMessage] = useState<string>();
  const [newName, setNewName] = useState(name);
  const [confirm, setConfirm] = useState('');
  const [pending, startTransition] = useTransition();

  const run = (fn: () => Promise<SettingsResult | undefined>, after?: () => void) =>
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
      <Button variant="secondary" onClick={() => { setNewName(name); setDialog('rename'); }}>Rename {noun}</Button>
      {children?.((fn) => run(fn), pending)}
      <Button variant="danger" onClick={() => { setConfirm(''); setDialog('delete'); }}>Delete {noun}</Button>
      {dialog === null && <FormMessage message={message} />}

      <Dialog open={dialog === 'rename'} onClose={close} title={`Rename ${name}`}>
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); run(() => onRename(newName), close); }}>
          <FormMessage message={message} />
          <TextField label={nameLabel} value={newName} maxLength={100} autoComplete="off" onChange={(e) => setNewName(e.target.value)} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>Cancel</Button>
            <Button type="submit" disabled={pending}>Rename</Button>
          </div>
        </form>
      </Dialog>

      <Dialog open={dialog === 'delete'} onClose={close} title={`Delete ${name}`}>
        <form className="space-y-4" onSubmit={(e) => { e.preventDefault(); run(() => onDelete(confirm)); }}>
          <p className="text-sm text-slate-700">{deleteWarning} It cannot be undone.</p>
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
