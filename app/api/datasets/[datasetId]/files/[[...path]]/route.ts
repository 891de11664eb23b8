import { getCurrentUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { downloadRedirect, openDownload, uploadFile } from '@/lib/files';
import { isCrossSite } from '@/lib/http/origin';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { cleanContentType, downloadResponse } from '@/lib/storage/http';

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
    return await downloadResponse(request, file);
  } catch (err) {
    return failure(err);
  }
}
