import { config } from '@/lib/config';

/** True for a request sent by another site: an Origin that is neither APP_URL nor this host, `null`, or Sec-Fetch-Site: cross-site. */
export function isCrossSite(h: Headers): boolean {
  if (h.get('sec-fetch-site') === 'cross-site') return true;
  const origin = h.get('origin');
  if (origin === null) return false; // same-origin GETs and non-browser clients send none
  if (origin === 'null') return true;
  // Forwarding headers are a client's to forge unless a reverse proxy we trust (TRUST_PROXY) sets them.
  const trusted = config.trustProxy > 0;
  const host = (trusted && h.get('x-forwarded-host')) || h.get('host');
  const proto = (trusted && h.get('x-forwarded-proto')) || 'http';
  const allowed = new Set([new URL(config.appUrl).origin]);
  if (host) {
    allowed.add(`${proto}://${host}`);
    allowed.add(`https://${host}`);
  }
  return !allowed.has(origin);
}
