// Checks proxy.ts makes before Next routes a request (pure; no server-only imports, proxy.ts runs them).

/** Server-action bodies above this are refused with 413 (next.config.ts sets Next's own limit to the same). */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * CSP for responses under /api that do not set their own (Auth.js's built-in pages, HTML 404s): no
 * scripts at all; Auth.js's pages need inline styles and a same-origin form. The file download route
 * sets its own `sandbox` policy and is left out of this header (next.config.ts).
 */
export const API_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Headers for every response (next.config.ts), including route handlers outside proxy.ts and the Node
 * fast paths ahead of Next (lib/download-handler.ts), which must answer exactly as the route would.
 */
export const SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

/**
 * True when a path segment is not valid percent-encoded UTF-8 (`%ZZ`, a lone surrogate `%ED%A0%80`, …).
 * Next's router throws on such a path when it matches a dynamic route and answers a bare 500 without
 * our headers, so the proxy answers 400 first.
 */
export function hasMalformedPathEncoding(pathname: string): boolean {
  for (const segment of pathname.split('/')) {
    if (!segment.includes('%')) continue;
    try {
      decodeURIComponent(segment);
    } catch {
      return true;
    }
  }
  return false;
}

/** True for a server-action POST whose declared body is over the limit (Next would answer 500 for it). */
export function isOversizedActionPost(method: string, headers: Headers): boolean {
  if (method !== 'POST' || !headers.has('next-action')) return false;
  const length = headers.get('content-length');
  return length !== null && /^\d+$/.test(length) && Number(length) > ACTION_BODY_LIMIT_BYTES;
}
