export { inviteEmails, spendInviteBudget, INVITES_PER_HOUR, RESEND_COOLDOWN_MS, type RecipientResult, type RecipientStatus } from './send';
export { viewInvitation, acceptInvitation, declineInvitation, listMyInvitations, countMyInvitations, type InvitationView, type InvitationState } from './respond';
export { listTargetInvitations, manageInvitation, unrevokeInvitation, UNDO_REVOKE_MS, type ManagedInvitation } from './manage';
export { type InvitationTarget } from './targets';
export { hashInvitationToken, newInvitationToken, INVITATION_TTL_MS } from './tokens';
export { revokeInvitationsBeyondAuthority } from './authority';
