import type { NextConfig } from 'next';
import { API_CSP, SECURITY_HEADERS } from './lib/http/request-checks';

// Headers for every response, including route handlers outside proxy.ts (uploads, downloads).
// Pages also get a nonce-based CSP from proxy.ts.
const securityHeaders = [...SECURITY_HEADERS];

// Keep in step with ACTION_BODY_LIMIT_BYTES in lib/http/request-checks.ts (proxy.ts answers 413 above it).
const ACTION_BODY_LIMIT = '1mb';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // No next/image in the app: the optimizer endpoint (/_next/image) stays off rather than fetch on request.
  images: { unoptimized: true },
  experimental: { serverActions: { bodySizeLimit: ACTION_BODY_LIMIT } },
  // S3 object keys may end in "/" (folder markers): /s3 must receive them as sent. proxy.ts still
  // redirects pages' trailing slashes.
  skipTrailingSlashRedirect: true,
  // Separate build directories let several checkouts' builds run side by side (tests, CI).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite loads its WASM and data files from its own package directory; argon2 is native.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'fs-native-extensions'],
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      // Pages get a nonce CSP from proxy.ts; route handlers' HTML (Auth.js's pages, 404s) gets a strict one.
      // Not the file route: it sends its own `sandbox` policy, and Next keeps the first value set.
      { source: '/api/:path((?!datasets/[^/]+/files(?:/|$)).*)', headers: [{ key: 'Content-Security-Policy', value: API_CSP }] },
      // Invitation links carry a secret token: never leak it through Referer.
      // Pages whose URL may carry a secret token (invitation, reset and verification links; log-in and
      // sign-up returning to an invitation): never leak it through Referer.
      ...['/invite/:token*', '/reset-password/:token*', '/verify-email/:token*', '/login', '/signup'].map((source) => ({
        source,
        headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }],
      })),
    ];
  },
};

export default nextConfig;
