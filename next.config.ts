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
  // Separate build directories let several checkouts' builds run side by side (tests, CI).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // PGlite loads its WASM and data files from its own package directory; argon2 is native.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'fs-native-extensions'],
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      // Invitation links carry a secret token: never leak it through Referer.
      { source: '/invite/:token*', headers: [{ key: 'Referrer-Policy', value: 'no-referrer' }] },
    ];
  },
};

export default nextConfig;
