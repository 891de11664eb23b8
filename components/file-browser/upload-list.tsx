'use client';

import { useEffect, useState } from 'react';
import { formatBytes } from '@/lib/format';
import type { UploadItem } from './use-uploads';

function statusText(it: UploadItem): string {
  if (it.status === 'done') return 'Uploaded';
  if (it.status === 'error') return 'Failed';
  if (it.status === 'cancelled') return 'Cancelled';
  if (it.status === 'queued') return 'Waiting';
  if (it.note) return it.note;
  return `${it.total ? Math.floor((it.loaded / it.total) * 100) : 0}% of ${formatBytes(it.total)}`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
}

const small = 'rounded px-2 py-1 text-indigo-700 hover:bg-slate-100';

type Props = {
  items: UploadItem[];
  startedAt: number | null;
  onCancel: (id?: number) => void;
  onRetry: (id?: number) => void;
  onClear: () => void;
};

/**
 * One compact panel for a batch: count, total progress, speed and time left, Cancel all / Retry
 * failed; the per-file rows (a progress bar named after each file, Cancel or Retry) fold away.
 */
export function UploadList({ items, startedAt, onCancel, onRetry, onClear }: Props) {
  const [now, setNow] = useState(() => Date.now());
  const done = items.filter((i) => i.status === 'done').length;
  const failed = items.filter((i) => i.status === 'error').length;
  const cancelled = items.filter((i) => i.status === 'cancelled').length;
  const busy = items.length - done - failed - cancelled;
  useEffect(() => {
    if (busy === 0) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [busy]);
  if (items.length === 0) return null;

  const counted = items.filter((i) => i.status !== 'cancelled' && i.status !== 'error');
  const total = counted.reduce((n, i) => n + i.total, 0);
  const loaded = counted.reduce((n, i) => n + (i.status === 'done' ? i.total : i.loaded), 0);
  const elapsed = startedAt ? (now - startedAt) / 1000 : 0;
  const speed = elapsed > 1 ? loaded / elapsed : 0;
  const left = speed > 0 ? duration((total - loaded) / speed) : '';

  return (
    <div className="mt-3 rounded-lg border border-slate-200 p-3" aria-label="Uploads" role="group">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <p role="status" className="text-slate-700">
          {busy > 0 ? `Uploading ${busy} ${busy === 1 ? 'file' : 'files'}…` : 'Uploads finished.'} {done} uploaded{failed ? `, ${failed} failed` : ''}
          {cancelled ? `, ${cancelled} cancelled` : ''}.
        </p>
        <div className="flex gap-1">
          {busy > 0 && <button type="button" onClick={() => onCancel()} className={small}>Cancel all</button>}
          {failed + cancelled > 0 && busy === 0 && <button type="button" onClick={() => onRetry()} className={small}>Retry failed</button>}
          {busy === 0 && <button type="button" onClick={onClear} className={small}>Clear</button>}
        </div>
      </div>
      {busy > 0 && (
        <div className="mt-2">
          <progress aria-label="All uploads" max={total || 1} value={loaded} className="h-2 w-full accent-indigo-600" />
          <p className="mt-1 text-xs text-slate-600 tabular-nums">
            {formatBytes(loaded)} of {formatBytes(total)}
            {speed > 0 && ` · ${formatBytes(speed)}/s`}
            {left && ` · about ${left} left`}
          </p>
        </div>
      )}
      <details open={items.length <= 5} className="mt-2">
        <summary className="cursor-pointer text-sm text-slate-600">Files ({items.length})</summary>
        <ul className="mt-2 max-h-72 space-y-2 overflow-y-auto">
          {items.map((it) => (
            <li key={it.id} className="text-sm">
              <div className="flex items-center justify-between gap-2">
                <span className="min-w-0 truncate" title={it.label}>{it.label}</span>
                <span className="flex shrink-0 items-center gap-1">
                  <span className={`text-xs ${it.status === 'error' ? 'text-red-700' : it.note ? 'text-amber-700' : 'text-slate-500'}`}>{statusText(it)}</span>
                  {(it.status === 'queued' || it.status === 'uploading') && (
                    <button type="button" onClick={() => onCancel(it.id)} className={`${small} text-xs`}>
                      Cancel<span className="sr-only"> {it.label}</span>
                    </button>
                  )}
                  {(it.status === 'error' || it.status === 'cancelled') && (
                    <button type="button" onClick={() => onRetry(it.id)} className={`${small} text-xs`}>
                      Retry<span className="sr-only"> {it.label}</span>
                    </button>
                  )}
                </span>
              </div>
              <progress aria-label={it.label} max={it.total || 1} value={it.status === 'done' ? it.total || 1 : it.loaded} className="mt-1 h-2 w-full accent-indigo-600" />
              {it.error && <p className="mt-1 text-xs text-red-700">{it.label}: {it.error}</p>}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
