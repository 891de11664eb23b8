import Form from 'next/form';
import Link from 'next/link';
import type { DatasetRole } from '@/lib/access';
import { can } from '@/lib/access';
import { AppError } from '@/lib/errors';
import { searchFiles } from '@/lib/file-search';
import { listFolder, type FolderListing, type FolderPageOptions } from '@/lib/files';
import { Breadcrumb } from './breadcrumb';
import { EntryTable, type EntryRow } from './entry-table';
import { FolderToolbar } from './folder-toolbar';
import { EmptyFolder } from './upload-provider';
import { archiveUrl, folderHref } from './urls';
import { buttonClass } from '@/components/ui/button';
import { trashHref } from '@/components/file-versions/urls';

type Props = { userId: string; datasetId: string; datasetName: string; path: string; query?: string; view?: FolderPageOptions; role: DatasetRole; readOnly: boolean };

function SearchBox({ datasetId, query }: { datasetId: string; query: string }) {
  return (
    <Form role="search" action={`/datasets/${datasetId}/files`} className="flex min-w-0 flex-1 justify-end sm:max-w-xs">
      <input
        type="search"
        name="q"
        defaultValue={query}
        aria-label="Search files"
        placeholder="Search files"
        maxLength={200}
        className="w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500"
      />
    </Form>
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
        <Link className="font-medium text-indigo-700 underline" href={folderHref(datasetId, '')}>Clear search</Link>
      </p>
      {rows.length > 0 && <EntryTable datasetId={datasetId} rows={rows} canManage={canManage} showPath />}
      {found.truncated && <p className="mt-2 text-sm text-slate-500">Showing the first {rows.length.toLocaleString('en-US')} matches: type more to narrow them down.</p>}
    </>
  );
}

/** The dataset's file browser (server component): breadcrumb, folder contents, and the controls the role allows. */
export async function FileBrowserSection({ userId, datasetId, datasetName, path, query = '', view = {}, role, readOnly }: Props) {
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
    listing = await listFolder(userId, datasetId, path, view);
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
        {(rows.length > 0 || (listing?.page ?? 1) > 1) && (
          <a href={archiveUrl(datasetId, folder)} download className={buttonClass('secondary', 'py-1')} title={folder ? `Download ${folder} as a .zip` : 'Download the whole dataset as a .zip'}>
            Download folder
          </a>
        )}
        {can(role, 'files.manage') && (
          <Link href={trashHref(datasetId)} className={buttonClass('ghost', 'py-1')} title="Deleted files and folders, restorable by managers and the owner">
            Trash
          </Link>
        )}
      </div>
      <Breadcrumb datasetId={datasetId} datasetName={datasetName} path={listing ? folder : ''} />
      {problem ? (
        <p role="status" className="mt-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {problem}{' '}
          <Link className="font-medium underline" href={folderHref(datasetId, '')}>Back to the top folder</Link>
        </p>
      ) : (
        <>
          {readOnly && can(role, 'files.write') && (
            <p className="mt-3 text-sm text-amber-800">Files are read-only while the dataset is locked.</p>
          )}
          {canWrite && <FolderToolbar datasetId={datasetId} folder={folder} />}
          {rows.length === 0 && listing?.page === 1 ? (
            <EmptyFolder folder={folder} canWrite={canWrite} />
          ) : (
            <EntryTable datasetId={datasetId} rows={rows} canManage={canManage} sort={{ folder, sort: listing?.sort ?? 'name', dir: listing?.dir ?? 'asc' }} />
          )}
          {listing && (listing.page > 1 || listing.hasNext) && <Pages datasetId={datasetId} listing={listing} />}
        </>
      )}
    </section>
  );
}

/** Previous / Next between pages of a folder, keeping its sort. */
function Pages({ datasetId, listing }: { datasetId: string; listing: FolderListing }) {
  const at = (page: number) => folderHref(datasetId, listing.path, { sort: listing.sort, dir: listing.dir, page });
  const first = (listing.page - 1) * listing.pageSize + 1;
  const last = first + listing.entries.length - 1;
  const link = 'rounded-md border border-slate-300 px-3 py-1.5 font-medium text-indigo-700 hover:bg-slate-50';
  return (
    <nav aria-label="Pages" className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm">
      <p className="text-slate-600">
        {listing.entries.length > 0 ? `Entries ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')}` : 'No entries'} · page {listing.page.toLocaleString('en-US')}
      </p>
      <div className="flex gap-2">
        {listing.page > 1 && <Link href={at(1)} className={link}>First</Link>}
        {listing.page > 1 && <Link href={at(listing.page - 1)} rel="prev" className={link}>Previous</Link>}
        {listing.hasNext && <Link href={at(listing.page + 1)} rel="next" className={link}>Next</Link>}
      </div>
    </nav>
  );
}
