import { AppError } from '@/lib/errors';

/**
 * Path rules for entries of a dataset's tree. A path is relative, '/'-separated, NFC-normalized,
 * with no empty, '.' or '..' segment; the root folder is ''. These strings reach the database and
 * the UI, never the file system (blobs use server-generated keys).
 */

export const MAX_SEGMENT_BYTES = 255;
export const MAX_PATH_BYTES = 4096;

// C0/C1 controls, DEL, bidi embeddings/overrides/isolates and LRM/RLM/ALM (used to disguise names,
// e.g. "gpj.exe" shown as "exe.jpg"), and lone surrogates (not representable in UTF-8).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function invalid(message: string, field?: string): never {
  throw new AppError('INVALID', message, field);
}

/** Checks one name (a single path segment) and returns it NFC-normalized; INVALID with a clear message otherwise. */
export function normalizeName(raw: unknown, field?: string): string {
  if (typeof raw !== 'string') invalid('A name is required.', field);
  const name = raw.normalize('NFC');
  if (name === '') invalid('A name is required.', field);
  if (name.includes('/')) invalid('A name cannot contain "/".', field);
  return checkSegment(name, field);
}

function checkSegment(segment: string, field?: string): string {
  if (segment === '') invalid('A path cannot contain empty parts ("//"), or start or end with "/".', field);
  if (segment === '.' || segment === '..') invalid('A path cannot contain "." or ".." parts.', field);
  if (segment.includes('\\')) invalid('A name cannot contain a backslash ("\\").', field);
  if (UNSAFE.test(segment)) invalid('A name cannot contain control or text-direction characters.', field);
  if (segment.trim() === '') invalid('A name cannot be only spaces.', field);
  if (bytes(segment) > MAX_SEGMENT_BYTES) invalid(`A name can be at most ${MAX_SEGMENT_BYTES} bytes long.`, field);
  return segment;
}

/** Validates and NFC-normalizes a path to a file or folder ("a/b.csv"); the root ('') is refused. */
export function normalizePath(raw: unknown, field?: string): string {
  if (typeof raw !== 'string' || raw === '') invalid('A path is required.', field);
  const path = raw.normalize('NFC');
  if (path.startsWith('/')) invalid('A path must be relative to the dataset (no leading "/").', field);
  if (bytes(path) > MAX_PATH_BYTES) invalid(`A path can be at most ${MAX_PATH_BYTES} bytes long.`, field);
  for (const segment of path.split('/')) checkSegment(segment, field);
  return path;
}

/** Like normalizePath, but '' (the dataset's top folder) is allowed. */
export function normalizeFolderPath(raw: unknown, field?: string): string {
  return raw === '' || raw === undefined || raw === null ? '' : normalizePath(raw, field);
}

/** The folder holding a path ('' for top-level entries). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a folder path ('' = root) and a relative path. */
export function joinPath(folder: string, rest: string): string {
  return folder === '' ? rest : `${folder}/${rest}`;
}

/** Every folder above a path, outermost first: "a/b/c" → ["a", "a/b"]. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** True when `path` is `folder` itself or lies inside it. */
export function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}
