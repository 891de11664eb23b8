/** Tiny S3 XML helpers: escaped text in fixed templates (no parser library needed for our shapes). */
import { S3Error } from './errors';

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

/**
 * Checks that a small request document is one <root> element with balanced tags (what our shapes
 * need before texts()/blocks() read them): MalformedXML otherwise, so a cut-off or stray document
 * is refused as a whole instead of acting on the part that happened to parse.
 */
export function requireDocument(xml: string, root: string): void {
  const bad = () => new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema.');
  const body = xml.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>)?/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let seenRoot = false;
  let last = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const between = body.slice(last, m.index);
    if (between.includes('<') || between.includes('>') || (stack.length === 0 && between.trim() !== '')) throw bad();
    last = m.index + m[0].length;
    const [, closing, name, selfClosing] = m;
    if (stack.length === 0) {
      if (seenRoot || closing || name !== root) throw bad();
      seenRoot = true;
    }
    if (closing) {
      if (stack.pop() !== name) throw bad();
    } else if (!selfClosing) stack.push(name);
  }
  if (!seenRoot || stack.length > 0 || body.slice(last).trim() !== '') throw bad();
}
