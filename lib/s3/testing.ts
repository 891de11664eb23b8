import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { serveS3 } from './node-handler';

/** Tests only: serves the S3 endpoint over real HTTP (lib/s3/node-handler.ts, as `npm start` does), so real S3 clients can talk to it. */
export async function startS3TestServer(): Promise<{ url: string; payloadModes: Set<string>; close: () => Promise<void> }> {
  const payloadModes = new Set<string>();
  // The production path: scripts/start.mjs hands /s3 requests to serveS3 the same way.
  const server = http.createServer((req, res) => {
    if (req.method === 'PUT') payloadModes.add(`${req.headers['x-amz-content-sha256']}${req.headers['x-amz-trailer'] ? ` ${req.headers['x-amz-trailer']}` : ''}`);
    void serveS3(req, res);
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
