// Runs once per server process: open the database (applying migrations) before the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startServer } = await import('./lib/server-lifecycle');
  await startServer();
  // scripts/start.mjs serves /s3 with this, ahead of Next (see lib/s3/node-handler.ts). The database,
  // blob store and auth secret are process-wide (globalThis / process.env), shared with the app's routes.
  const { serveS3 } = await import('./lib/s3/node-handler');
  (globalThis as { __troveServeS3?: typeof serveS3 }).__troveServeS3 = serveS3;
  // Browser downloads likewise (lib/download-handler.ts); whatever it leaves (false) goes on to Next.
  const { serveDownload } = await import('./lib/download-handler');
  (globalThis as { __troveServeDownload?: typeof serveDownload }).__troveServeDownload = serveDownload;
}
