// Which client address and forwarding headers to believe, decided once per request where the socket is
// known (scripts/start.mjs, ahead of Next). Plain JavaScript so the start script can import it.

/** The header Trove sets from the socket (or a trusted proxy); any copy a client sends is dropped. */
export const CLIENT_IP_HEADER = 'x-trove-client-ip';

const FORWARDING = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip', 'forwarded'];

/**
 * TRUST_PROXY as a number of trusted reverse-proxy hops: unset, empty, "0" or "false" → 0 (use the
 * socket address, ignore forwarding headers); "1"/"true" → 1; "N" → N.
 * @param {string | undefined} value
 * @returns {number}
 */
export function trustedHops(value) {
  if (!value || value === '0' || value.toLowerCase() === 'false') return 0;
  if (value.toLowerCase() === 'true') return 1;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 && n < 100 ? n : 1;
}

/**
 * The client's address: with no trusted proxy, the socket's; behind N trusted proxies, the N-th
 * address from the right of X-Forwarded-For (the rightmost hops were added by our proxies; anything
 * left of them came from the client and is ignored).
 * @param {string | undefined} socketAddress
 * @param {string | string[] | undefined} forwardedFor
 * @param {number} hops
 * @returns {string | null}
 */
export function clientAddress(socketAddress, forwardedFor, hops) {
  const socket = normalize(socketAddress);
  if (hops === 0) return socket;
  const list = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = [...list, socket].filter(Boolean);
  // chain's last entry is our nearest proxy (the socket); the client is `hops` entries left of it.
  return normalize(chain[Math.max(0, chain.length - 1 - hops)]) ?? socket;
}

/**
 * Rewrites an incoming request's headers in place: sets CLIENT_IP_HEADER, and without a trusted proxy
 * removes every forwarding header so nothing downstream (origin check, Auth.js) believes them.
 * @param {{ headers: Record<string, string | string[] | undefined>, socket: { remoteAddress?: string } }} req
 * @param {number} hops
 */
export function applyForwarding(req, hops) {
  const ip = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], hops);
  delete req.headers[CLIENT_IP_HEADER];
  if (hops === 0) for (const h of FORWARDING) delete req.headers[h];
  if (ip) req.headers[CLIENT_IP_HEADER] = ip;
}

/** @param {string | undefined | null} a */
function normalize(a) {
  if (!a) return null;
  const s = a.trim().slice(0, 100);
  // IPv4-mapped IPv6 ("::ffff:127.0.0.1") is the same client as its IPv4 form.
  return s.startsWith('::ffff:') && s.includes('.') ? s.slice(7) : s || null;
}
