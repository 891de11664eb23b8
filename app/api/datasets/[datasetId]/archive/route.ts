import { Readable } from 'node:stream';
import { openFolderArchive, openSelectionArchive, type FolderArchive } from '@/lib/archive';
import { getCurrentUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { isCrossSite } from '@/lib/http/origin';
import { contentDisposition } from '@/lib/storage/http';

// GET /api/datasets/<id>/archive?path=<folder>: the folder (default: the whole dataset) as a streamed .zip.
// POST (a form with one `path` field per selected entry): the selection as a streamed .zip
// (with ?check=1, only whether it may be zipped: its counts, or the error).

/** A web stream that reads the zip only as fast as the client takes it; cancelling (a client gone) destroys it. */
function pullFrom(readable: Readable): ReadableStream<Uint8Array> {
  const chunks = readable[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value as Uint8Array);
    },
    cancel() {
      readable.destroy();
    },
  });
}

type Ctx = { params: Promise<{ datasetId: string }> };

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });

function zipResponse(archive: FolderArchive): Response {
  return new Response(pullFrom(archive.stream()), {
    headers: {
      'Content-Type': 'application/zip',
      'Content-Disposition': contentDisposition(archive.fileName),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'sandbox',
      'Cache-Control': 'private, no-store, no-transform',
    },
  });
}

function failed(err: unknown): Response {
  if (err instanceof AppError) return json(err.status, { error: err.message });
  console.error('archive route failed:', err);
  return json(500, { error: 'Something went wrong on our side. Please try again.' });
}

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) return json(401, { error: 'Log in to download files.' });
    const { datasetId } = await ctx.params;
    const folder = new URL(request.url).searchParams.get('path') ?? '';
    return zipResponse(await openFolderArchive(user.id, datasetId, folder));
  } catch (err) {
    return failed(err);
  }
}

export async function POST(request: Request, ctx: Ctx): Promise<Response> {
  try {
    if (isCrossSite(request.headers)) return json(403, { error: 'Cross-site request refused.' });
    const user = await getCurrentUser();
    if (!user) return json(401, { error: 'Log in to download files.' });
    const { datasetId } = await ctx.params;
    let paths: string[];
    try {
      paths = (await request.formData()).getAll('path').filter((p): p is string => typeof p === 'string');
    } catch {
      throw new AppError('INVALID', 'Send the selected paths as a form.');
    }
    const archive = await openSelectionArchive(user.id, datasetId, paths);
    // ?check=1: the page asks first, so a selection over the cap gets a message instead of a download.
    if (new URL(request.url).searchParams.get('check') === '1') return json(200, { fileCount: archive.fileCount, totalSize: archive.totalSize });
    return zipResponse(archive);
  } catch (err) {
    return failed(err);
  }
}
