import type { NextConfig } from 'next';

// Headers for every response, including route handlers outside proxy.ts (uploads, downloads).
// Pages also get a nonce-based CSP from proxy.ts.
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // S3 object keys may end in "/" (folder markers): /s3 must receive them as sent. proxy.ts still
  // redirects pages' trailing slashes.
  skipTrailingSlashRedirect: true,
  // Separate build directories let several checkouts' builds run side by side (tests, CI).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite loads its WASM and data files from its own package directory; argon2 is native.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'proper-lockfile'],
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
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
