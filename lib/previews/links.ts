/**
 * Resolves a relative link in a dataset's Markdown against the folder it sits in, within the dataset:
 * "img/a.png" from "docs" → "docs/img/a.png". Absolute URLs, protocol-relative ones and paths that
 * climb out of the dataset give null (so they are not followed).
 */
export function joinRelative(folder: string, url: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || url.startsWith('\\')) return null;
  const clean = url.split(/[?#]/)[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(clean);
  } catch {
    return null;
  }
  const parts = decoded.startsWith('/') ? [] : folder.split('/').filter(Boolean);
  for (const seg of decoded.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length ? parts.join('/') : null;
}
