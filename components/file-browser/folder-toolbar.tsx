'use client';

import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { Button, buttonClass } from '@/components/ui/button';
import { FormMessage, TextField } from '@/components/ui/field';
import { createFolderAction } from './actions';
import { UploadPanel, useDatasetUploads } from './upload-provider';
import { droppedFiles } from './use-uploads';

// The real file inputs are visually hidden behind their labels (styled as buttons), so the
// visible label is the control; the ring follows keyboard focus on the input.
const pickerLabel = `${buttonClass('secondary')} cursor-pointer peer-focus-visible:ring-2 peer-focus-visible:ring-indigo-500 peer-focus-visible:ring-offset-2`;

/** Upload files / a folder into the current folder, and create folders (editors and above). */
export function FolderToolbar({ datasetId, folder }: { datasetId: string; folder: string }) {
  const { start: startIn } = useDatasetUploads();
  const start = (files: Parameters<typeof startIn>[0]) => startIn(files, folder);
  const filesId = useId();
  const folderId = useId();
  const folderInput = useRef<HTMLInputElement>(null);
  const [creating, setCreating] = useState(false);
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    // Not in React's attribute types; Chromium, Firefox and Safari all honour it.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const onPick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(e.target.files ?? []);
    e.target.value = ''; // picking the same files again must fire change again
    if (files.length) start(files);
  };

  return (
    <div className="mt-3">
      <div className="flex flex-wrap items-center gap-2">
        <span>
          <input id={filesId} type="file" multiple onChange={onPick} className="peer sr-only" />
          <label htmlFor={filesId} className={pickerLabel}>Upload files</label>
        </span>
        <span>
          <input id={folderId} ref={folderInput} type="file" multiple onChange={onPick} className="peer sr-only" />
          <label htmlFor={folderId} className={pickerLabel}>Upload folder</label>
        </span>
        <Button variant="secondary" aria-expanded={creating} onClick={() => setCreating((v) => !v)}>New folder</Button>
      </div>
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void droppedFiles(e.dataTransfer).then((files) => files.length && start(files));
        }}
        className={`mt-3 hidden rounded-lg border-2 border-dashed px-4 py-3 text-center text-sm sm:block ${dragging ? 'border-indigo-500 bg-indigo-50 text-indigo-800' : 'border-slate-200 text-slate-500'}`}
      >
        Or drop files and folders here
      </div>
      {creating && <NewFolderForm datasetId={datasetId} folder={folder} onDone={() => setCreating(false)} />}
      <UploadPanel inline />
    </div>
  );
}

function NewFolderForm({ datasetId, folder, onDone }: { datasetId: string; folder: string; onDone: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<{ field?: string; form?: string }>({});
  const [pending, startTransition] = useTransition();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    startTransition(async () => {
      const r = await createFolderAction({ datasetId, parent: folder, name });
      if (r.ok) return onDone();
      setError({ field: r.fieldErrors?.name, form: r.fieldErrors?.name ? undefined : (r.formError ?? Object.values(r.fieldErrors ?? {})[0]) });
    });
  };
  return (
    <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 p-3">
      <TextField label="Folder name" value={name} onChange={(e) => setName(e.target.value)} error={error.field} autoFocus required maxLength={255} className="min-w-0 flex-1 basis-48" />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>Create folder</Button>
        <Button variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
      {error.form && <div className="basis-full"><FormMessage message={error.form} /></div>}
    </form>
  );
}
