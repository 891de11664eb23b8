import 'server-only';
import { countRateEvents, recordRateEvent } from '@/lib/rate-limit';
import { S3Error } from './errors';

/**
 * Failed signatures (SignatureDoesNotMatch, InvalidAccessKeyId) are counted per client address and per
 * access key id in the database (lib/rate-limit.ts, so the count holds across processes). Past the
 * limit within the window, that address or key id gets `SlowDown` (503, S3's answer for "too many
 * requests") on every request until the window has passed. The check before verifying is an
 * in-memory lookup, so good requests pay nothing; only failures touch the database.
 */

export const BAD_SIGNATURE_WINDOW_MS = 5 * 60_000;
export const BAD_SIGNATURES_PER_ADDRESS = 30;
export const BAD_SIGNATURES_PER_KEY = 100;
const MAX_TRACKED = 10_000;

// Blocked subjects ("ip:…" / "key:…") → until when (ms), in this process.
const blocked = new Map<string, number>();

const subjects = (ip: string | null, accessKeyId: string) => [...(ip ? [`ip:${ip}`] : []), ...(accessKeyId ? [`key:${accessKeyId.slice(0, 32)}`] : [])];

/** SlowDown while the address or the key id is blocked. */
export function checkSignatureThrottle(ip: string | null, accessKeyId: string, now = Date.now()): void {
  if (blocked.size === 0) return;
  for (const s of subjects(ip, accessKeyId)) {
    const until = blocked.get(s);
    if (until === undefined) continue;
    if (until > now) throw new S3Error('SlowDown', 503, 'Too many requests with bad signatures: please reduce your request rate and check your key.');
    blocked.delete(s);
  }
}

/** Counts one failed signature; blocks the address or key id once it passes its limit. */
export async function recordBadSignature(ip: string | null, accessKeyId: string): Promise<void> {
  for (const s of subjects(ip, accessKeyId)) {
    const key = `s3-bad-signature:${s}`;
    await recordRateEvent(key);
    const { count } = await countRateEvents(key, BAD_SIGNATURE_WINDOW_MS);
    const limit = s.startsWith('ip:') ? BAD_SIGNATURES_PER_ADDRESS : BAD_SIGNATURES_PER_KEY;
    if (count >= limit) {
      if (blocked.size >= MAX_TRACKED) blocked.clear();
      blocked.set(s, Date.now() + BAD_SIGNATURE_WINDOW_MS);
    }
  }
}
