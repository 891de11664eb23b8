import { getCurrentUser } from '@/lib/auth/session';
import { openVersionDownload } from '@/lib/file-history';
import { errorResponse, jsonResponse } from '@/lib/http/responses';
import { downloadResponse } from '@/lib/storage/http';

// Download (GET, Range) of an earlier version of a file: /api/datasets/<id>/versions/<versionId>.
// Authorized like a file download (viewers and up); lib/file-history.ts does the work.

type Ctx = { params: Promise<{ datasetId: string; versionId: string }> };

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) return jsonResponse(401, { error: 'Log in to download files.' });
    const { datasetId, versionId } = await ctx.params;
    const file = await openVersionDownload(user.id, datasetId, versionId);
    return await downloadResponse(request, file);
  } catch (err) {
    return errorResponse(err, 'versions route');
  }
}
