/** Where a file downloads from and uploads to (each segment percent-encoded). */
export function fileUrl(datasetId: string, path: string): string {
  return `/api/datasets/${datasetId}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export type FolderView = { sort?: 'name' | 'size' | 'modified'; dir?: 'asc' | 'desc'; page?: number; q?: string };

/** The Files tab showing one folder ('' = top), optionally sorted, paged or searched. */
export function folderHref(datasetId: string, path: string, view: FolderView = {}): string {
  const q = new URLSearchParams();
  if (path) q.set('path', path);
  if (view.q) q.set('q', view.q);
  if (view.sort && view.sort !== 'name') q.set('sort', view.sort);
  if (view.dir === 'desc') q.set('dir', 'desc');
  if (view.page && view.page > 1) q.set('page', String(view.page));
  const s = q.toString();
  return `/datasets/${datasetId}/files${s ? `?${s}` : ''}`;
}

/** A file's own page (its preview). */
export function filePageHref(datasetId: string, path: string): string {
  return `/datasets/${datasetId}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** A folder ('' = the whole dataset) as a .zip download. */
export function archiveUrl(datasetId: string, folder: string): string {
  return `/api/datasets/${datasetId}/archive${folder ? `?path=${encodeURIComponent(folder)}` : ''}`;
}

/** Where a selection is POSTed (one `path` field per entry) to download it as one .zip. */
export function selectionArchiveUrl(datasetId: string): string {
  return `/api/datasets/${datasetId}/archive`;
}
