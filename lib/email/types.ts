import 'server-only';
import { z } from 'zod';

/** Invitation to a dataset or a team, sent to the invitee. `link` holds the secret token: never log it. */
export type InvitationEmail = {
  kind: 'invitation';
  inviterName: string;
  inviterEmail: string;
  targetKind: 'dataset' | 'team';
  targetName: string;
  role: string;
  message: string;
  /** A path ("/invite/<token>") or a full link under APP_URL. */
  link: string;
  /** ISO 8601. */
  expiresAt: string;
};

/** Tells the inviter that their invitation was accepted. */
export type InvitationAcceptedEmail = {
  kind: 'invitation-accepted';
  inviteeName: string;
  inviteeEmail: string;
  targetKind: 'dataset' | 'team';
  targetName: string;
  /** A path ("/datasets/<id>") or a full link under APP_URL. */
  link: string;
};

/** Account emails: a single-use link (verify the address, reset the password) to the address itself. `link` holds a secret token: never log it. */
export type AccountEmail = {
  kind: 'verify-email' | 'reset-password' | 'signup-attempt';
  name: string;
  /** A path ("/verify-email/<token>", "/reset-password/<token>", "/forgot-password") or a full link under APP_URL. */
  link: string;
};

/**
 * A notice about sharing (an access request, its outcome, a reminder): a heading, a few lines and one
 * action link; `settings` adds the "notification settings" link for the emails one can turn off.
 */
export type NoticeEmail = {
  kind: 'notice';
  subject: string;
  heading: string;
  lines: string[];
  action: string;
  /** A path or a full link under APP_URL. */
  link: string;
  footer: string;
  settings?: boolean;
};

export type EmailMessage = InvitationEmail | InvitationAcceptedEmail | AccountEmail | NoticeEmail;

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export type RenderedEmail = { subject: string; html: string; text: string };

/** What an outbox row sends, byte for byte, on every attempt: rendered once, when it was enqueued. */
export type OutgoingEmail = RenderedEmail & { from: string };

// Bounds keep a corrupt or hostile payload from producing a huge email; callers validate more tightly.
const name = z.string().max(200);
const target = z.enum(['dataset', 'team']);
const link = z.string().min(1).max(2000);

/** Validates an outbox payload (on enqueue, and again when the worker reads it back). */
export const emailMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('invitation'),
    inviterName: name,
    inviterEmail: z.string().max(320),
    targetKind: target,
    targetName: name,
    role: z.string().min(1).max(50),
    message: z.string().max(2000),
    link,
    expiresAt: z.iso.datetime({ offset: true }),
  }),
  z.object({
    kind: z.literal('invitation-accepted'),
    inviteeName: name,
    inviteeEmail: z.string().max(320),
    targetKind: target,
    targetName: name,
    link,
  }),
  z.object({
    kind: z.literal('notice'),
    subject: z.string().min(1).max(300),
    heading: z.string().min(1).max(300),
    lines: z.array(z.string().max(2000)).max(10),
    action: z.string().min(1).max(100),
    link,
    footer: z.string().max(1000),
    settings: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('verify-email'), name, link }),
  z.object({ kind: z.literal('reset-password'), name, link }),
  z.object({ kind: z.literal('signup-attempt'), name, link }),
]);

/** Validates the stored, rendered email (payload.rendered) before it is sent. */
export const outgoingEmailSchema = z.object({
  from: z.string().min(1).max(400),
  subject: z.string().min(1).max(1000),
  html: z.string().max(2_000_000),
  text: z.string().max(2_000_000),
});
