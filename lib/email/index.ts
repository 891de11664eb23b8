import 'server-only';

// What request-time code (invitation actions, the access list) needs. Deliberately light: the worker,
// the Resend SDK and React Email rendering live in ./worker, which only server start-up and tests import.
export type { EmailMessage, InvitationAcceptedEmail, InvitationEmail, OutboxStatus } from './types';
export { emailStatusForInvitations, enqueueEmail } from './outbox';
export { isEmailConfigured, kickEmailWorker } from './control';
