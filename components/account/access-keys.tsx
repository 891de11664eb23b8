'use client';

import { useEffect, useId, useState, useTransition } from 'react';
import { createAccessKeyAction, keyableDatasetsAction, revokeAccessKeyAction } from '@/app/(app)/account/actions';
import { Button } from '@/components/ui/button';
import { CopyField } from '@/components/ui/copy-field';
import { FormMessage, TextField } from '@/components/ui/field';
import { useActionForm } from '@/components/ui/use-action-form';
import { createAccessKeySchema, type CreateAccessKeyInput } from '@/lib/validation/access-keys';

export type AccessKeyRow = { id: string; name: string; access: string; scope: string; created: string; lastUsed: string; expires: string };
type Created = { accessKeyId: string; secretAccessKey: string; endpoint: string };

const selectClass = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm';

type KeyableDataset = { id: string; label: string };

// The datasets a key may be limited to, asked for when the form opens: the page itself does not carry
// them (someone who reaches thousands of datasets would get thousands of options on every visit).
function useKeyableDatasets(): { datasets: KeyableDataset[] | null; failed: boolean } {
  const [datasets, setDatasets] = useState<KeyableDataset[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    keyableDatasetsAction({}).then(
      (r) => live && (r?.ok ? setDatasets(r.data) : setFailed(true)),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);
  return { datasets, failed };
}

function CreateForm({ onCreated }: { onCreated: (c: Created) => void }) {
  const ids = { access: useId(), datasets: useId() };
  const { datasets, failed } = useKeyableDatasets();
  const { form, errors, onSubmit, message, pending } = useActionForm<CreateAccessKeyInput, Created>(
    createAccessKeySchema,
    createAccessKeyAction,
    { name: '', access: 'readwrite', datasetId: 'all', expires: '' },
    { onSuccess: (data) => { form.reset(); onCreated(data); } },
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3 rounded-md border border-slate-200 p-4">
      <FormMessage message={message} />
      <TextField label="Key name" error={errors.name?.message} {...form.register('name')} />
      <div>
        <label htmlFor={ids.access} className="block text-sm font-medium text-slate-700">Access</label>
        <select id={ids.access} className={selectClass} {...form.register('access')}>
          <option value="readwrite">Read and write</option>
          <option value="readonly">Read only</option>
        </select>
      </div>
      <div>
        <label htmlFor={ids.datasets} className="block text-sm font-medium text-slate-700">Datasets</label>
        <select id={ids.datasets} className={selectClass} aria-busy={!datasets && !failed} {...form.register('datasetId')}>
          <option value="all">All my datasets</option>
          {datasets ? datasets.map((d) => <option key={d.id} value={d.id}>{d.label}</option>) : !failed && <option disabled value="">Loading your datasets…</option>}
        </select>
        {failed && <p className="mt-1 text-sm text-red-700">Your datasets could not be loaded, so only “All my datasets” can be chosen. Reload the page to try again.</p>}
        {errors.datasetId?.message && <p className="mt-1 text-sm text-red-700">{errors.datasetId.message}</p>}
      </div>
      <TextField label="Expires" type="date" hint="Optional. The key stops working after this day (UTC)." error={errors.expires?.message} {...form.register('expires')} />
      <Button type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create key'}</Button>
    </form>
  );
}

/** The Account page's "Access keys" section: create (secret shown once), list, revoke. */
export function AccessKeys({ keys }: { keys: AccessKeyRow[] }) {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [note, setNote] = useState<string>();
  const [pending, startTransition] = useTransition();
  const revoke = (k: AccessKeyRow) =>
    startTransition(async () => {
      const r = await revokeAccessKeyAction({ keyId: k.id });
      setNote(r.ok ? `Revoked “${k.name}”.` : (r.formError ?? 'Something went wrong.'));
    });
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Keys let S3 tools (aws CLI, boto3, rclone, s3fs) read and write your datasets as you, with your current role, narrowed by the key.
      </p>
      {!open && <Button onClick={() => { setOpen(true); setCreated(null); }}>Create access key</Button>}
      {open && !created && <CreateForm onCreated={(c) => { setCreated(c); setOpen(false); }} />}
      {created && (
        <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4">
          <p role="status" className="text-sm font-medium text-amber-900">Copy the secret now: it will not be shown again.</p>
          <CopyField label="Access key ID" value={created.accessKeyId} />
          <CopyField label="Secret access key" value={created.secretAccessKey} />
          <CopyField label="S3 endpoint" value={created.endpoint} />
          <Button variant="secondary" onClick={() => setCreated(null)}>Done</Button>
        </div>
      )}
      {keys.length === 0 ? (
        <p className="text-sm text-slate-600">No access keys yet.</p>
      ) : (
        <table className="w-full text-left text-sm" aria-label="Access keys">
          <thead className="text-xs text-slate-500">
            <tr><th className="py-1">Name</th><th>Access</th><th>Datasets</th><th>Created</th><th>Last used</th><th>Expires</th><th><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {keys.map((k) => (
              <tr key={k.id}>
                <td className="py-2 font-medium break-all">{k.name}</td>
                <td>{k.access}</td>
                <td className="break-all">{k.scope}</td>
                <td>{k.created}</td>
                <td>{k.lastUsed}</td>
                <td>{k.expires}</td>
                <td className="text-right">
                  <Button variant="ghost" disabled={pending} aria-label={`Revoke ${k.name}`} onClick={() => revoke(k)}>Revoke</Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <span role="status" className="text-sm text-slate-700">{note}</span>
    </div>
  );
}
