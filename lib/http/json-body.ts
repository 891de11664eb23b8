import { AppError } from '@/lib/errors';

/** A small JSON request body (at most `limit` bytes, read no further); INVALID / TOO_LARGE for anything else. */
export async function readJsonBody(request: Request, limit = 16 * 1024): Promise<Record<string, unknown>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > limit) throw new AppError('TOO_LARGE', `The request body must be at most ${limit} bytes of JSON.`);
      chunks.push(chunk);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('INVALID', 'The request body must be a JSON object.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AppError('INVALID', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}
