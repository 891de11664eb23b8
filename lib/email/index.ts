import 'server-only';

// What request-time code (invitation actions, the access list) needs. Deliberately light: the worker and
// the Resend SDK live in ./worker, which only server start-up and tests import; React Email rendering is
// loaded on the first enqueue (emails are rendered once, when queued).
export type { EmailMessage, InvitationAcceptedEmail, InvitationEmail, OutboxStatus } from './types';
export { emailStatusForInvitations, enqueueEmail } from './outbox';
export { isEmailConfigured, kickEmailWorker } from './control';
