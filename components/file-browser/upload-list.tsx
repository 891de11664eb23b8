'use client';

import { formatBytes } from '@/lib/format';
import type { UploadItem } from './use-uploads';

function statusText(it: UploadItem): string {
  if (it.status === 'done') return 'Uploaded';
  if (it.status === 'error') return 'Failed';
  if (it.status === 'queued') return 'Waiting';
  return `${it.total ? Math.floor((it.loaded / it.total) * 100) : 0}% of ${formatBytes(it.total)}`;
}

/** One progress bar per file (named after the file), with a clear message for each failure. */
export function UploadList({ items, onClear }: { items: UploadItem[]; onClear: () => void }) {
  if (items.length === 0) return null;
  const done = items.filter((i) => i.status === 'done').length;
  const failed = items.filter((i) => i.status === 'error').length;
  const busy = items.length - done - failed;
  return (
    <div className="mt-3 rounded-lg border border-slate-200 p-3" aria-label="Uploads" role="group">
      <div className="mb-2 flex items-center justify-between gap-2 text-sm">
        <p role="status" className="text-slate-700">
          {busy > 0 ? `Uploading ${busy} ${busy === 1 ? 'file' : 'files'}…` : 'Uploads finished.'} {done} uploaded{failed ? `, ${failed} failed` : ''}.
        </p>
        {busy === 0 && (
          <button type="button" onClick={onClear} className="rounded px-2 py-1 text-indigo-700 hover:bg-slate-100">Clear</button>
        )}
      </div>
      <ul className="space-y-2">
        {items.map((it) => (
          <li key={it.id} className="text-sm">
            <div className="flex items-center justify-between gap-2">
              <span className="min-w-0 truncate" title={it.label}>{it.label}</span>
              <span className={`shrink-0 text-xs ${it.status === 'error' ? 'text-red-700' : 'text-slate-500'}`}>{statusText(it)}</span>
            </div>
            <progress aria-label={it.label} max={it.total || 1} value={it.status === 'done' ? it.total || 1 : it.loaded} className="mt-1 h-2 w-full accent-indigo-600" />
            {it.error && <p className="mt-1 text-xs text-red-700">{it.label}: {it.error}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}
