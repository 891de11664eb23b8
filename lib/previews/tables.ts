import Papa from 'papaparse';

/** A table preview: column names with inferred types, and rows of display strings. */
export type TablePreview = { columns: { name: string; type: string }[]; rows: string[][]; truncated: boolean };

export const MAX_PREVIEW_ROWS = 1000;

function typeOfValue(v: string): string | null {
  const s = v.trim();
  if (s === '') return null;
  if (/^[-+]?\d+$/.test(s)) return 'integer';
  if (/^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(s) || /^(nan|inf|-inf)$/i.test(s)) return 'float';
  if (/^(true|false)$/i.test(s)) return 'boolean';
  if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) return 'date';
  return 'string';
}

/** The narrowest type that fits every non-empty value of a column (integer < float; otherwise one kind, else string). */
export function inferColumnType(values: string[]): string {
  let type: string | null = null;
  for (const v of values) {
    const t = typeOfValue(v);
    if (!t) continue;
    if (type === null) type = t;
    else if (type !== t) type = (type === 'integer' && t === 'float') || (type === 'float' && t === 'integer') ? 'float' : 'string';
    if (type === 'string') break;
  }
  return type ?? 'empty';
}

/**
 * The first rows of CSV/TSV text (the head of a file: a last line cut mid-way is dropped when the
 * text was truncated). The first row names the columns; ragged rows are padded or cut to fit.
 */
export function previewDelimited(text: string, delimiter: ',' | '\t', textTruncated: boolean): TablePreview {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: 'greedy', preview: MAX_PREVIEW_ROWS + 2 });
  let data = parsed.data;
  if (textTruncated && data.length > 1) data = data.slice(0, -1);
  const [header = [], ...body] = data;
  const width = Math.max(header.length, ...body.slice(0, 50).map((r) => r.length));
  const names = Array.from({ length: width }, (_, i) => (header[i] ?? '').trim() || `column ${i + 1}`);
  const rows = body.slice(0, MAX_PREVIEW_ROWS).map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
  const columns = names.map((name, i) => ({ name, type: inferColumnType(rows.map((r) => r[i])) }));
  return { columns, rows, truncated: textTruncated || body.length > MAX_PREVIEW_ROWS };
}

/** A cell for display: strings as they are, everything else as compact JSON (bigints as digits). */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `<${v.length} bytes>`;
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    return s.length > 500 ? `${s.slice(0, 499)}…` : s;
  } catch {
    return String(v);
  }
}

/** The first rows of JSON Lines text as a table over the union of their top-level keys. */
export function previewJsonLines(text: string, textTruncated: boolean): TablePreview | { error: string } {
  const lines = text.split(/\r?\n/);
  if (textTruncated) lines.pop();
  const objects: Record<string, unknown>[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    if (objects.length >= MAX_PREVIEW_ROWS) break;
    try {
      const v = JSON.parse(line);
      objects.push(v && typeof v === 'object' && !Array.isArray(v) ? v : { value: v });
    } catch {
      return { error: `Line ${i + 1} is not valid JSON, so this file cannot be shown as a table.` };
    }
  }
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))].slice(0, 100);
  const rows = objects.map((o) => keys.map((k) => displayValue(o[k])));
  return { columns: keys.map((name, i) => ({ name, type: inferColumnType(rows.map((r) => r[i])) })), rows, truncated: textTruncated || objects.length >= MAX_PREVIEW_ROWS };
}
