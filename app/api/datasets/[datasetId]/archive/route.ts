import { Readable } from 'node:stream';
import { openFolderArchive } from '@/lib/archive';
import { getCurrentUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { contentDisposition } from '@/lib/storage/http';

// GET /api/datasets/<id>/archive?path=<folder>: the folder (default: the whole dataset) as a streamed .zip.

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

export async function GET(request: Request, ctx: Ctx): Promise<Response> {
  try {
    const user = await getCurrentUser();
    if (!user) return json(401, { error: 'Log in to download files.' });
    const { datasetId } = await ctx.params;
    const folder = new URL(request.url).searchParams.get('path') ?? '';
    const archive = await openFolderArchive(user.id, datasetId, folder);
    return new Response(pullFrom(archive.stream()), {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': contentDisposition(archive.fileName),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': 'sandbox',
        'Cache-Control': 'private, no-store, no-transform',
      },
    });
  } catch (err) {
    if (err instanceof AppError) return json(err.status, { error: err.message });
    console.error('archive route failed:', err);
    return json(500, { error: 'Something went wrong on our side. Please try again.' });
  }
}
