import { NextResponse, type NextRequest } from 'next/server';
import { isCrossSite } from '@/lib/http/origin';

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

export function proxy(request: NextRequest) {
  if (request.method !== 'GET' && request.method !== 'HEAD' && isCrossSite(request.headers)) {
    return new NextResponse('Cross-site request refused.', { status: 403 });
  }
  const { pathname, search } = request.nextUrl;
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

export const config = {
  // Route handlers (uploads above all: the proxy would truncate large bodies), the S3 endpoint and
  // static files stay out.
  matcher: ['/((?!api/|s3/|s3$|_next/static|_next/image|favicon.ico|robots.txt).*)'],
};
