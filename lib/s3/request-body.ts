import { Readable } from 'node:stream';

/**
 * A request's body as the Node stream it arrived as. The Node layer (node-handler.ts) builds the
 * Request the handler sees without a body and attaches the IncomingMessage here, so uploads are read
 * straight from the socket: a web stream in between (Readable.toWeb, then Readable.fromWeb again)
 * cost a promise chain per 64 KiB chunk and kept PutObject well under what Node can receive.
 * Requests through Next's route handler have no entry and use their web body.
 */
export type RequestBody = ReadableStream<Uint8Array> | Readable | null;

const nodeBodies = new WeakMap<Request, Readable>();

export function attachNodeBody(request: Request, body: Readable): void {
  nodeBodies.set(request, body);
}

export function bodyOf(request: Request): RequestBody {
  return nodeBodies.get(request) ?? request.body;
}

/** The body as a Node stream, whichever form it came in; null when there is none. */
export function readableBody(body: RequestBody): Readable | null {
  if (!body || body instanceof Readable) return body;
  return Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
}
