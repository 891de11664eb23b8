import 'server-only';
import { createElement, type ReactElement } from 'react';
import { render } from '@react-email/components';
import { appLink } from './links';
import { AccountEmailTemplate } from './templates/account-email';
import { InvitationAcceptedEmailTemplate } from './templates/invitation-accepted-email';
import { InvitationEmailTemplate } from './templates/invitation-email';
import { config } from '@/lib/config';
import type { AccountEmail, EmailMessage, OutgoingEmail, RenderedEmail } from './types';

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
  if (isAccountEmail(email)) return composeAccount(email);
  if (email.kind === 'notice') {
    // Emails one can turn off say where: the Account page's notification settings.
    const footer = email.settings ? `${email.footer} Notification settings: ${appLink('/account#notifications')}`.trim() : email.footer;
    return {
      subject: short(email.subject, 150),
      element: createElement(AccountEmailTemplate, { preview: email.heading, heading: email.heading, lines: email.lines, action: email.action, href: appLink(email.link), footer }),
    };
  }
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

function isAccountEmail(email: EmailMessage): email is AccountEmail {
  return email.kind === 'verify-email' || email.kind === 'reset-password' || email.kind === 'signup-attempt';
}

function composeAccount(email: AccountEmail): { subject: string; element: ReactElement } {
  const href = appLink(email.link);
  const hi = `Hi ${short(email.name)},`;
  switch (email.kind) {
    case 'verify-email':
      return {
        subject: 'Verify your email address for Trove',
        element: createElement(AccountEmailTemplate, {
          preview: 'Confirm this address to see what is shared with it',
          heading: 'Verify your email address',
          lines: [hi, 'Confirm that this address is yours, so that datasets and teams shared with it reach you. The link works once, for 24 hours.'],
          action: 'Verify email address',
          href,
          footer: 'If you did not create a Trove account, ignore this email: nothing happens without the link.',
        }),
      };
    case 'reset-password':
      return {
        subject: 'Reset your Trove password',
        element: createElement(AccountEmailTemplate, {
          preview: 'A link to choose a new password',
          heading: 'Reset your password',
          lines: [hi, 'Someone (hopefully you) asked to reset the password of the Trove account for this address. The link works once, for 1 hour. Setting a new password logs out every session of the account.'],
          action: 'Choose a new password',
          href,
          footer: 'If you did not ask for this, ignore this email: your password stays as it is.',
        }),
      };
    case 'signup-attempt':
      return {
        subject: 'Someone tried to sign up to Trove with your address',
        element: createElement(AccountEmailTemplate, {
          preview: 'Your address already has a Trove account',
          heading: 'This address already has an account',
          lines: [hi, 'Someone just tried to create a Trove account with this email address, which already has one. If it was you, log in — or, if you forgot the password, reset it.'],
          action: 'Reset your password',
          href,
          footer: 'If it was not you, nothing changed: no account was created and your password is the same.',
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
