/** Tiny S3 XML helpers: escaped text in fixed templates (no parser library needed for our shapes). */

export function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** <Name>value</Name>, escaped; undefined / null values are left out. */
export function el(name: string, value: string | number | boolean | null | undefined): string {
  return value === undefined || value === null ? '' : `<${name}>${esc(String(value))}</${name}>`;
}

export function doc(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e],
  );
}

/** Every <name>…</name> text in a small request document (DeleteObjects, CompleteMultipartUpload). */
export function texts(xml: string, name: string): string[] {
  const re = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g');
  return Array.from(xml.matchAll(re), (m) => unescapeXml(m[1]));
}

/** The <tag>…</tag> blocks of a document, each as raw XML. */
export function blocks(xml: string, name: string): string[] {
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  return Array.from(xml.matchAll(re), (m) => m[1]);
}

/** S3's ISO-8601 timestamps with milliseconds. */
export const iso = (d: Date) => d.toISOString();
