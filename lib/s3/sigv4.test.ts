import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { entries } from '@/db/schema';
import { config } from '@/lib/config';
import { makeDataset, makeUser } from '@/lib/testing/factories';
import { createAccessKey } from './keys';
import { BAD_SIGNATURES_PER_ADDRESS, BAD_SIGNATURES_PER_KEY } from './throttle';
import { EMPTY_SHA256, Sha256 } from './sigv4';
import { startS3TestServer } from './testing';

// Requests signed by hand with AWS's signer, to reach what SDKs rarely send: skew, wrong secrets,
// presigned URLs, signed payloads that do not match, signed aws-chunked bodies, malformed input.

let server: Awaited<ReturnType<typeof startS3TestServer>>;
let key: { accessKeyId: string; secretAccessKey: string };
let bucket: string;
beforeAll(async () => {
  server = await startS3TestServer();
  const user = await makeUser('Signer');
  bucket = (await makeDataset(user.id)).id;
  key = await createAccessKey(user.id, { name: 'sig', readOnly: false, datasetId: null, expiresAt: null });
});
afterAll(async () => { await server?.close(); });

const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const signer = (secret = key.secretAccessKey) =>
  new SignatureV4({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: key.accessKeyId, secretAccessKey: secret }, sha256: Sha256, uriEscapePath: false, applyChecksum: false });

type Opts = { method?: string; body?: string | Buffer; payloadHash?: string; date?: Date; secret?: string; headers?: Record<string, string>; query?: Record<string, string> };

async function signed(pathname: string, o: Opts = {}) {
  const url = new URL(server.url + pathname);
  const body = o.body ?? '';
  const request = {
    method: o.method ?? 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: o.query ?? {},
    headers: { host: url.host, 'x-amz-content-sha256': o.payloadHash ?? sha(body), ...o.headers },
  };
  const s = await signer(o.secret).sign(request, { signingDate: o.date ?? new Date() });
  const qs = new URLSearchParams(o.query ?? {}).toString();
  return fetch(url.href + (qs ? `?${qs}` : ''), { method: request.method, headers: s.headers as Record<string, string>, body: request.method === 'GET' || request.method === 'HEAD' ? undefined : typeof body === 'string' ? body : new Uint8Array(body) });
}

const codeOf = async (r: Response) => /<Code>([^<]+)<\/Code>/.exec(await r.text())?.[1];
const entryAt = async (p: string) => (await (await getDb()).select({ id: entries.id }).from(entries).where(and(eq(entries.datasetId, bucket), eq(entries.path, p))))[0];

describe('SigV4 verification', () => {
  it('accepts a good signature and a signed payload that matches', async () => {
    const r = await signed(`/${bucket}/ok.txt`, { method: 'PUT', body: 'hello' });
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe(`"${sha('hello')}"`);
    expect(r.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
  });

  it('refuses a wrong secret, a skewed clock and an unsigned request', async () => {
    const wrong = await signed(`/${bucket}`, { secret: 'not-the-secret', query: { 'list-type': '2' } });
    expect([wrong.status, await codeOf(wrong)]).toEqual([403, 'SignatureDoesNotMatch']);
    const skewed = await signed(`/${bucket}`, { date: new Date(Date.now() - 16 * 60_000) });
    expect([skewed.status, await codeOf(skewed)]).toEqual([403, 'RequestTimeTooSkewed']);
    const ahead = await signed(`/${bucket}`, { date: new Date(Date.now() + 16 * 60_000) });
    expect(await codeOf(ahead)).toBe('RequestTimeTooSkewed');
    expect((await signed(`/${bucket}`, { date: new Date(Date.now() - 14 * 60_000) })).status).toBe(200);
    const anonymous = await fetch(`${server.url}/${bucket}`);
    expect([anonymous.status, await codeOf(anonymous)]).toEqual([403, 'AccessDenied']);
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const unknown = await fetch(`${server.url}/${bucket}`, { headers: { authorization: `AWS4-HMAC-SHA256 Credential=TRVAAAAAAAAAAAAAAAAA/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': amzDate, 'x-amz-content-sha256': EMPTY_SHA256 } });
    expect(await codeOf(unknown)).toBe('InvalidAccessKeyId');
  });

  it('slows down an address, then a key id, that keeps sending bad signatures', async () => {
    const ip = `2001:db8::${crypto.randomBytes(4).toString('hex').replace(/(....)(....)/, '$1:$2')}`; // fresh each run: counts persist in the database
    const from = (addr: string, secret?: string) => signed(`/${bucket}`, { secret, headers: { 'x-trove-client-ip': addr } });
    for (let i = 0; i < BAD_SIGNATURES_PER_ADDRESS; i++) expect(await codeOf(await from(ip, 'wrong'))).toBe('SignatureDoesNotMatch');
    const slowed = await from(ip);
    expect([slowed.status, await codeOf(slowed)]).toEqual([503, 'SlowDown']);
    // Another address with the same (good) key still works: the key id is not over its own limit.
    expect((await from('192.0.2.1')).status).toBe(200);

    // An unknown key id guessed from many addresses: blocked once past the per-key limit.
    const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
    const guessed = `TRV${Array.from(crypto.randomBytes(17), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b & 31]).join('')}`;
    const guess = (n: number) => fetch(`${server.url}/${bucket}`, { headers: { authorization: `AWS4-HMAC-SHA256 Credential=${guessed}/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': amzDate, 'x-amz-content-sha256': EMPTY_SHA256, 'x-trove-client-ip': `10.${crypto.randomInt(256)}.${n >> 8}.${n & 255}` } });
    for (let i = 0; i < BAD_SIGNATURES_PER_KEY; i++) expect(await codeOf(await guess(i))).toBe('InvalidAccessKeyId');
    expect(await codeOf(await guess(BAD_SIGNATURES_PER_KEY))).toBe('SlowDown');
  });

  it('accepts a signature over the path without the /s3 prefix (as s3fs signs it)', async () => {
    const url = new URL(`${server.url}/${bucket}/`);
    const s = await signer().sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/${bucket}/`, query: {}, headers: { host: url.host, 'x-amz-content-sha256': EMPTY_SHA256 } }, { signingDate: new Date() });
    expect((await fetch(url, { headers: s.headers as Record<string, string> })).status).toBe(200);
    const other = await signer().sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: `/elsewhere/`, query: {}, headers: { host: url.host, 'x-amz-content-sha256': EMPTY_SHA256 } }, { signingDate: new Date() });
    expect(await codeOf(await fetch(url, { headers: other.headers as Record<string, string> }))).toBe('SignatureDoesNotMatch');
  });

  it('leaves nothing behind when the signed SHA-256 does not match the body', async () => {
    const r = await signed(`/${bucket}/bad.txt`, { method: 'PUT', body: 'actual bytes', payloadHash: sha('other bytes') });
    expect([r.status, await codeOf(r)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(await entryAt('bad.txt')).toBeUndefined();
    const tmp = path.join(config.dataDir, 'blobs', 'tmp');
    // Each process writes into its own folder under blobs/tmp: no file may be left in any of them.
    const leftovers = fs.existsSync(tmp) ? fs.readdirSync(tmp, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name !== 'trove.lock') : [];
    expect(leftovers.map((e) => e.name)).toEqual([]);
  });

  it('verifies presigned GET and PUT URLs, and refuses expired or tampered ones', async () => {
    await signed(`/${bucket}/pre.txt`, { method: 'PUT', body: 'presigned' });
    const presign = async (method: string, p: string, expiresIn: number, signingDate = new Date()) => {
      const url = new URL(`${server.url}/${bucket}/${p}`);
      const req = await signer().presign({ method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { expiresIn, signingDate });
      return `${url.href}?${new URLSearchParams(req.query as Record<string, string>)}`;
    };
    const get = await fetch(await presign('GET', 'pre.txt', 60));
    expect([get.status, await get.text()]).toEqual([200, 'presigned']);
    expect((await fetch(await presign('PUT', 'up.txt', 60), { method: 'PUT', body: 'via url' })).status).toBe(200);
    expect(await (await fetch(await presign('GET', 'up.txt', 60))).text()).toBe('via url');
    const expired = await fetch(await presign('GET', 'pre.txt', 60, new Date(Date.now() - 120_000)));
    expect([expired.status, await codeOf(expired)]).toEqual([403, 'AccessDenied']);
    const tampered = (await presign('GET', 'pre.txt', 60)).replace('pre.txt', 'up.txt');
    expect(await codeOf(await fetch(tampered))).toBe('SignatureDoesNotMatch');
    const tooLong = (await presign('GET', 'pre.txt', 60)).replace('X-Amz-Expires=60', 'X-Amz-Expires=604801');
    expect(await codeOf(await fetch(tooLong))).toBe('AuthorizationQueryParametersError');
  });

  it('decodes a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body and refuses a bad chunk signature', async () => {
    const put = async (corrupt: boolean) => {
      const url = new URL(`${server.url}/${bucket}/chunked.bin`);
      const date = new Date();
      const parts = [Buffer.alloc(70_000, 7), Buffer.from('tail')];
      const total = parts.reduce((n, p) => n + p.length, 0);
      const req = await signer().sign(
        { method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': String(total), 'content-encoding': 'aws-chunked' } },
        { signingDate: date },
      );
      const headers = req.headers as Record<string, string>;
      let prev = /Signature=([0-9a-f]{64})/.exec(headers.authorization)![1];
      const amzDate = headers['x-amz-date'];
      const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
      let k: Buffer = Buffer.from(`AWS4${key.secretAccessKey}`);
      for (const s of [amzDate.slice(0, 8), 'us-east-1', 's3', 'aws4_request']) k = crypto.createHmac('sha256', k).update(s).digest();
      const chunks: Buffer[] = [];
      for (const data of [...parts, Buffer.alloc(0)]) {
        const sig = crypto.createHmac('sha256', k).update(['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, prev, EMPTY_SHA256, sha(data)].join('\n')).digest('hex');
        prev = sig;
        chunks.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${corrupt && data.length === 4 ? '0'.repeat(64) : sig}\r\n`), data, Buffer.from('\r\n'));
      }
      return fetch(url, { method: "PUT", headers, body: new Uint8Array(Buffer.concat(chunks)) });
    };
    expect((await put(false)).status).toBe(200);
    const bad = await put(true);
    expect([bad.status, await codeOf(bad)]).toEqual([403, 'SignatureDoesNotMatch']);
    const get = await signed(`/${bucket}/chunked.bin`);
    expect((await get.arrayBuffer()).byteLength).toBe(70_004);
  });

  it('answers malformed input with S3 errors, never a 500', async () => {
    const cases: [string, Opts][] = [
      [`/${bucket}/a%2F..%2Fb`, { method: 'PUT', body: 'x' }],
      [`/${bucket}/a%01b`, { method: 'PUT', body: 'x' }],
      [`/${bucket}/%ZZ`, {}],
      [`/${bucket}/a//b`, { method: 'PUT', body: 'x' }],
      [`/not-a-uuid`, { query: { 'list-type': '2' } }],
      [`/${bucket}`, { query: { 'list-type': '2', 'max-keys': '-1' } }],
      [`/${bucket}`, { query: { 'list-type': '2', 'continuation-token': '%%%' } }],
      [`/${bucket}`, { method: 'POST', query: { delete: '' }, body: '<Delete></Delete>' }],
      [`/${bucket}/x`, { method: 'PUT', headers: { 'x-amz-copy-source': '%E0%A4%A' } }],
      [`/${bucket}/x`, { method: 'PUT', body: 'x', payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' }],
      [`/${bucket}/x`, { method: 'PATCH' }],
      [`/${bucket}/nul%00byte`, { method: 'PUT', body: 'x' }],
      [`/${bucket}/x`, { method: 'POST', body: 'x' }],
      [`/${bucket}/x`, { method: 'POST', query: { select: '', 'select-type': '2' }, body: '<x/>' }],
      [`/${bucket}`, { query: { acl: '' } }],
      [`/${bucket}`, { method: 'POST', query: { delete: '' }, body: '<Delete><Object><Key>a</Key>' }],
      [`/${bucket}`, { method: 'POST', query: { delete: '' }, body: 'not xml at all' }],
      [`/${bucket}/x`, { method: 'POST', query: { uploadId: '00000000-0000-4000-8000-000000000000' }, body: '<CompleteMultipartUpload><Part>' }],
    ];
    for (const [p, o] of cases) {
      const r = await signed(p, o);
      expect(r.status, `${o.method ?? 'GET'} ${p}`).toBeGreaterThanOrEqual(400);
      // 4xx, or 501 NotImplemented for an operation Trove does not offer: never a 500.
      expect(r.status === 501 || r.status < 500, `${o.method ?? 'GET'} ${p}: ${r.status}`).toBe(true);
      expect(await codeOf(r)).toBeTruthy();
    }
  });

  it('names the S3 error for over-long keys, huge XML, bad XML and oversized or truncated aws-chunked bodies, writing nothing', async () => {
    const long = await signed(`/${bucket}/${'k'.repeat(1025)}`, { method: 'PUT', body: 'x' });
    expect([long.status, await codeOf(long)]).toEqual([400, 'KeyTooLongError']);
    const huge = await signed(`/${bucket}`, { method: 'POST', query: { delete: '' }, body: `<Delete>${'<Object><Key>a</Key></Object>'.repeat(40_000)}</Delete>` });
    expect([huge.status, await codeOf(huge)]).toEqual([400, 'MaxMessageLengthExceeded']);
    await signed(`/${bucket}/keep.txt`, { method: 'PUT', body: 'kept' });
    for (const body of ['<Delete><Object><Key>keep.txt</Key>', '<Delete><Object><Key>keep.txt</Key></Object></Delete><Delete>', 'x<Delete><Object><Key>keep.txt</Key></Object></Delete>', '<Other><Key>keep.txt</Key></Other>']) {
      const r = await signed(`/${bucket}`, { method: 'POST', query: { delete: '' }, body });
      expect([r.status, await codeOf(r)], body).toEqual([400, 'MalformedXML']);
    }
    expect(await entryAt('keep.txt')).toBeDefined();
    const ok = await signed(`/${bucket}`, { method: 'POST', query: { delete: '' }, body: '<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>keep.txt</Key></Object><Quiet>true</Quiet></Delete>' });
    expect(ok.status).toBe(200);
    expect(await entryAt('keep.txt')).toBeUndefined();

    const chunked = (name: string, body: string, decoded: number) =>
      signed(`/${bucket}/${name}`, { method: 'PUT', body, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', headers: { 'x-amz-decoded-content-length': String(decoded), 'content-encoding': 'aws-chunked' } });
    const over = await chunked('over.bin', '5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n', 5);
    expect([over.status, await codeOf(over)]).toEqual([400, 'IncompleteBody']);
    const cut = await chunked('cut.bin', '5\r\nhel', 5);
    expect([cut.status, await codeOf(cut)]).toEqual([400, 'IncompleteBody']);
    const lying = await chunked('lying.bin', '50\r\nhello\r\n0\r\n\r\n', 80);
    expect([lying.status, await codeOf(lying)]).toEqual([400, 'IncompleteBody']);
    for (const p of ['over.bin', 'cut.bin', 'lying.bin', 'k'.repeat(1025)]) expect(await entryAt(p), p).toBeUndefined();
  });
});
