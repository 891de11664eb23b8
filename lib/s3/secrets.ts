import 'server-only';
import crypto from 'node:crypto';
import { getAuthSecret } from '@/lib/auth/secret';

/** Access-key secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the auth secret. */

const INFO = 'trove/s3-access-key-secret/v1';
let cached: { secret: string; key: Buffer } | null = null;

// Clear secrets by (access key id, ciphertext), so a signed request costs no AES per request: only a
// row read from the database in that same request is ever looked up here (a revoked or expired key
// has no row and never gets this far), and a new auth secret empties it.
const clear = new Map<string, string>();
const MAX_CLEAR = 10_000;

function encryptionKey(): Buffer {
  const secret = getAuthSecret();
  if (cached?.secret !== secret) {
    cached = { secret, key: Buffer.from(crypto.hkdfSync('sha256', secret, 'trove-access-keys', INFO, 32)) };
    clear.clear();
  }
  return cached.key;
}

/** "v1.<iv>.<tag>.<ciphertext>" (base64url); the access key id is bound as associated data. */
export function encryptSecret(plain: string, accessKeyId: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', encryptionKey(), iv);
  cipher.setAAD(Buffer.from(accessKeyId));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ct].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The clear secret, or null when the ciphertext was tampered with or the auth secret changed. */
export function decryptSecret(stored: string, accessKeyId: string): string | null {
  const key = encryptionKey();
  const id = `${accessKeyId}\n${stored}`;
  const known = clear.get(id);
  if (known !== undefined) return known;
  const plain = decrypt(key, stored, accessKeyId);
  if (plain !== null) {
    if (clear.size >= MAX_CLEAR) clear.clear();
    clear.set(id, plain);
  }
  return plain;
}

function decrypt(key: Buffer, stored: string, accessKeyId: string): string | null {
  const [v, iv, tag, ct] = stored.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(accessKeyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
