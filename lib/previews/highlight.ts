import { highlight } from 'sugar-high';

/** Extensions whose previews are syntax highlighted (plain text, CSV and logs stay plain). */
const CODE = new Set(['js', 'mjs', 'cjs', 'jsx', 'ts', 'tsx', 'py', 'ipynb', 'json', 'jsonl', 'yaml', 'yml', 'toml', 'sh', 'bash', 'sql', 'r', 'rs', 'go', 'java', 'c', 'h', 'cpp', 'hpp', 'cs', 'rb', 'php', 'kt', 'swift', 'lua', 'css', 'scala', 'jl', 'cfg', 'ini']);
/** Highlighting is done on the server into the page: past this, the preview stays plain text. */
export const MAX_HIGHLIGHT_CHARS = 256 * 1024;

/**
 * The preview's text as highlighted HTML (sugar-high: spans with token classes; every character of
 * the file's text is HTML-escaped, so a file cannot inject markup), or null for plain text.
 */
export function highlightCode(text: string, language: string): string | null {
  if (!CODE.has(language) || text.length > MAX_HIGHLIGHT_CHARS) return null;
  return highlight(text);
}
