import type { DatasetRole } from '@/lib/access';
import { can } from '@/lib/access';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { searchFiles } from '@/lib/file-search';
import { listFolder, type FolderListing } from '@/lib/files';
import { Breadcrumb } from './breadcrumb';
import { EntryTable, type EntryRow } from './entry-table';
import { FolderToolbar } from './folder-toolbar';
import { archiveUrl, folderHref } from './urls';
import { buttonClass } from '@/components/ui/button';
import { trashHref } from '@/components/file-versions/urls';

type Props = { userId: string; datasetId: string; datasetName: string; path: string; query?: string; role: DatasetRole; readOnly: boolean };

function SearchBox({ datasetId, query }: { datasetId: string; query: string }) {
  return (
    <form role="search" action={`/datasets/${datasetId}`} method="get" className="flex min-w-0 flex-1 justify-end sm:max-w-xs">
      <input
        type="search"
        name="q"
        defaultValue={query}
        aria-label="Search files"
        placeholder="Search files"
        maxLength={200}
        className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500"
      />
    </form>
  );
}

/** Search results over the whole dataset, with their paths. */
async function SearchResults({ userId, datasetId, query, canManage }: { userId: string; datasetId: string; query: string; canManage: boolean }) {
  const found = await searchFiles(userId, datasetId, query);
  const rows: EntryRow[] = found.entries.map((e) => ({ ...e, updatedAt: e.updatedAt.toISOString() }));
  return (
    <>
      <p role="status" className="text-sm text-slate-700">
        {rows.length === 0 ? 'No files or folders match' : `${rows.length.toLocaleString('en-US')}${found.truncated ? '+' : ''} ${rows.length === 1 ? 'match' : 'matches'} for`} “{found.query}”.{' '}
        <a className="font-medium text-indigo-700 underline" href={folderHref(datasetId, '')}>Clear search</a>
      </p>
      {rows.length > 0 && <EntryTable datasetId={datasetId} rows={rows} canManage={canManage} showPath />}
      {found.truncated && <p className="mt-2 text-sm text-slate-500">Showing the first {rows.length.toLocaleString('en-US')} matches: type more to narrow them down.</p>}
    </>
  );
}

/** The dataset's file browser (server component): breadcrumb, folder contents, and the controls the role allows. */
export async function FileBrowserSection({ userId, datasetId, datasetName, path, query = '', role, readOnly }: Props) {
  const canWrite = can(role, 'files.write') && !readOnly;
  const canManage = can(role, 'files.manage') && !readOnly;
  if (query.trim()) {
    return (
      <section aria-labelledby="files-heading" className="rounded-xl border border-slate-200 bg-white p-4 sm:p-5">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <h2 id="files-heading" className="text-lg font-semibold">Files</h2>
          <SearchBox datasetId={datasetId} query={query} />
        </div>
        <SearchResults userId={userId} datasetId={datasetId} query={query} canManage={canManage} />
      </section>
    );
  }
  let listing: FolderListing | null = null;
  let problem: string | null = null;
  try {
    listing = await listFolder(userId, datasetId, path);
  } catch (err) {
    // A dataset the user cannot see never reaches here (the page 404s first); a bad or stale
    // ?path= is shown as a notice rather than an error page.
    if (!(err instanceof AppError) || (err.code !== 'NOT_FOUND' && err.code !== 'INVALID')) throw err;
    problem = err.message;
  }
  const rows: EntryRow[] = (listing?.entries ?? []).map((e) => ({ ...e, updatedAt: e.updatedAt.toISOString() }));
  const folder = listing?.path ?? '';

  return (
    <section aria-labelledby="files-heading" className="rounded-xl border border-slate-200 bg-white p-4 sm:p-5">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="files-heading" className="text-lg font-semibold">Files</h2>
        <SearchBox datasetId={datasetId} query="" />
        {rows.length > 0 && (
          <a href={archiveUrl(datasetId, folder)} download className={buttonClass('secondary', 'py-1')} title={folder ? `Download ${folder} as a .zip` : 'Download the whole dataset as a .zip'}>
            Download folder
          </a>
        )}
        {can(role, 'files.manage') && (
          <a href={trashHref(datasetId)} className={buttonClass('ghost', 'py-1')} title="Deleted files and folders, restorable by managers and the owner">
            Trash
          </a>
        )}
      </div>
      <Breadcrumb datasetId={datasetId} datasetName={datasetName} path={listing ? folder : ''} />
      {problem ? (
        <p role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {problem}{' '}
          <a className="font-medium underline" href={folderHref(datasetId, '')}>Back to the top folder</a>
        </p>
      ) : (
        <>
          {readOnly && can(role, 'files.write') && (
            <p className="mt-3 text-sm text-amber-800">Files are read-only while the dataset is locked.</p>
          )}
          {canWrite && <FolderToolbar datasetId={datasetId} folder={folder} maxUploadBytes={config.maxUploadBytes} />}
          {rows.length === 0 ? (
            <div className="mt-4 rounded-lg border border-dashed border-slate-300 px-4 py-10 text-center">
              <p className="font-medium text-slate-700">This folder is empty</p>
              {canWrite && <p className="mt-1 text-sm text-slate-500">Upload files or a folder, or create a new folder, with the buttons above.</p>}
            </div>
          ) : (
            <EntryTable datasetId={datasetId} rows={rows} canManage={canManage} />
          )}
          {listing?.truncated && <p className="mt-2 text-sm text-slate-500">Showing the first {rows.length} entries of this folder.</p>}
        </>
      )}
    </section>
  );
}
