import crypto from 'node:crypto';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';

/**
 * Running checksums for S3's trailing x-amz-checksum-* headers (base64 of the big-endian digest).
 * The CRCs are AWS's own implementations (@aws-sdk/checksums, what the SDKs compute when they send
 * them), so what we verify is exactly what the clients sign.
 */
export type Checksum = { update: (data: Uint8Array) => void; digest: () => Promise<string> };

type Crc = { update: (data: Uint8Array) => void; digest: () => Promise<Uint8Array> };
function crc(impl: Crc): Checksum {
  return { update: (data) => impl.update(data), digest: async () => Buffer.from(await impl.digest()).toString('base64') };
}

function hashed(algorithm: 'sha1' | 'sha256'): Checksum {
  const h = crypto.createHash(algorithm);
  return { update: (data) => h.update(data), digest: async () => h.digest('base64') };
}

/** The checksum for a trailer name ("x-amz-checksum-crc32"…), or null for a name S3 does not define. */
export function checksumFor(trailer: string | null | undefined): Checksum | null {
  switch (trailer?.trim().toLowerCase()) {
    case 'x-amz-checksum-crc32': return crc(new Crc32());
    case 'x-amz-checksum-crc32c': return crc(new Crc32c());
    case 'x-amz-checksum-crc64nvme': return crc(new Crc64Nvme());
    case 'x-amz-checksum-sha1': return hashed('sha1');
    case 'x-amz-checksum-sha256': return hashed('sha256');
    default: return null;
  }
}
