import crypto from 'node:crypto';

/** Running checksums for S3's trailing x-amz-checksum-* headers (base64 of the big-endian digest). */
export type Checksum = { update: (data: Uint8Array) => void; digest: () => string };

const CRC32_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(): Checksum {
  let crc = 0xffffffff;
  return {
    update(data) {
      for (let i = 0; i < data.length; i++) crc = CRC32_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    },
    digest() {
      const out = Buffer.alloc(4);
      out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
      return out.toString('base64');
    },
  };
}

function hashed(algorithm: 'sha1' | 'sha256'): Checksum {
  const h = crypto.createHash(algorithm);
  return { update: (data) => h.update(data), digest: () => h.digest('base64') };
}

/** The checksum for a trailer name ("x-amz-checksum-crc32"…), or null for ones not verified here (crc32c, crc64nvme). */
export function checksumFor(trailer: string | null | undefined): Checksum | null {
  switch (trailer?.trim().toLowerCase()) {
    case 'x-amz-checksum-crc32': return crc32();
    case 'x-amz-checksum-sha1': return hashed('sha1');
    case 'x-amz-checksum-sha256': return hashed('sha256');
    default: return null;
  }
}
