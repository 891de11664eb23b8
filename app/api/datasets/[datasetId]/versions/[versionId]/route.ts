import { getCurrentUser } from '@/lib/auth/session';
import { openVersionDownload } from '@/lib/file-history';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { contentDisposition, parseRange, servedContentType } from '@/lib/storage/http';

// Download (GET, Range) of an earlier version of a file: /api/datasets/<id>/versions/<versionId>.
// Authorized like a file download (viewers and up); lib/file-history.ts does the work.

type Ctx = { params: Promise<{ datasetId: string; versionId: string }> };

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) return jsonResponse(401, { error: 'Log in to download files.' });
    const { datasetId, versionId } = await ctx.params;
    const file = await openVersionDownload(user.id, datasetId, versionId);
    const etag = file.sha256 ? `"${file.sha256}"` : undefined;
    const headers: Record<string, string> = {
      'Content-Type': servedContentType(file.contentType),
      'Content-Disposition': contentDisposition(file.name),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'sandbox',
      'Cache-Control': 'private, no-store, no-transform',
      'Accept-Ranges': 'bytes',
      'Last-Modified': file.updatedAt.toUTCString(),
      ...(etag ? { ETag: etag } : {}),
    };
    const ifRange = request.headers.get('if-range');
    const range = parseRange(ifRange && ifRange !== etag ? null : request.headers.get('range'), file.size);
    if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${file.size}` } });
    const part = range.kind === 'partial' ? range.range : undefined;
    const length = part ? part.end - part.start + 1 : file.size;
    if (part) headers['Content-Range'] = `bytes ${part.start}-${part.end}/${file.size}`;
    headers['Content-Length'] = String(length);
    // Next drops Content-Length from route handlers; scripts/start.mjs puts it back from this.
    headers['x-trove-content-length'] = String(length);
    if (request.method === 'HEAD' || length === 0) return new Response(null, { status: part ? 206 : 200, headers });
    return new Response(await file.open(part, request.signal), { status: part ? 206 : 200, headers });
  } catch (err) {
    return errorResponse(err, 'versions route');
  }
}
