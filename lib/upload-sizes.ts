/**
 * Resumable browser uploads (lib/upload-sessions.ts, components/file-browser/use-uploads.ts): files
 * larger than the threshold go in parts of this size, so a dropped connection costs at most one part.
 * Shared by server and client (no server-only imports here).
 */
export const RESUMABLE_THRESHOLD_BYTES = 16 * 1024 * 1024;
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

/** How many parts a file of `size` bytes (at least 1) is sent in. */
export function partCount(size: number): number {
  return Math.ceil(size / UPLOAD_PART_BYTES);
}

/** The exact size of part `n` (1-based) of a file of `size` bytes. */
export function partSize(size: number, n: number): number {
  return n < partCount(size) ? UPLOAD_PART_BYTES : size - (partCount(size) - 1) * UPLOAD_PART_BYTES;
}
