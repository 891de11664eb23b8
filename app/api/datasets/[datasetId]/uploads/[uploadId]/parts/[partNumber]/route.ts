import { getCurrentUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { isCrossSite } from '@/lib/http/origin';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { putPart } from '@/lib/upload-sessions';

// PUT /api/datasets/<id>/uploads/<uploadId>/parts/<n> (raw body): one part of a resumable upload,
// streamed into storage (lib/upload-sessions.ts checks the role, the session, the number and the size).

type Ctx = { params: Promise<{ datasetId: string; uploadId: string; partNumber: string }> };

export async function PUT(request: Request, ctx: Ctx): Promise<Response> {
  try {
    if (isCrossSite(request.headers)) return jsonResponse(403, { error: 'Cross-site request refused.' });
    const user = await getCurrentUser();
    if (!user) return jsonResponse(401, { error: 'Log in to upload files.' });
    const { datasetId, uploadId, partNumber } = await ctx.params;
    const length = request.headers.get('content-length');
    const contentLength = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    return jsonResponse(200, await putPart(user.id, datasetId, uploadId, partNumber, request.body, { contentLength, signal: request.signal }));
  } catch (err) {
    // A client that went away mid-part is not a server fault: storage has already cleaned up.
    if (request.signal.aborted && !(err instanceof AppError)) return jsonResponse(499, { error: 'The upload was interrupted.' });
    return errorResponse(err, 'upload part route');
  }
}
