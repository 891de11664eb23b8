import 'server-only';
import { createElement, type ReactElement } from 'react';
import { render } from '@react-email/components';
import { appLink } from './links';
import { InvitationAcceptedEmailTemplate } from './templates/invitation-accepted-email';
import { InvitationEmailTemplate } from './templates/invitation-email';
import { config } from '@/lib/config';
import type { EmailMessage, OutgoingEmail, RenderedEmail } from './types';

// Fixed locale and zone: a retry must render byte-identical content for the same Idempotency-Key.
const expiryFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** Subject, HTML and plain-text parts of an email; links are built from APP_URL. */
export async function renderEmail(email: EmailMessage): Promise<RenderedEmail> {
  const { subject, element } = compose(email);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: oneLine(subject), html, text };
}

/** The email as the outbox stores and sends it on every attempt: sender, subject, HTML and text. */
export async function renderOutgoing(email: EmailMessage): Promise<OutgoingEmail> {
  return { from: config.emailFrom, ...(await renderEmail(email)) };
}

function compose(email: EmailMessage): { subject: string; element: ReactElement } {
  const target = email.targetKind === 'team' ? `the team “${short(email.targetName)}”` : `“${short(email.targetName)}”`;
  switch (email.kind) {
    case 'invitation':
      return {
        subject: `${short(email.inviterName)} invited you to ${target} on Trove`,
        element: createElement(InvitationEmailTemplate, {
          inviterName: email.inviterName,
          inviterEmail: email.inviterEmail,
          targetKind: email.targetKind,
          targetName: email.targetName,
          role: roleLabel(email.role),
          message: email.message.trim(),
          href: appLink(email.link),
          expires: `${expiryFormat.format(new Date(email.expiresAt))} UTC`,
        }),
      };
    case 'invitation-accepted':
      return {
        subject: `${short(email.inviteeName)} accepted your invitation to ${target}`,
        element: createElement(InvitationAcceptedEmailTemplate, {
          inviteeName: email.inviteeName,
          inviteeEmail: email.inviteeEmail,
          targetKind: email.targetKind,
          targetName: email.targetName,
          href: appLink(email.link),
        }),
      };
  }
}

function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1).toLowerCase();
}

// Subjects are a single header line; keep names from making them absurdly long.
function short(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
