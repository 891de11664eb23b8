import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerUnavailableInsteadOf500, databaseFailedSince, noteDatabaseFailure, RETRY_AFTER_S } from './unavailable.mjs';

// Issue 14 (8): a page whose render meets a database outage answered Next's 500. scripts/start.mjs
// wraps every response with answerUnavailableInsteadOf500; the built server is checked by
// scripts/faults/db-outage.mjs.

describe('a 500 while the database is failing', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A stand-in for Next: answers like its error path does (statusCode + setHeader + write/end, or writeHead). */
  async function serve(respond: (res: http.ServerResponse) => void, { failDb }: { failDb: boolean }) {
    server = http.createServer((req, res) => {
      answerUnavailableInsteadOf500(req, res);
      setTimeout(() => {
        if (failDb) noteDatabaseFailure();
        respond(res);
      }, 5);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }
  const nextErrorPage = (res: http.ServerResponse) => {
    res.statusCode = 500;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.write('<html><body>Next error page part 1');
    res.end(' part 2</body></html>');
  };

  it('a document request gets 503, Retry-After and the "briefly unavailable" page instead', async () => {
    const base = await serve(nextErrorPage, { failDb: true });
    const res = await fetch(`${base}/datasets/x`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('can’t reach its database');
    expect(html).not.toContain('Next error page');
  });

  it('a client-side navigation (RSC) or HEAD keeps Next’s body but gets the 503 and Retry-After', async () => {
    const base = await serve((res) => {
      res.writeHead(500, { 'content-type': 'text/x-component' });
      res.end('rsc payload');
    }, { failDb: true });
    const res = await fetch(`${base}/datasets/x`, { headers: { accept: '*/*', rsc: '1' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_S));
    expect(await res.text()).toBe('rsc payload');
    const head = await fetch(`${base}/datasets/x`, { method: 'HEAD', headers: { accept: 'text/html' } });
    expect(head.status).toBe(503);
  });

  it('a 500 for any other reason stays a 500, and other statuses are untouched', async () => {
    const started = Date.now() + 60_000;
    expect(databaseFailedSince(started)).toBe(false);
    const base = await serve(nextErrorPage, { failDb: false });
    // A failure noted before the request began does not count.
    noteDatabaseFailure(Date.now() - 1_000);
    const res = await fetch(`${base}/datasets/x`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('Next error page part 1 part 2');
    server!.close();
    const ok = await serve((res) => res.end('fine'), { failDb: true });
    expect((await fetch(ok)).status).toBe(200);
  });
});
