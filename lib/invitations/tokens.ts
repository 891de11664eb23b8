import crypto from 'node:crypto';
import { config } from '@/lib/config';

export const INVITATION_TTL_MS = 72 * 3_600_000;

/** 32 bytes from the CSPRNG, base64url for the link; only the SHA-256 is stored. */
export function newInvitationToken(): { token: string; tokenHash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, tokenHash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens we issue are exactly 43 base64url characters; anything else is invalid without a lookup. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** The accept link, always built from APP_URL (never from a request's Host header). */
export function invitationLink(token: string): string {
  return `${config.appUrl}/invite/${token}`;
}

export function newExpiry(now = Date.now()): Date {
  return new Date(now + INVITATION_TTL_MS);
}
