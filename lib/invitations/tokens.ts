import { config } from '@/lib/config';
import { hashSecretToken, isWellFormedToken, newSecretToken } from '@/lib/secret-token';

export const INVITATION_TTL_MS = 72 * 3_600_000;

/** 32 bytes from the CSPRNG, base64url for the link; only the SHA-256 is stored. */
export const newInvitationToken = newSecretToken;
export const hashInvitationToken = hashSecretToken;
export { isWellFormedToken };

/** The accept link, always built from APP_URL (never from a request's Host header). */
export function invitationLink(token: string): string {
  return `${config.appUrl}/invite/${token}`;
}

export function newExpiry(now = Date.now()): Date {
  return new Date(now + INVITATION_TTL_MS);
}
