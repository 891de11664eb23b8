/** What kind of preview a file gets, from its name (and stored type). Pure: used by pages and tests. */
export type PreviewKind = 'image' | 'markdown' | 'text' | 'json' | 'jsonl' | 'csv' | 'tsv' | 'parquet' | 'none';

const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp']);
const TEXT = new Set([
  'txt', 'log', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'py', 'ipynb', 'js', 'mjs', 'ts', 'tsx', 'jsx', 'sh', 'bash', 'r', 'sql',
  'c', 'h', 'cpp', 'hpp', 'rs', 'go', 'java', 'kt', 'scala', 'rb', 'php', 'css', 'xml', 'tex', 'rst', 'env', 'gitignore', 'dockerfile', 'makefile',
]);

/** The extension, lowercased ("" when none); dotfiles and bare names count as their whole name. */
export function extensionOf(name: string): string {
  const lower = name.toLowerCase();
  const dot = lower.lastIndexOf('.');
  return dot > 0 ? lower.slice(dot + 1) : lower.replace(/^\./, '');
}

/**
 * SVG and HTML never get a preview: they can carry script, so they stay downloads (served with
 * Content-Security-Policy: sandbox). Everything shown is rendered by Trove from bytes, never by the browser.
 */
export function previewKind(name: string, contentType?: string | null): PreviewKind {
  const ext = extensionOf(name);
  if (IMAGE.has(ext)) return 'image';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  if (ext === 'json' || ext === 'geojson') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  if (TEXT.has(ext) || contentType === 'text/plain') return 'text';
  return 'none';
}

/** Bytes that contain NUL or are not UTF-8 are binary, whatever the name says. */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return true;
  try {
    // A multi-byte character cut at the sample's end is fine; invalid sequences elsewhere are not.
    new TextDecoder('utf-8', { fatal: true }).decode(trimPartialChar(sample));
    return false;
  } catch {
    return true;
  }
}

/** Drops a UTF-8 sequence cut off at the end of a buffer (so a head read decodes cleanly). */
export function trimPartialChar(bytes: Uint8Array): Uint8Array {
  let i = bytes.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return bytes;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? bytes.subarray(0, i) : bytes;
}
