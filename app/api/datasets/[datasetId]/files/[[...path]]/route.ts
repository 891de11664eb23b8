import { getCurrentUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { downloadRedirect, openDownload, uploadFile } from '@/lib/files';
import { isCrossSite } from '@/lib/http/origin';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { cleanContentType, contentDisposition, parseRange, servedContentType } from '@/lib/storage/http';

// Upload (PUT, raw body) and download (GET, Range) of one file: /api/datasets/<id>/files/<path…>.
// Thin on purpose: lib/files.ts authorizes and does the work.

type Ctx = { params: Promise<{ datasetId: string; path?: string[] }> };

const json = jsonResponse;
const failure = (err: unknown) => errorResponse(err, 'files route');

// The path as sent, decoded segment by segment (Next's own decoding of catch-all params is not
// something to rely on for names holding '%' or '/').
function filePath(request: Request, datasetId: string): string {
  const pathname = new URL(request.url).pathname;
  const prefix = `/api/datasets/${encodeURIComponent(datasetId)}/files/`;
  const i = pathname.indexOf('/files/');
  const raw = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : i >= 0 ? pathname.slice(i + 7) : '';
  try {
    return raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new AppError('INVALID', 'The file path is not valid URL encoding.');
  }
}

export async function PUT(request: Request, ctx: Ctx): Promise<Response> {
  try {
    if (isCrossSite(request.headers)) return json(403, { error: 'Cross-site request refused.' });
    const user = await getCurrentUser();
    if (!user) return json(401, { error: 'Log in to upload files.' });
    const { datasetId } = await ctx.params;
    const length = request.headers.get('content-length');
    const contentLength = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    const result = await uploadFile(user.id, datasetId, filePath(request, datasetId), request.body, {
      contentLength,
      contentType: cleanContentType(request.headers.get('content-type')),
      batch: request.headers.get('x-trove-upload-batch') ?? undefined,
      signal: request.signal,
    });
    return json(result.created ? 201 : 200, result);
  } catch (err) {
    // A client that went away mid-upload is not a server fault: storage has already cleaned up.
    if (request.signal.aborted && !(err instanceof AppError)) return json(499, { error: 'The upload was interrupted.' });
    return failure(err);
  }
}

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) return json(401, { error: 'Log in to download files.' });
    const { datasetId } = await ctx.params;
    const file = await openDownload(user.id, datasetId, filePath(request, datasetId));
    // DOWNLOAD_REDIRECT=presigned on the s3 driver: the bytes come from object storage, not through Node.
    const redirect = await downloadRedirect(file, request);
    if (redirect) return new Response(null, { status: 302, headers: { Location: redirect, 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' } });
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
    const ifRange = request.headers.get('if-range');
    const rangeHeader = ifRange && ifRange !== etag ? null : request.headers.get('range');
    const range = parseRange(rangeHeader, file.size);
    if (range.kind === 'unsatisfiable') {
      return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } });
    }
    const part = range.kind === 'partial' ? range.range : undefined;
    const length = part ? part.end - part.start + 1 : file.size;
    if (part) headers['Content-Range'] = `bytes ${part.start}-${part.end}/${file.size}`;
    headers['Content-Length'] = String(length);
    // Next drops Content-Length from route handlers; scripts/start.mjs puts it back from this.
    headers['x-trove-content-length'] = String(length);
    if (request.method === 'HEAD' || length === 0) return new Response(null, { status: part ? 206 : 200, headers });
    // Opened before answering (a missing blob is a 404, not a dropped connection), then read only as
    // fast as the client takes it. A client that goes away aborts the request, which closes the file.
    const body = await file.open(part, request.signal);
    return new Response(body, { status: part ? 206 : 200, headers });
  } catch (err) {
    return failure(err);
  }
}
