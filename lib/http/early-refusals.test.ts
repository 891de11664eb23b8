import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_BODY_LIMIT_BYTES, declaredLength, hasMalformedPathEncoding, isPagePost, readLimited, refuse, surfaceOf, withBody } from './early-refusals.mjs';
import { ACTION_BODY_LIMIT_BYTES as PROXY_LIMIT } from './request-checks';

// Issue 9 residuals: refused in scripts/start.mjs before Next, which answers these with a bare 500.
// The built server is checked by scripts/faults/bad-requests.mjs (npm run test:faults).

describe('paths that are not valid percent-encoded UTF-8', () => {
  it('include a lone continuation byte (%80), which the proxy matcher lets through for uploads', () => {
    expect(hasMalformedPathEncoding('/api/datasets/d/files/a%80b.csv')).toBe(true);
    expect(hasMalformedPathEncoding('/api/datasets/d/files/%80')).toBe(true);
    expect(hasMalformedPathEncoding('/api/datasets/d/files/%ZZ')).toBe(true);
    expect(hasMalformedPathEncoding('/api/datasets/d/files/%ED%A0%80')).toBe(true);
    expect(hasMalformedPathEncoding('/api/datasets/d/files/%C0%AF')).toBe(true);
    expect(hasMalformedPathEncoding('/s3/bucket/key%80')).toBe(true);
  });

  it('leave valid encodings alone, and the query string to the app', () => {
    expect(hasMalformedPathEncoding('/api/datasets/d/files/caf%C3%A9.csv')).toBe(false);
    expect(hasMalformedPathEncoding('/api/datasets/d/files/100%25.csv')).toBe(false);
    expect(hasMalformedPathEncoding('/datasets/d?path=%80')).toBe(false);
    expect(hasMalformedPathEncoding('/')).toBe(false);
  });
});

describe('what is a page POST and how refusals are shaped', () => {
  const req = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers }) as unknown as http.IncomingMessage;

  it('page POSTs (server actions, with or without JavaScript) are limited; route handlers and /s3 are not', () => {
    expect(isPagePost(req('POST', '/datasets/new'))).toBe(true);
    expect(isPagePost(req('POST', '/'))).toBe(true);
    expect(isPagePost(req('GET', '/datasets/new'))).toBe(false);
    expect(isPagePost(req('POST', '/api/datasets/d/files/x'))).toBe(false);
    expect(isPagePost(req('POST', '/s3/b/k?uploads'))).toBe(false);
    expect(surfaceOf('/s3')).toBe('s3');
    expect(surfaceOf('/s3x')).toBe('page');
  });

  it('reads a declared length only when it is a plain number', () => {
    expect(declaredLength(req('POST', '/', { 'content-length': '12' }))).toBe(12);
    expect(declaredLength(req('POST', '/', {}))).toBe(null);
    expect(declaredLength(req('POST', '/', { 'content-length': '1e9' }))).toBe(null);
  });

  it('uses the same limit as proxy.ts', () => {
    expect(ACTION_BODY_LIMIT_BYTES).toBe(PROXY_LIMIT);
  });
});

describe('a chunked body against the limit, on a real socket', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A server that reads at most `limit` bytes, then answers 413 or echoes what the replayed request carries. */
  async function serve(limit: number) {
    server = http.createServer(async (req, res) => {
      const body = await readLimited(req, limit);
      if (body === null) return refuse(req, res, 413, 'too much');
      const copy = withBody(req, body);
      const chunks: Buffer[] = [];
      for await (const c of copy) chunks.push(c as Buffer);
      res.end(JSON.stringify({ length: copy.headers['content-length'], te: copy.headers['transfer-encoding'] ?? null, body: Buffer.concat(chunks).toString() }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  /** A chunked POST: a stream body has no Content-Length. */
  function post(url: string, size: number) {
    const body = new ReadableStream({
      start(c) {
        for (let left = size; left > 0; left -= 64 * 1024) c.enqueue(new Uint8Array(Math.min(left, 64 * 1024)).fill(97));
        c.close();
      },
    });
    return fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit);
  }

  it('within the limit: handed on whole, with a Content-Length and no chunked encoding', async () => {
    const base = await serve(1000);
    const res = await post(`${base}/datasets/new`, 1000);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: '1000', te: null, body: 'a'.repeat(1000) });
  });

  it('over the limit: a 413 the client can read, without buffering the rest', async () => {
    const base = await serve(100 * 1024);
    const res = await post(`${base}/datasets/new`, 4 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('too much');
  });
});
