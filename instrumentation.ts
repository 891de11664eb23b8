// Runs once per server process: open the database (applying migrations) before the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startServer } = await import('./lib/server-lifecycle');
  await startServer();
}
