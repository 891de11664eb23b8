'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatBytes } from '@/lib/format';
import { VersionsButton } from '@/components/file-versions/versions-button';
import { EntryDialogs, type DialogState } from './entry-dialogs';
import { EntryIcon } from './entry-icon';
import { filePageHref, fileUrl, folderHref } from './urls';

export type EntryRow = { name: string; path: string; kind: 'file' | 'folder'; size: number; updatedAt: string; items: number | null };
type SortKey = 'name' | 'size' | 'modified';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const compare: Record<SortKey, (a: EntryRow, b: EntryRow) => number> = {
  name: (a, b) => collator.compare(a.name, b.name),
  size: (a, b) => (a.kind === 'folder' ? (a.items ?? 0) - (b.items ?? 0) : a.size - b.size) || collator.compare(a.name, b.name),
  modified: (a, b) => a.updatedAt.localeCompare(b.updatedAt) || collator.compare(a.name, b.name),
};

const sizeText = (e: EntryRow) => (e.kind === 'folder' ? `${e.items ?? 0} ${e.items === 1 ? 'item' : 'items'}` : formatBytes(e.size));

/** A folder's entries, folders first, sortable by name, size or modified; managers get rename and delete. */
export function EntryTable({ datasetId, rows, canManage, showPath = false }: { datasetId: string; rows: EntryRow[]; canManage: boolean; showPath?: boolean }) {
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: 'name', dir: 1 });
  const [dialog, setDialog] = useState<DialogState>(null);
  const sorted = useMemo(() => {
    const byKind = (e: EntryRow) => (e.kind === 'folder' ? 0 : 1);
    return [...rows].sort((a, b) => byKind(a) - byKind(b) || sort.dir * compare[sort.key](a, b));
  }, [rows, sort]);

  const header = (key: SortKey, label: string, className = '') => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} className={`px-2 py-2 font-medium ${className}`}>
        <button
          type="button"
          onClick={() => setSort({ key, dir: active ? ((-sort.dir) as 1 | -1) : 1 })}
          className="inline-flex items-center gap-1 rounded px-1 hover:bg-slate-100"
        >
          {label}
          <span aria-hidden="true" className="text-xs text-slate-400">{active ? (sort.dir === 1 ? '▲' : '▼') : '↕'}</span>
        </button>
      </th>
    );
  };

  return (
    <>
      <table className="mt-4 w-full table-fixed border-collapse text-sm">
        <thead className="border-b border-slate-200 text-left text-slate-600">
          <tr>
            {header('name', 'Name')}
            {header('size', 'Size', 'hidden w-28 sm:table-cell')}
            {header('modified', 'Modified', 'hidden w-44 md:table-cell')}
            {canManage && <th scope="col" className="w-36 px-2 py-2 text-right font-medium sm:w-44"><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody>
          {sorted.map((e, i) => (
            <tr key={e.path} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
              <td className="px-2 py-2">
                <div className="flex min-w-0 items-center gap-2">
                  <EntryIcon kind={e.kind} />
                  {e.kind === 'folder' ? (
                    <Link href={folderHref(datasetId, e.path)} className="min-w-0 break-all font-medium text-indigo-700 hover:underline">{showPath ? e.path : e.name}</Link>
                  ) : (
                    <>
                      <Link id={`entry-${i}`} href={filePageHref(datasetId, e.path)} className="min-w-0 break-all text-indigo-700 hover:underline">{showPath ? e.path : e.name}</Link>
                      {/* Named "Download" (described by the file's name), so "a link named after each file" stays unique. */}
                      <a href={fileUrl(datasetId, e.path)} download aria-label="Download" aria-describedby={`entry-${i}`} title={`Download ${e.name}`} className="ml-auto shrink-0 rounded px-1.5 py-0.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800">
                        <span aria-hidden="true">↓</span>
                      </a>
                      <VersionsButton datasetId={datasetId} path={e.path} name={e.name} canRestore={canManage} />
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
      {canManage && <EntryDialogs datasetId={datasetId} state={dialog} onClose={() => setDialog(null)} />}
    </>
  );
}
