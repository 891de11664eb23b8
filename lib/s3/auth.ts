import 'server-only';
import { getDb } from '@/db/client';
import { getDatasetAccess, type DatasetAccess } from '@/lib/access';
import { AppError } from '@/lib/errors';
import { accessDenied, noSuchBucket, S3Error } from './errors';
import { resolveAccessKey, touchAccessKey } from './keys';
import { CLIENT_IP_HEADER } from '@/lib/http/forwarding.mjs';
import { checkSignatureThrottle, recordBadSignature } from './throttle';
import { parseSignature, type ChunkVerifier, type SignedRequest } from './sigv4';

/** Who a signed S3 request acts as: the key's user, narrowed by the key. */
export type Principal = { userId: string; keyName: string; readOnly: boolean; datasetId: string | null; payloadHash: string; verifyChunk: ChunkVerifier };

/** Verifies the request's signature with the key's secret; InvalidAccessKeyId for unknown, expired or revoked keys. */
export async function authenticate(req: SignedRequest): Promise<Principal> {
  const check = parseSignature(req);
  const ip = req.headers.get(CLIENT_IP_HEADER);
  checkSignatureThrottle(ip, check.accessKeyId);
  const key = await resolveAccessKey(check.accessKeyId);
  if (!key) {
    await recordBadSignature(ip, check.accessKeyId);
    throw new S3Error('InvalidAccessKeyId', 403, 'The access key ID you provided does not exist, has expired or was revoked.');
  }
  let verifyChunk: ChunkVerifier;
  try {
    verifyChunk = await check.verify(key.secret);
  } catch (err) {
    if (err instanceof S3Error && err.code === 'SignatureDoesNotMatch') await recordBadSignature(ip, check.accessKeyId);
    throw err;
  }
  await touchAccessKey(key.keyId);
  return { userId: key.userId, keyName: key.name, readOnly: key.readOnly, datasetId: key.datasetId, payloadHash: check.payloadHash, verifyChunk };
}

/** The user's current access to a bucket (dataset) within the key's scope; NoSuchBucket otherwise, as for a missing one. */
export async function bucketAccess(p: Principal, bucket: string): Promise<DatasetAccess> {
  if (p.datasetId && p.datasetId !== bucket) throw noSuchBucket();
  try {
    return await getDatasetAccess(await getDb(), p.userId, bucket);
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw noSuchBucket();
    throw err;
  }
}

/** Refuses writes through a read-only key before any role check (the role check follows in lib/files.ts). */
export function requireWritableKey(p: Principal): void {
  if (p.readOnly) throw accessDenied('This access key is read-only.');
}

/** The activity-log note for changes made with this key. */
export const viaKey = (p: Principal) => ({ via: `access key ${p.keyName}` });
