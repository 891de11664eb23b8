'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';
import { RelativeTime } from '@/components/ui/relative-time';
import { fileUrl } from '@/components/file-browser/urls';
import { formatBytes, formatDateTime } from '@/lib/format';
import { listVersionsAction, restoreVersionAction } from './actions';
import { versionUrl } from './urls';

type Version = { id: string | null; size: number; savedAt: string; savedBy: string | null; replacedAt: string | null };

/**
 * The "Versions of <name>" button of a file row. It only names the file: the table renders one
 * VersionsDialog for all its rows (a closed dialog in each of 100 rows cost server-render time and
 * page weight for nothing; npm run bench:browse).
 */
export function VersionsButton({ name, onOpen }: { name: string; onOpen: () => void }) {
  return (
    <button type="button" onClick={onOpen} title={`Versions of ${name}`} className="shrink-0 rounded px-1.5 py-0.5 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800">
      Versions<span className="sr-only"> of {name}</span>
    </button>
  );
}

/** The dialog of a file's versions: the current content and each earlier version (size, when, who) with a download link; for managers and the owner, Restore. */
export function VersionsDialog({ datasetId, file, canRestore, onClose }: { datasetId: string; file: { path: string; name: string } | null; canRestore: boolean; onClose: () => void }) {
  return (
    <Dialog open={file !== null} onClose={onClose} title={`Versions of ${file?.name ?? ''}`} wide>
      {file && <VersionList key={file.path} datasetId={datasetId} path={file.path} name={file.name} canRestore={canRestore} />}
    </Dialog>
  );
}

function VersionList({ datasetId, path, name, canRestore }: { datasetId: string; path: string; name: string; canRestore: boolean }) {
  const router = useRouter();
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [policy, setPolicy] = useState<{ keep: number; days: number }>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [pending, startTransition] = useTransition();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void listVersionsAction({ datasetId, path }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setVersions(r.data.versions);
        setPolicy({ keep: r.data.keep, days: r.data.days });
      }
      else setError(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
    });
    return () => {
      live = false;
    };
  }, [datasetId, path, reload]);

  const restore = (v: Version) =>
    startTransition(async () => {
      setError(undefined);
      const r = await restoreVersionAction({ datasetId, versionId: v.id! });
      if (!r.ok) return setError(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
      setNotice(`Restored the version saved ${formatDateTime(v.savedAt)}. The content it replaced is kept as a version.`);
      setReload((n) => n + 1);
      router.refresh();
    });

  if (!versions) return error ? <FormMessage message={error} /> : <p className="text-sm text-slate-600">Loading versions…</p>;
  return (
    <div className="space-y-3">
      <FormMessage message={error} />
      {notice && <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900">{notice}</p>}
      {versions.length === 1 && <p className="text-sm text-slate-600">{name} has no earlier versions yet: uploading over it keeps the content it replaces here.</p>}
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">Versions of {name}, newest first</caption>
        <thead className="border-b border-slate-200 text-left text-slate-600">
          <tr>
            <th scope="col" className="px-2 py-2 font-medium">Saved</th>
            <th scope="col" className="px-2 py-2 font-medium">By</th>
            <th scope="col" className="px-2 py-2 text-right font-medium">Size</th>
            <th scope="col" className="px-2 py-2 text-right font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const when = formatDateTime(v.savedAt);
            return (
              <tr key={v.id ?? 'current'} className="border-b border-slate-100 last:border-0">
                <td className="px-2 py-2">
                  <RelativeTime value={v.savedAt} />
                  {v.id === null && <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-800">Current</span>}
                </td>
                <td className="px-2 py-2 break-all text-slate-700">{v.savedBy ?? 'a former member'}</td>
                <td className="px-2 py-2 text-right text-slate-700 tabular-nums">{formatBytes(v.size)}</td>
                <td className="px-2 py-2">
                  <div className="flex justify-end gap-1">
                    <a href={v.id ? versionUrl(datasetId, v.id) : fileUrl(datasetId, path)} download className="rounded px-2 py-1 text-indigo-700 hover:bg-indigo-50">
                      Download<span className="sr-only"> {v.id ? `the version saved ${when}` : 'the current version'}</span>
                    </a>
                    {canRestore && v.id && (
                      <button type="button" disabled={pending} onClick={() => restore(v)} className="rounded px-2 py-1 text-indigo-700 hover:bg-indigo-50 disabled:text-slate-400">
                        Restore<span className="sr-only"> the version saved {when}</span>
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {policy && (
        <p className="text-xs text-slate-500">
          Earlier versions count in the dataset’s size. Up to {policy.keep} are kept, each for {policy.days} {policy.days === 1 ? 'day' : 'days'} after it was replaced.
        </p>
      )}
    </div>
  );
}
