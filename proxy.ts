import { NextResponse, type NextRequest } from 'next/server';
import { isDatabaseKnownDown } from '@/lib/db-availability';
import { isCrossSite } from '@/lib/http/origin';
import { RETRY_AFTER_S, UNAVAILABLE_MESSAGE, UNAVAILABLE_PAGE } from '@/lib/http/unavailable.mjs';
import { API_CSP, ACTION_BODY_LIMIT_BYTES, hasMalformedPathEncoding, isOversizedActionPost } from '@/lib/http/request-checks';

// Comfort and headers only: every page, action and route handler checks the session itself.
const PUBLIC = [/^\/login$/, /^\/signup(\/check-email)?$/, /^\/invite\//, /^\/forgot-password$/, /^\/reset-password\//, /^\/verify-email\//];
const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV !== 'production';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A refusal the proxy answers itself, readable and with the headers pages get. */
function refuse(status: number, message: string, api: boolean): NextResponse {
  const headers = { 'Content-Security-Policy': API_CSP, 'Cache-Control': 'no-store' };
  return api ? NextResponse.json({ error: message }, { status, headers }) : new NextResponse(message, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const api = pathname.startsWith('/api/');
  // Page loads only: a server action (POST) gets its own form message from lib/action.ts.
  if ((request.method === 'GET' || request.method === 'HEAD') && isDatabaseKnownDown()) {
    // A clear page and a Retry-After instead of a page that fails half-way (lib/db-availability.ts).
    const headers = { 'Retry-After': String(RETRY_AFTER_S), 'Cache-Control': 'no-store' };
    if (api) return NextResponse.json({ error: UNAVAILABLE_MESSAGE }, { status: 503, headers });
    return new NextResponse(request.method === 'HEAD' ? null : UNAVAILABLE_PAGE, { status: 503, headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' } });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD' && isCrossSite(request.headers)) {
    return new NextResponse('Cross-site request refused.', { status: 403 });
  }
  if (hasMalformedPathEncoding(pathname)) return refuse(400, 'Bad request: the address is not valid URL encoding.', api);
  if (isOversizedActionPost(request.method, request.headers)) {
    return refuse(413, `That is too much data for one request (at most ${ACTION_BODY_LIMIT_BYTES / 1024 / 1024} MB). Nothing was saved.`, api);
  }
  // Route handlers reach the proxy only for the checks above; their CSP comes from next.config.ts.
  if (api) return NextResponse.next();

  // next.config.ts keeps trailing slashes (S3 keys such as "dir/" need them); pages still drop theirs.
  if (pathname.length > 1 && pathname.endsWith('/')) {
    // Setting pathname on a URL cannot change its host, so "//evil.example/" stays on this site.
    const url = new URL(request.url);
    url.pathname = `/${pathname.replace(/^\/+|\/+$/g, '')}`;
    return NextResponse.redirect(url, 308);
  }

  const anonymous = !SESSION_COOKIES.some((c) => request.cookies.has(c));
  if (anonymous && request.method === 'GET' && pathname !== '/' && !PUBLIC.some((r) => r.test(pathname))) {
    const url = new URL('/login', request.url);
    url.searchParams.set('callbackUrl', pathname + search);
    return NextResponse.redirect(url);
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-trove-path', pathname + search);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

// Bodies never pass through the proxy under /api: it buffers and silently truncates them past 10 MB
// (uploads). So route handlers are matched only without a body (GET, HEAD, DELETE…), or when the path
// is plainly malformed — a % not followed by two hex digits, an encoded surrogate (%ED%A0…%ED%BF), or a
// byte that never starts UTF-8 (%C0, %C1, %F5…%FF) — and is refused before any body is read. (Subtler
// invalid UTF-8 in an upload's path, e.g. a lone %80, still meets Next's own bare 500.) Next reads this
// config statically: literals only.
export const config = {
  matcher: [
    // The S3 endpoint (/s3) stays out: it answers its own errors in S3's XML.
    '/((?!api/|s3/|s3$|_next/static|favicon.ico|robots.txt).*)',
    {
      source: '/api/:path*',
      missing: [
        { type: 'header', key: 'content-length' },
        { type: 'header', key: 'transfer-encoding' },
      ],
    },
    '/api/:path(.*(?:%(?:[^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|[0-9A-Fa-f]?$)|%[Ee][Dd]%[AaBb][0-9A-Fa-f]|%[Cc][01]|%[Ff][5-9A-Fa-f]).*)',
  ],
};
