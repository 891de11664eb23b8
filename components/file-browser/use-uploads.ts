'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useRef, useState } from 'react';
import { formatBytes } from '@/lib/format';
import { fileUrl } from './urls';

export type UploadItem = { id: number; label: string; loaded: number; total: number; status: 'queued' | 'uploading' | 'done' | 'error'; error?: string };

const PARALLEL = 3;

// XMLHttpRequest rather than fetch: only XHR reports upload progress.
function send(url: string, file: File, onProgress: (loaded: number) => void): Promise<string | null> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
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

/** Uploads files into a folder a few at a time, tracking progress per file; refreshes the page when a batch ends. */
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

export function useUploads(datasetId: string, folder: string, maxUploadBytes: number) {
  const router = useRouter();
  const [items, setItems] = useState<UploadItem[]>([]);
  const nextId = useRef(0);
  const update = (id: number, patch: Partial<UploadItem>) => setItems((all) => all.map((it) => (it.id === id ? { ...it, ...patch } : it)));

  const start = useCallback(
    (files: (File | PickedFile)[]) => {
      // A folder upload names each file by its path inside the chosen (or dropped) folder.
      const jobs = files.map((picked) => {
        const file = picked instanceof File ? picked : picked.file;
        const relative = picked instanceof File ? (picked as File & { webkitRelativePath?: string }).webkitRelativePath || picked.name : picked.relative;
        const item: UploadItem = { id: nextId.current++, label: relative, loaded: 0, total: file.size, status: 'queued' };
        return { file, item, path: folder ? `${folder}/${relative}` : relative };
      });
      setItems((all) => [...all.filter((it) => it.status !== 'done'), ...jobs.map((j) => j.item)]);
      let cursor = 0;
      const worker = async () => {
        while (cursor < jobs.length) {
          const { file, item, path } = jobs[cursor++];
          if (file.size > maxUploadBytes) {
            update(item.id, { status: 'error', error: `This file is larger than the ${formatBytes(maxUploadBytes)} upload limit.` });
            continue;
          }
          update(item.id, { status: 'uploading' });
          const error = await send(fileUrl(datasetId, path), file, (loaded) => update(item.id, { loaded }));
          update(item.id, error ? { status: 'error', error } : { status: 'done', loaded: file.size });
        }
      };
      void Promise.all(Array.from({ length: Math.min(PARALLEL, jobs.length) }, worker)).then(() => router.refresh());
    },
    [datasetId, folder, maxUploadBytes, router],
  );

  const clear = () => setItems((all) => all.filter((it) => it.status === 'queued' || it.status === 'uploading'));
  return { items, start, clear };
}
