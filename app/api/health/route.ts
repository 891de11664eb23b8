// Liveness: the process is up and serving. Touches nothing else, so a database outage never gets a
// healthy instance restarted. Public, for load balancers and orchestrators.
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
