'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useMemo, useRef, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatBytes } from '@/lib/format';
import { VersionsButton, VersionsDialog } from '@/components/file-versions/versions-button';
import { deleteEntriesAction } from './actions';
import { EntryDialogs, type DialogState } from './entry-dialogs';
import { EntryIcon } from './entry-icon';
import { filePageHref, fileUrl, folderHref, selectionArchiveUrl, type FolderView } from './urls';

export type EntryRow = { name: string; path: string; kind: 'file' | 'folder'; size: number; updatedAt: string; items: number | null };
type SortKey = 'name' | 'size' | 'modified';

/** How the server sorted the rows; null for search results (sorted by path, not re-sortable). */
export type SortState = { folder: string; sort: SortKey; dir: 'asc' | 'desc' } | null;

// Thumbnails: raster images small enough to send whole (no server-side resizing); larger ones keep the
// icon, so a folder of huge images never ships them as thumbnails. SVG is never rendered inline.
const THUMB_MAX_BYTES = 1_000_000;
const isThumbable = (e: EntryRow) => e.kind === 'file' && e.size > 0 && e.size <= THUMB_MAX_BYTES && /\.(png|jpe?g|gif|webp)$/i.test(e.name);

const sizeText = (e: EntryRow) => (e.kind === 'folder' ? `${(e.items ?? 0).toLocaleString('en-US')} ${e.items === 1 ? 'item' : 'items'}` : formatBytes(e.size));

type Props = { datasetId: string; rows: EntryRow[]; canManage: boolean; showPath?: boolean; sort?: SortState };

/**
 * A page of a folder's entries (sorted on the server: the column headers are links), with
 * checkboxes for Download selected (a .zip) and, for managers, Delete selected; per-row rename and delete.
 */
export function EntryTable({ datasetId, rows, canManage, showPath = false, sort = null }: Props) {
  const [dialog, setDialog] = useState<DialogState>(null);
  const [versionsOf, setVersionsOf] = useState<EntryRow | null>(null);
  const [picked, setSelected] = useState<Set<string>>(new Set());
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [message, setMessage] = useState<string>();
  const allId = useId();
  // Only what is on this page counts (another folder, sort or page, or a refresh after a change).
  const selected = useMemo(() => new Set(rows.map((r) => r.path).filter((p) => picked.has(p))), [rows, picked]);
  const allChecked = rows.length > 0 && rows.every((r) => selected.has(r.path));
  const toggle = (path: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(path);
      else next.delete(path);
      return next;
    });

  const header = (k: SortKey, label: string, className = '') => {
    if (!sort) return <th scope="col" className={`px-2 py-2 font-medium ${className}`}>{label}</th>;
    const active = sort.sort === k;
    const next: FolderView = { sort: k, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' };
    return (
      <th scope="col" aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={`px-2 py-2 font-medium ${className}`}>
        <Link href={folderHref(datasetId, sort.folder, next)} className="inline-flex items-center gap-1 rounded px-1 hover:bg-slate-100">
          {label}
          <span aria-hidden="true" className="text-xs text-slate-400">{active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
        </Link>
      </th>
    );
  };

  const count = selected.size;
  return (
    <>
      {rows.length > 0 && (
        <div className="mt-4 flex min-h-9 flex-wrap items-center gap-x-3 gap-y-2 text-sm">
          <span className="flex items-center gap-2">
            <input
              id={allId}
              type="checkbox"
              checked={allChecked}
              onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.path)) : new Set())}
              className="h-4 w-4 rounded border-slate-300"
            />
            <label htmlFor={allId} className="text-slate-700">Select all on this page</label>
          </span>
          {count > 0 && (
            <>
              <span role="status" className="text-slate-600">{count.toLocaleString('en-US')} selected</span>
              <DownloadSelected datasetId={datasetId} paths={[...selected]} onError={setMessage} />
              {canManage && <Button variant="danger" className="py-1" onClick={() => setConfirmDelete(true)}>Delete selected</Button>}
            </>
          )}
        </div>
      )}
      {message && <div className="mt-2"><FormMessage message={message} /></div>}
      <table className="mt-2 w-full table-fixed border-collapse text-sm">
        <thead className="border-b border-slate-200 text-left text-slate-600">
          <tr>
            <th scope="col" className="w-8 px-2 py-2"><span className="sr-only">Selected</span></th>
            {header('name', 'Name')}
            {header('size', 'Size', 'hidden w-28 sm:table-cell')}
            {header('modified', 'Modified', 'hidden w-44 md:table-cell')}
            {canManage && <th scope="col" className="w-36 px-2 py-2 text-right font-medium sm:w-44"><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((e, i) => (
            <tr key={e.path} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
              <td className="px-2 py-2 align-top">
                <input
                  type="checkbox"
                  aria-label={`Select ${showPath ? e.path : e.name}`}
                  checked={selected.has(e.path)}
                  onChange={(ev) => toggle(e.path, ev.target.checked)}
                  className="mt-0.5 h-4 w-4 rounded border-slate-300"
                />
              </td>
              <td className="px-2 py-2">
                {/* On a narrow screen the row's small buttons wrap under the name rather than squeeze it. */}
                <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
                  {isThumbable(e) ? (
                    // eslint-disable-next-line @next/next/no-img-element -- a user's file through the download route (same authorization); lazy and sized
                    <img src={fileUrl(datasetId, e.path)} alt="" width={32} height={32} loading="lazy" decoding="async" className="h-8 w-8 shrink-0 rounded border border-slate-200 bg-slate-100 object-cover" />
                  ) : (
                    <EntryIcon kind={e.kind} />
                  )}
                  {e.kind === 'folder' ? (
                    <Link href={folderHref(datasetId, e.path)} className="min-w-0 break-all font-medium text-indigo-700 hover:underline">{showPath ? e.path : e.name}</Link>
                  ) : (
                    <>
                      <Link id={`entry-${i}`} href={filePageHref(datasetId, e.path)} className="min-w-0 flex-1 basis-20 break-all text-indigo-700 hover:underline">{showPath ? e.path : e.name}</Link>
                      {/* Named "Download" (described by the file's name), so "a link named after each file" stays unique. */}
                      <a href={fileUrl(datasetId, e.path)} download aria-label="Download" aria-describedby={`entry-${i}`} title={`Download ${e.name}`} className="ml-auto shrink-0 rounded px-1.5 py-0.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800">
                        <span aria-hidden="true">↓</span>
                      </a>
                      <VersionsButton name={e.name} onOpen={() => setVersionsOf(e)} />
                    </>
                  )}
                </div>
                {/* On a phone the size and date columns fold in under the name. */}
                <p className="mt-0.5 pl-6 text-xs text-slate-500 sm:hidden">{sizeText(e)} · <RelativeTime value={e.updatedAt} /></p>
              </td>
              <td className="hidden px-2 py-2 text-slate-600 tabular-nums sm:table-cell">{sizeText(e)}</td>
              <td className="hidden px-2 py-2 text-slate-600 tabular-nums md:table-cell"><RelativeTime value={e.updatedAt} /></td>
              {canManage && (
                <td className="px-2 py-2 text-right">
                  <div className="flex justify-end gap-1">
                    <button type="button" onClick={() => setDialog({ mode: 'rename', entry: e })} className="rounded px-2 py-1 text-indigo-700 hover:bg-indigo-50">
                      Rename<span className="sr-only"> {e.name}</span>
                    </button>
                    <button type="button" onClick={() => setDialog({ mode: 'delete', entry: e })} className="rounded px-2 py-1 text-red-700 hover:bg-red-50">
                      Delete<span className="sr-only"> {e.name}</span>
                    </button>
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <VersionsDialog datasetId={datasetId} file={versionsOf} canRestore={canManage} onClose={() => setVersionsOf(null)} />
      {canManage && <EntryDialogs datasetId={datasetId} state={dialog} onClose={() => setDialog(null)} />}
      {canManage && (
        <Dialog open={confirmDelete} onClose={() => setConfirmDelete(false)} title={`Delete ${count.toLocaleString('en-US')} selected ${count === 1 ? 'item' : 'items'}`}>
          {confirmDelete && (
            <DeleteSelectedForm
              datasetId={datasetId}
              entries={rows.filter((r) => selected.has(r.path))}
              onDone={(ok) => {
                setConfirmDelete(false);
                if (ok) setSelected(new Set());
              }}
            />
          )}
        </Dialog>
      )}
    </>
  );
}

/** Asks the server whether the selection may be zipped (the cap), then posts a form so the browser streams the .zip to disk. */
function DownloadSelected({ datasetId, paths, onError }: { datasetId: string; paths: string[]; onError: (m?: string) => void }) {
  const form = useRef<HTMLFormElement>(null);
  const [pending, setPending] = useState(false);
  const go = async () => {
    setPending(true);
    onError(undefined);
    try {
      const body = new FormData();
      for (const p of paths) body.append('path', p);
      const r = await fetch(`${selectionArchiveUrl(datasetId)}?check=1`, { method: 'POST', body });
      if (!r.ok) return onError(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `The download was refused (${r.status}).`);
      form.current?.submit();
    } catch {
      onError('The connection failed. Try again.');
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <Button variant="secondary" className="py-1" disabled={pending} onClick={go}>Download selected</Button>
      <form ref={form} method="post" action={selectionArchiveUrl(datasetId)} hidden>
        {paths.map((p) => <input key={p} type="hidden" name="path" value={p} />)}
      </form>
    </>
  );
}

function DeleteSelectedForm({ datasetId, entries, onDone }: { datasetId: string; entries: EntryRow[]; onDone: (ok: boolean) => void }) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const folders = entries.filter((e) => e.kind === 'folder').length;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await deleteEntriesAction({ datasetId, paths: entries.map((x) => x.path) });
      if (r.ok) {
        router.refresh();
        return onDone(true);
      }
      setError(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
    });
  };
  return (
    <form onSubmit={submit} className="space-y-4">
      <p className="break-words text-sm text-slate-700">
        This moves {entries.length === 1 ? `“${entries[0].name}”` : `${entries.length.toLocaleString('en-US')} files and folders`}
        {folders > 0 ? ', with everything in the selected folders,' : ''} to the dataset’s Trash. Managers and the owner can restore them from there until the Trash is emptied.
      </p>
      <FormMessage message={error} />
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={() => onDone(false)}>Cancel</Button>
        <Button type="submit" variant="danger" disabled={pending}>Delete</Button>
      </div>
    </form>
  );
}
