import { NextResponse, type NextRequest } from 'next/server';
import { isDatabaseKnownDown } from '@/lib/db-availability';
import { isCrossSite } from '@/lib/http/origin';

// Comfort and headers only: every page, action and route handler checks the session itself.
const PUBLIC = [/^\/login$/, /^\/signup$/, /^\/invite\//];
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

// Served while this process cannot reach its database (lib/db-availability.ts): a clear page and a
// Retry-After instead of a page that fails half-way with a 500.
const UNAVAILABLE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trove is briefly unavailable</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="5"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 6rem auto; padding: 0 1rem; text-align: center; color: #0f172a">
<h1 style="font-size: 1.5rem">Trove is briefly unavailable</h1>
<p style="color: #475569">Trove cannot reach its database right now. This usually passes within a few seconds; this page will try again by itself.</p>
</body></html>`;

export function proxy(request: NextRequest) {
  // Page loads only: a server action (POST) gets its own form message from lib/action.ts.
  if ((request.method === 'GET' || request.method === 'HEAD') && isDatabaseKnownDown()) {
    return new NextResponse(request.method === 'HEAD' ? null : UNAVAILABLE_PAGE, {
      status: 503,
      headers: { 'Content-Type': 'text/html; charset=utf-8', 'Retry-After': '5', 'Cache-Control': 'no-store' },
    });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD' && isCrossSite(request.headers)) {
    return new NextResponse('Cross-site request refused.', { status: 403 });
  }
  const { pathname, search } = request.nextUrl;
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

export const config = {
  // Route handlers (uploads above all: the proxy would truncate large bodies) and static files stay out.
  matcher: ['/((?!api/|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
