import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { handleS3 } from './handler';

/** Tests only: serves handleS3 over real HTTP (as Next would), so real S3 clients can talk to it. */
export async function startS3TestServer(): Promise<{ url: string; payloadModes: Set<string>; close: () => Promise<void> }> {
  const payloadModes = new Set<string>();
  const server = http.createServer(async (req, res) => {
    if (req.method === 'PUT') payloadModes.add(`${req.headers['x-amz-content-sha256']}${req.headers['x-amz-trailer'] ? ` ${req.headers['x-amz-trailer']}` : ''}`);
    const url = `http://${req.headers.host}${req.url}`;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const request = new Request(url, { method: req.method, headers, body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined, duplex: 'half' } as RequestInit);
    const response = await handleS3(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body && req.method !== 'HEAD') Readable.fromWeb(response.body as import('node:stream/web').ReadableStream).pipe(res);
    else res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/s3`,
    payloadModes,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** An SDK client for a key, path-style, against the test server. */
export function s3Client(endpoint: string, accessKeyId: string, secretAccessKey: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

/** A Request signed (SigV4, header) with a key, for calling the route handler directly. */
export async function signedS3Request(url: string, key: { accessKeyId: string; secretAccessKey: string }, init: { method?: string; body?: string } = {}): Promise<Request> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('./sigv4');
  const u = new URL(url);
  const body = init.body ?? '';
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: key, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const payloadHash = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
  const query = Object.fromEntries(u.searchParams);
  const signed = await signer.sign({ method: init.method ?? 'GET', protocol: u.protocol, hostname: u.hostname, path: u.pathname, query, headers: { host: u.host, 'x-amz-content-sha256': payloadHash } });
  const hasBody = signed.method !== 'GET' && signed.method !== 'HEAD';
  return new Request(url, { method: signed.method, headers: signed.headers as Record<string, string>, body: hasBody ? body : undefined });
}
