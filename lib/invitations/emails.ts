import type { InvitationEmail } from '@/lib/email';
import type { InvitationTarget } from './targets';

/** The outbox payload of an invitation email. */
export function invitationEmail(
  inviter: { name: string; email: string },
  target: InvitationTarget,
  targetName: string,
  role: string,
  message: string,
  link: string,
  expiresAt: Date,
): InvitationEmail {
  return { kind: 'invitation', inviterName: inviter.name, inviterEmail: inviter.email, targetKind: target.kind, targetName, role, message, link, expiresAt: expiresAt.toISOString() };
}
