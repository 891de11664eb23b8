import 'server-only';
import { headers } from 'next/headers';
import { CLIENT_IP_HEADER } from '@/lib/http/forwarding.mjs';

/**
 * The client's address for throttling: set by scripts/start.mjs from the socket, or from a trusted
 * proxy's X-Forwarded-For when TRUST_PROXY says so. Null where no such layer runs (next dev, tests).
 */
export async function clientIp(): Promise<string | null> {
  return (await headers()).get(CLIENT_IP_HEADER);
}
