import { checkReadiness } from '@/lib/health';
import { RETRY_AFTER_SECONDS } from '@/lib/http/responses';

// Readiness: database reachable, migrations applied, storage writable, not shutting down.
// 200 when all hold, else 503 naming the failed checks (no secrets, no paths). Public.
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { ready, checks } = await checkReadiness();
  return Response.json(
    { status: ready ? 'ready' : 'unavailable', checks },
    { status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store', ...(ready ? {} : { 'Retry-After': String(RETRY_AFTER_SECONDS) }) } },
  );
}
