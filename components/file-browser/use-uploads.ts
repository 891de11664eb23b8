'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatBytes } from '@/lib/format';
import { RESUMABLE_THRESHOLD_BYTES } from '@/lib/upload-sizes';
import { uploadResumable } from './resumable-upload';
import { fileUrl } from './urls';

export type UploadItem = {
  id: number;
  label: string;
  path: string;
  loaded: number;
  total: number;
  status: 'queued' | 'uploading' | 'done' | 'error' | 'cancelled';
  error?: string;
  /** Shown instead of the percentage while it holds, e.g. "Connection lost — retrying…". */
  note?: string;
};

const PARALLEL = 3;

// XMLHttpRequest rather than fetch: only XHR reports upload progress.
function send(url: string, file: File, onProgress: (loaded: number) => void, xhr: XMLHttpRequest, batch: string | null): Promise<string | null> {
  return new Promise((resolve) => {
    xhr.open('PUT', url);
    // Files picked or dropped together are one batch: the activity log shows one line for them.
    if (batch) xhr.setRequestHeader('X-Trove-Upload-Batch', batch);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve(null);
      let message = `The server refused the upload (${xhr.status}).`;
      try {
        message = (JSON.parse(xhr.responseText) as { error?: string }).error ?? message;
      } catch {}
      resolve(message);
    };
    xhr.onerror = () => resolve('The connection failed before the upload finished. Try again.');
    xhr.onabort = () => resolve('The upload was cancelled.');
    xhr.send(file);
  });
}

/** A file with its path inside a dropped folder. */
export type PickedFile = { file: File; relative: string };

/**
 * What was dropped: files, and folders walked recursively (their files keep their paths). The entries
 * must be taken synchronously in the drop handler; reading them may continue afterwards.
 */
export function droppedFiles(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items, (i) => i.webkitGetAsEntry?.() ?? null).filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return Promise.resolve(Array.from(dt.files, (file) => ({ file, relative: file.name })));
  const out: PickedFile[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ file, relative: prefix + file.name });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries hands out a directory in batches until an empty one.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  return entries.reduce((p, e) => p.then(() => walk(e, '')), Promise.resolve()).then(() => out);
}

/** A random UUID; crypto.randomUUID exists only on https or localhost, getRandomValues everywhere. */
function newBatchId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `session`: the resumable upload session of a large file, kept across Retry so it continues. */
type Job = { file: File; item: UploadItem; path: string; batch: string | null; session: string | null };

/**
 * Uploads files into a dataset's folders a few at a time, tracking progress per file: each can be
 * cancelled (queued or running), failed ones retried; leaving the page while uploads run asks first.
 * The page refreshes when a batch ends. Held by UploadsProvider in the dataset's layout, so uploads
 * keep going while the user moves between folders and tabs of the dataset.
 */
export function useUploads(datasetId: string, maxUploadBytes: number) {
  const router = useRouter();
  const [items, setItems] = useState<UploadItem[]>([]);
  const nextId = useRef(0);
  const jobs = useRef(new Map<number, Job>());
  const running = useRef(new Map<number, { abort: () => void }>());
  const cancelled = useRef(new Set<number>());
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const update = (id: number, patch: Partial<UploadItem>) => setItems((all) => all.map((it) => (it.id === id ? { ...it, ...patch } : it)));

  const active = items.some((it) => it.status === 'queued' || it.status === 'uploading');
  useEffect(() => {
    if (!active) return;
    // Closing the tab or leaving the page would drop the uploads silently: ask first.
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [active]);

  const run = useCallback(
    (batch: Job[]) => {
      setStartedAt((t) => t ?? Date.now());
      let cursor = 0;
      const worker = async () => {
        while (cursor < batch.length) {
          const job = batch[cursor++];
          const { file, item, path, batch: batchId } = job;
          if (cancelled.current.has(item.id)) continue;
          if (file.size > maxUploadBytes) {
            update(item.id, { status: 'error', error: `This file is larger than the ${formatBytes(maxUploadBytes)} upload limit.` });
            continue;
          }
          update(item.id, { status: 'uploading', loaded: 0, error: undefined, note: undefined });
          let error: string | null;
          if (file.size > RESUMABLE_THRESHOLD_BYTES) {
            // Large files go in parts that survive a dropped connection (components/file-browser/resumable-upload.ts).
            const controller = new AbortController();
            running.current.set(item.id, controller);
            error = await uploadResumable({
              datasetId,
              path,
              file,
              batch: batchId,
              signal: controller.signal,
              session: job.session,
              onSession: (id) => (job.session = id),
              onProgress: (loaded) => update(item.id, { loaded }),
              onNote: (note) => update(item.id, { note }),
            }).catch(() => 'Something went wrong with this upload. Retry to continue where it stopped.');
          } else {
            const xhr = new XMLHttpRequest();
            running.current.set(item.id, xhr);
            error = await send(fileUrl(datasetId, path), file, (loaded) => update(item.id, { loaded }), xhr, batchId);
          }
          running.current.delete(item.id);
          if (cancelled.current.has(item.id)) update(item.id, { status: 'cancelled', loaded: 0, note: undefined });
          else update(item.id, error ? { status: 'error', error, note: undefined } : { status: 'done', loaded: file.size, note: undefined });
        }
      };
      void Promise.all(Array.from({ length: Math.min(PARALLEL, batch.length) }, worker)).then(() => {
        if (running.current.size === 0) setStartedAt(null);
        router.refresh();
      });
    },
    [datasetId, maxUploadBytes, router],
  );

  const start = useCallback(
    (files: (File | PickedFile)[], folder: string) => {
      // A folder upload names each file by its path inside the chosen (or dropped) folder.
      const batchId = files.length > 1 ? newBatchId() : null;
      const batch = files.map((picked) => {
        const file = picked instanceof File ? picked : picked.file;
        const relative = picked instanceof File ? (picked as File & { webkitRelativePath?: string }).webkitRelativePath || picked.name : picked.relative;
        const path = folder ? `${folder}/${relative}` : relative;
        const item: UploadItem = { id: nextId.current++, label: relative, path, loaded: 0, total: file.size, status: 'queued' };
        const job: Job = { file, item, path, batch: batchId, session: null };
        jobs.current.set(item.id, job);
        return job;
      });
      setItems((all) => [...all.filter((it) => it.status !== 'done' && it.status !== 'cancelled'), ...batch.map((j) => j.item)]);
      run(batch);
    },
    [run],
  );

  /** Stops one upload (or all): a running one is aborted, nothing of it is kept on the server. */
  const cancel = (id?: number) => {
    for (const it of items) {
      if (id !== undefined && it.id !== id) continue;
      if (it.status !== 'queued' && it.status !== 'uploading') continue;
      cancelled.current.add(it.id);
      running.current.get(it.id)?.abort();
      if (it.status === 'queued') update(it.id, { status: 'cancelled' });
    }
  };

  /** Sends failed or cancelled files again (a large file continues its session: only missing parts go). */
  const retry = (id?: number) => {
    const again = items.filter((it) => (id === undefined || it.id === id) && (it.status === 'error' || it.status === 'cancelled'));
    const batch = again.map((it) => jobs.current.get(it.id)!).filter(Boolean);
    for (const j of batch) {
      cancelled.current.delete(j.item.id);
      update(j.item.id, { status: 'queued', loaded: 0, error: undefined });
    }
    if (batch.length) run(batch);
  };

  const clear = () =>
    setItems((all) => {
      const keep = all.filter((it) => it.status === 'queued' || it.status === 'uploading');
      for (const it of all) if (!keep.includes(it)) jobs.current.delete(it.id);
      return keep;
    });
  return { items, start, cancel, retry, clear, startedAt };
}
