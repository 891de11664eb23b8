/** An earlier version of a file, to download. */
export function versionUrl(datasetId: string, versionId: string): string {
  return `/api/datasets/${datasetId}/versions/${versionId}`;
}

/** The dataset's Trash (managers and the owner). */
export function trashHref(datasetId: string): string {
  return `/datasets/${datasetId}/trash`;
}
