import { getCurrentUser } from '@/lib/auth/session';
import { readJsonBody } from '@/lib/http/json-body';
import { isCrossSite } from '@/lib/http/origin';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { createSession } from '@/lib/upload-sessions';

// POST /api/datasets/<id>/uploads {path, size, contentType?, batch?}: starts a resumable upload of a
// large file (lib/upload-sessions.ts decides and authorizes); answers its id, part size and part count.

type Ctx = { params: Promise<{ datasetId: string }> };

export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  try {
    if (isCrossSite(request.headers)) return jsonResponse(403, { error: 'Cross-site request refused.' });
    const user = await getCurrentUser();
    if (!user) return jsonResponse(401, { error: 'Log in to upload files.' });
    const { datasetId } = await ctx.params;
    return jsonResponse(201, await createSession(user.id, datasetId, await readJsonBody(request)));
  } catch (err) {
    return errorResponse(err, 'uploads route');
  }
}
