import type { ByteRange } from './blob-store';

/** Pure HTTP helpers for serving blobs: Range parsing (RFC 9110 §14) and RFC 6266 filenames. */

export type RangeResult =
  | { kind: 'full' } // no (usable) Range header: send everything
  | { kind: 'partial'; range: ByteRange } // 206 with this range
  | { kind: 'unsatisfiable' }; // 416

/**
 * Interprets a Range header against a size. Malformed headers and units other than bytes are
 * ignored (full response), as the RFC says; several ranges are answered with the first satisfiable
 * one, which clients that ask for several must accept.
 */
export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (!header) return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!m) return { kind: 'full' };
  let sawValid = false;
  for (const spec of m[1].split(',')) {
    const r = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return { kind: 'full' };
    sawValid = true;
    let start: number;
    let end: number;
    if (r[1] === '') {
      const suffix = Number(r[2]);
      if (suffix === 0) continue;
      start = Math.max(0, size - suffix);
      end = size - 1;
    } else {
      start = Number(r[1]);
      end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
      if (r[2] !== '' && Number(r[2]) < start) return { kind: 'full' }; // invalid spec: ignore the header
    }
    if (start < size && start <= end) return { kind: 'partial', range: { start, end } };
  }
  return sawValid ? { kind: 'unsatisfiable' } : { kind: 'full' };
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / 8187). */
export function contentDisposition(name: string): string {
  const fallback = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%]/g, '_')
    .trim() || 'download';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

// Types a browser shows inertly even if it ignored Content-Disposition; anything else (HTML, SVG,
// XML, scripts) is served as opaque bytes.
const INERT_TYPES = new Set([
  'text/plain', 'text/csv', 'text/tab-separated-values', 'application/json', 'application/pdf',
  'application/zip', 'application/gzip', 'application/x-tar', 'application/octet-stream',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'audio/mpeg', 'audio/wav', 'video/mp4',
]);

/** The stored type for an upload's Content-Type header: its lowercase essence when well-formed, else null. */
export function cleanContentType(header: string | null | undefined): string | null {
  const essence = header?.split(';')[0].trim().toLowerCase();
  return essence && /^[a-z0-9!#$&^_.+-]{1,64}\/[a-z0-9!#$&^_.+-]{1,128}$/.test(essence) ? essence : null;
}

/** The Content-Type to send for a stored type. */
export function servedContentType(stored: string | null | undefined): string {
  return stored && INERT_TYPES.has(stored) ? stored : 'application/octet-stream';
}

/** What a download answer needs to know of a stored file (lib/files.ts `Download` satisfies it). */
export type Servable = {
  name: string;
  size: number;
  contentType: string | null;
  sha256: string | null;
  updatedAt: Date;
  open: (range?: ByteRange, signal?: AbortSignal) => Promise<ReadableStream<Uint8Array>>;
};

/** The status and headers of a download answer, and the range of bytes to send (none: all of them). */
export type DownloadHead = { status: number; headers: Record<string, string>; part?: ByteRange; length: number };

/**
 * The answer to an authorized GET/HEAD of a stored file, for the file and the version downloads alike
 * (the route handlers and the Node fast path, lib/download-handler.ts): a sandboxed attachment with
 * Content-Length, Range/If-Range (206/416), ETag and Last-Modified.
 */
export function downloadHead(request: { range: string | null | undefined; ifRange: string | null | undefined }, file: Omit<Servable, 'open'>): DownloadHead {
  const etag = file.sha256 ? `"${file.sha256}"` : undefined;
  const headers: Record<string, string> = {
    'Content-Type': servedContentType(file.contentType),
    'Content-Disposition': contentDisposition(file.name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'sandbox',
    // no-transform: Next's gzip would otherwise re-encode text files, dropping Content-Length and Range.
    'Cache-Control': 'private, no-store, no-transform',
    'Accept-Ranges': 'bytes',
    'Last-Modified': file.updatedAt.toUTCString(),
    ...(etag ? { ETag: etag } : {}),
  };
  // If-Range: resume only when the file is still the one the client started with.
  const ifRange = request.ifRange;
  const range = parseRange(ifRange && ifRange !== etag ? null : request.range, file.size);
  if (range.kind === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` }, length: 0 };
  const part = range.kind === 'partial' ? range.range : undefined;
  const length = part ? part.end - part.start + 1 : file.size;
  if (part) headers['Content-Range'] = `bytes ${part.start}-${part.end}/${file.size}`;
  headers['Content-Length'] = String(length);
  return { status: part ? 206 : 200, headers, part, length };
}

/**
 * The route handlers' answer (see downloadHead). The bytes are opened before answering (a missing blob
 * throws NOT_FOUND instead of dropping the connection), then read only as fast as the client takes
 * them; a client that goes away aborts the request and the read.
 */
export async function downloadResponse(request: Request, file: Servable): Promise<Response> {
  const { status, headers, part, length } = downloadHead({ range: request.headers.get('range'), ifRange: request.headers.get('if-range') }, file);
  if (status === 416) return new Response(null, { status, headers });
  // Next drops Content-Length from route handlers; scripts/start.mjs puts it back from this.
  headers['x-trove-content-length'] = String(length);
  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
  return new Response(await file.open(part, request.signal), { status, headers });
}
