'use client';

import { createContext, useContext, useEffect, useState } from 'react';
import { UploadList } from './upload-list';
import { useUploads, type PickedFile, type UploadItem } from './use-uploads';

type Uploads = {
  items: UploadItem[];
  start: (files: (File | PickedFile)[], folder: string) => void;
  cancel: (id?: number) => void;
  retry: (id?: number) => void;
  clear: () => void;
  startedAt: number | null;
  /** How many in-section panels are on screen: the layout's own panel shows only when none is. */
  inlinePanels: number;
  setInlinePanels: React.Dispatch<React.SetStateAction<number>>;
};

const UploadsContext = createContext<Uploads | null>(null);

/**
 * Holds a dataset's uploads for as long as the user stays on its pages (it lives in the dataset's
 * layout): moving between folders, Overview, Files, People or Activity does not stop them.
 */
export function UploadsProvider({ datasetId, maxUploadBytes, children }: { datasetId: string; maxUploadBytes: number; children: React.ReactNode }) {
  const uploads = useUploads(datasetId, maxUploadBytes);
  const [inlinePanels, setInlinePanels] = useState(0);
  return <UploadsContext.Provider value={{ ...uploads, inlinePanels, setInlinePanels }}>{children}</UploadsContext.Provider>;
}

export function useDatasetUploads(): Uploads {
  const u = useContext(UploadsContext);
  if (!u) throw new Error('useDatasetUploads needs an UploadsProvider (the dataset layout)');
  return u;
}

/**
 * The upload panel. `inline` sits in a Files section (next to the list it fills); the layout's one
 * (not inline) shows the same uploads on tabs without a Files section.
 */
export function UploadPanel({ inline = false }: { inline?: boolean }) {
  const { items, startedAt, cancel, retry, clear, inlinePanels, setInlinePanels } = useDatasetUploads();
  useEffect(() => {
    if (!inline) return;
    setInlinePanels((n) => n + 1);
    return () => setInlinePanels((n) => n - 1);
  }, [inline, setInlinePanels]);
  if (!inline && inlinePanels > 0) return null;
  if (items.length === 0) return null;
  const list = <UploadList items={items} startedAt={startedAt} onCancel={cancel} onRetry={retry} onClear={clear} />;
  return inline ? list : <section aria-label="Uploads" className="rounded-xl border border-slate-200 bg-white p-4">{list}</section>;
}

/** Files still on their way into a folder (or below it), so an empty listing says so instead of "empty". */
export function useUploadsInto(folder: string): number {
  const { items } = useDatasetUploads();
  const prefix = folder ? `${folder}/` : '';
  return items.filter((i) => (i.status === 'queued' || i.status === 'uploading') && i.path.startsWith(prefix)).length;
}

/** "This folder is empty" — unless uploads into it are running, then that. */
export function EmptyFolder({ folder, canWrite }: { folder: string; canWrite: boolean }) {
  const incoming = useUploadsInto(folder);
  return (
    <div className="mt-4 rounded-lg border border-dashed border-slate-300 px-4 py-10 text-center">
      {incoming > 0 ? (
        <p className="font-medium text-slate-700">Uploading {incoming.toLocaleString('en-US')} {incoming === 1 ? 'file' : 'files'} here…</p>
      ) : (
        <>
          <p className="font-medium text-slate-700">This folder is empty</p>
          {canWrite && <p className="mt-1 text-sm text-slate-500">Upload files or a folder, or create a new folder, with the buttons above.</p>}
        </>
      )}
    </div>
  );
}
