'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { EntryIcon } from '@/components/file-browser/entry-icon';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatBytes } from '@/lib/format';
import { emptyTrashAction, restoreFromTrashAction } from './actions';

type Item = { id: string; path: string; name: string; kind: 'file' | 'folder'; files: number; size: number; deletedAt: string; deletedBy: string | null };

/** The Trash's items with "Restore <name>" each, and "Empty trash" behind a confirmation. */
export function TrashList({ datasetId, items, readOnly }: { datasetId: string; items: Item[]; readOnly: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirming, setConfirming] = useState(false);
  const [pending, startTransition] = useTransition();

  const restore = (item: Item) =>
    startTransition(async () => {
      setError(undefined);
      setNotice(undefined);
      const r = await restoreFromTrashAction({ datasetId, trashId: item.id });
      if (!r.ok) return setError(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
      setNotice(`Restored ${item.path}.`);
      router.refresh();
    });
  const empty = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      setError(undefined);
      const r = await emptyTrashAction({ datasetId, confirm: true });
      setConfirming(false);
      if (!r.ok) return setError(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
      setNotice(`The Trash is empty: ${r.data.files.toLocaleString('en-US')} ${r.data.files === 1 ? 'file' : 'files'} (${formatBytes(r.data.bytes)}) deleted for good.`);
      router.refresh();
    });
  };

  return (
    <section aria-label="Deleted files and folders" className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 sm:p-5">
      <FormMessage message={error} />
      {notice && <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">{notice}</p>}
      {items.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 px-4 py-10 text-center font-medium text-slate-700">The Trash is empty</p>
      ) : (
        <>
          <div className="flex justify-end">
            <Button variant="danger" disabled={readOnly || pending} onClick={() => setConfirming(true)}>Empty trash</Button>
          </div>
          <table className="w-full table-fixed border-collapse text-sm">
            <thead className="border-b border-slate-200 text-left text-slate-600">
              <tr>
                <th scope="col" className="px-2 py-2 font-medium">Name</th>
                <th scope="col" className="hidden w-28 px-2 py-2 font-medium sm:table-cell">Size</th>
                <th scope="col" className="hidden w-52 px-2 py-2 font-medium md:table-cell">Deleted</th>
                <th scope="col" className="w-32 px-2 py-2 text-right font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id} className="border-b border-slate-100 last:border-0">
                  <td className="px-2 py-2">
                    <div className="flex min-w-0 items-center gap-2">
                      <EntryIcon kind={i.kind} />
                      <span className="min-w-0 break-all">{i.path}</span>
                    </div>
                  </td>
                  <td className="hidden px-2 py-2 text-slate-600 tabular-nums sm:table-cell">
                    {formatBytes(i.size)}
                    {i.kind === 'folder' && <span className="block text-xs">{i.files.toLocaleString('en-US')} {i.files === 1 ? 'file' : 'files'}</span>}
                  </td>
                  <td className="hidden px-2 py-2 text-slate-600 md:table-cell">
                    <RelativeTime value={i.deletedAt} />
                    {i.deletedBy && <span> by {i.deletedBy}</span>}
                  </td>
                  <td className="px-2 py-2 text-right">
                    <button type="button" disabled={readOnly || pending} onClick={() => restore(i)} className="rounded px-2 py-1 text-indigo-700 hover:bg-indigo-50 disabled:text-slate-400">
                      Restore<span className="sr-only"> {i.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <Dialog open={confirming} onClose={() => setConfirming(false)} title="Empty trash">
        <form onSubmit={empty} className="space-y-4">
          <p className="text-sm text-slate-700">
            This deletes {items.length === 1 ? 'the item' : `all ${items.length.toLocaleString('en-US')} items`} in the Trash for good, with any earlier versions of its files. It cannot be undone.
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirming(false)}>Cancel</Button>
            <Button type="submit" variant="danger" disabled={pending}>Empty trash</Button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
