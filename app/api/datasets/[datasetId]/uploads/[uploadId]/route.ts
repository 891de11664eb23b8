import { getCurrentUser } from '@/lib/auth/session';
import { isCrossSite } from '@/lib/http/origin';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { abortSession, completeSession, getSession } from '@/lib/upload-sessions';

// One resumable upload session (lib/upload-sessions.ts): GET → which parts the server has;
// POST → complete (the parts become the file); DELETE → cancel (the parts go).

type Ctx = { params: Promise<{ datasetId: string; uploadId: string }> };

async function withUser(request: Request, ctx: Ctx, fn: (userId: string, datasetId: string, uploadId: string) => Promise<Response>): Promise<Response> {
  try {
    if (request.method !== 'GET' && isCrossSite(request.headers)) return jsonResponse(403, { error: 'Cross-site request refused.' });
    const user = await getCurrentUser();
    if (!user) return jsonResponse(401, { error: 'Log in to upload files.' });
    const { datasetId, uploadId } = await ctx.params;
    return await fn(user.id, datasetId, uploadId);
  } catch (err) {
    if (request.signal.aborted) return jsonResponse(499, { error: 'The request was interrupted.' });
    return errorResponse(err, 'upload session route');
  }
}

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return withUser(request, ctx, async (u, d, id) => jsonResponse(200, await getSession(u, d, id)));
}

export function POST(request: Request, ctx: Ctx): Promise<Response> {
  return withUser(request, ctx, async (u, d, id) => {
    const result = await completeSession(u, d, id, { signal: request.signal });
    return jsonResponse(result.created ? 201 : 200, result);
  });
}

export function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return withUser(request, ctx, async (u, d, id) => {
    await abortSession(u, d, id);
    return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  });
}
