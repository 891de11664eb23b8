/** Where a file downloads from and uploads to (each segment percent-encoded). */
export function fileUrl(datasetId: string, path: string): string {
  return `/api/datasets/${datasetId}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** The details page showing one folder ('' = top). */
export function folderHref(datasetId: string, path: string): string {
  return path ? `/datasets/${datasetId}?path=${encodeURIComponent(path)}` : `/datasets/${datasetId}`;
}

/** A file's own page (its preview). */
export function filePageHref(datasetId: string, path: string): string {
  return `/datasets/${datasetId}/files/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** A folder ('' = the whole dataset) as a .zip download. */
export function archiveUrl(datasetId: string, folder: string): string {
  return `/api/datasets/${datasetId}/archive${folder ? `?path=${encodeURIComponent(folder)}` : ''}`;
}
