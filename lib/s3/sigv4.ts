import crypto from 'node:crypto';
import { getCanonicalHeaders, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import { accessDenied, invalidArgument, S3Error } from './errors';

/**
 * SigV4 verification (header and query-string / presigned). The canonical request and string to
 * sign come from AWS's own signer (@smithy/signature-v4), so our verification agrees with what the
 * SDKs and the CLI sign, byte for byte; only the final HMAC comparison is ours (constant-time).
 */

export const MAX_SKEW_MS = 15 * 60 * 1000;
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** `altPath`: the path without the endpoint's prefix (s3fs signs "/<bucket>/<key>" even under "/s3"). */
export type SignedRequest = { method: string; path: string; altPath?: string; query: URLSearchParams; headers: { get(name: string): string | null } };
export type SignatureCheck = {
  accessKeyId: string;
  /** The x-amz-content-sha256 value (or UNSIGNED-PAYLOAD for presigned URLs). */
  payloadHash: string;
  /** Verifies the signature against the secret; for streaming payloads, returns the chunk verifier. */
  verify: (secret: string) => Promise<ChunkVerifier>;
};
export type ChunkVerifier = (chunkHash: string, signature: string) => boolean;

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (d: SourceData) => (typeof d === 'string' ? d : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));

// The hash the signer asks for, on node:crypto.
export class Sha256 {
  private readonly h: crypto.Hash | crypto.Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}

// Exposes the library's canonical request and string to sign (protected members) for verification.
class Verifier extends SignatureV4 {
  constructor() {
    super({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  }
  async stringToSign(req: SignedRequest, path: string, query: Record<string, string | string[]>, signed: string[], payloadHash: string, longDate: string, scope: string): Promise<string> {
    const picked: Record<string, string> = {};
    for (const name of signed) {
      const value = name === 'host' ? (req.headers.get('host') ?? '') : req.headers.get(name);
      if (value === null) throw accessDenied(`The signed header "${name}" is missing.`);
      picked[name] = value;
    }
    const request = { method: req.method, protocol: 'http:', hostname: '', path, query, headers: picked };
    const canonical = this.createCanonicalRequest(request, getCanonicalHeaders(request, undefined, new Set(signed)), payloadHash);
    return this.createStringToSign(longDate, scope, canonical, 'AWS4-HMAC-SHA256');
  }
}
const verifier = new Verifier();

function parseAmzDate(s: string | null | undefined): Date {
  const m = s ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw accessDenied('The request has no valid X-Amz-Date.');
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  if (Number.isNaN(d.getTime())) throw accessDenied('The request has no valid X-Amz-Date.');
  return d;
}

function queryObject(query: URLSearchParams, omit: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of query) {
    if (k === omit) continue;
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const hmacHex = (key: Uint8Array, data: string) => crypto.createHmac('sha256', key).update(data).digest('hex');
const sameHex = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Parses the signature of a request (no secret needed yet); AccessDenied when unsigned or malformed. */
export function parseSignature(req: SignedRequest, now = new Date()): SignatureCheck {
  const auth = req.headers.get('authorization');
  const presigned = req.query.get('X-Amz-Algorithm');
  let credential: string, signedList: string, signature: string, amzDate: string | null, payloadHash: string;
  let expires: number | null = null;
  if (auth) {
    const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/.exec(auth);
    if (!m) throw accessDenied('Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is supported.');
    [, credential, signedList, signature] = m;
    amzDate = req.headers.get('x-amz-date');
    payloadHash = req.headers.get('x-amz-content-sha256') ?? '';
    if (!payloadHash) throw invalidArgument('The x-amz-content-sha256 header is required.');
  } else if (presigned) {
    if (presigned !== 'AWS4-HMAC-SHA256') throw accessDenied('Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is supported.');
    credential = req.query.get('X-Amz-Credential') ?? '';
    signedList = req.query.get('X-Amz-SignedHeaders') ?? '';
    signature = req.query.get('X-Amz-Signature') ?? '';
    amzDate = req.query.get('X-Amz-Date');
    payloadHash = 'UNSIGNED-PAYLOAD';
    const e = req.query.get('X-Amz-Expires') ?? '';
    if (!/^\d{1,7}$/.test(e) || Number(e) < 1 || Number(e) > MAX_PRESIGN_SECONDS) {
      throw new S3Error('AuthorizationQueryParametersError', 400, 'X-Amz-Expires must be between 1 second and 7 days.');
    }
    if (!/^[0-9a-f]{64}$/.test(signature)) throw accessDenied('The request signature is malformed.');
    expires = Number(e);
  } else if (req.query.has('AWSAccessKeyId')) {
    throw accessDenied('AWS Signature Version 2 is not supported: sign with Signature Version 4 (boto3: Config(signature_version="s3v4")).');
  } else {
    throw accessDenied('Anonymous requests are not allowed: sign requests with an access key (AWS Signature Version 4).');
  }
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[3] !== 's3' || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]) || !/^[a-z0-9-]{1,32}$/.test(parts[2])) {
    throw accessDenied('The credential scope is malformed (expected <key>/<date>/<region>/s3/aws4_request).');
  }
  const [accessKeyId, shortDate, region] = parts;
  const date = parseAmzDate(amzDate);
  if (amzDate!.slice(0, 8) !== shortDate) throw accessDenied('The credential date does not match X-Amz-Date.');
  if (expires === null) {
    if (Math.abs(now.getTime() - date.getTime()) > MAX_SKEW_MS) {
      throw new S3Error('RequestTimeTooSkewed', 403, 'The difference between the request time and the server time is too large.');
    }
  } else {
    if (date.getTime() - now.getTime() > MAX_SKEW_MS) throw new S3Error('RequestTimeTooSkewed', 403, 'The presigned URL is dated in the future.');
    if (now.getTime() > date.getTime() + expires * 1000) throw accessDenied('Request has expired');
  }
  const signed = signedList.split(';');
  if (!signed.includes('host') || signed.some((h) => !/^[a-z0-9-]+$/.test(h))) throw accessDenied('The signed headers must include host.');
  const scope = `${shortDate}/${region}/s3/aws4_request`;
  return {
    accessKeyId,
    payloadHash,
    async verify(secret) {
      const query = queryObject(req.query, expires === null ? '' : 'X-Amz-Signature');
      const key = await getSigningKey(Sha256, { accessKeyId, secretAccessKey: secret }, shortDate, region, 's3');
      let ok = false;
      for (const path of req.altPath ? [req.path, req.altPath] : [req.path]) {
        ok ||= sameHex(hmacHex(key, await verifier.stringToSign(req, path, query, signed, payloadHash, amzDate!, scope)), signature);
      }
      if (!ok) {
        throw new S3Error('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
      }
      // aws-chunked with signed chunks: each chunk's signature chains from the previous one.
      let previous = signature;
      return (chunkHash, chunkSignature) => {
        const s = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, chunkHash].join('\n');
        const ok = sameHex(hmacHex(key, s), chunkSignature);
        previous = chunkSignature;
        return ok;
      };
    },
  };
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
