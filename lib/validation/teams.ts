import { z } from 'zod';
import { confirmText, emailField, hasUnsafeChars, lineText, uuidField } from './common';

export const MAX_RECIPIENTS = 100;

/** Team roles as the forms offer them (lib/access.ts decides who may offer which). */
export const TEAM_ROLE_VALUES = ['member', 'admin', 'owner'] as const;
export const TEAM_ROLE_LABELS: Record<(typeof TEAM_ROLE_VALUES)[number], string> = { member: 'Member', admin: 'Admin', owner: 'Owner' };
const teamRoleField = z.enum(TEAM_ROLE_VALUES, { message: 'Choose a role.' });

export const teamNameField = lineText('Team name', 1, 100);

export const createTeamSchema = z.object({ name: teamNameField });
export type CreateTeamInput = z.input<typeof createTeamSchema>;

export const renameTeamSchema = z.object({ teamId: uuidField, name: teamNameField });
export type RenameTeamInput = z.input<typeof renameTeamSchema>;

export const deleteTeamSchema = z.object({ teamId: uuidField, confirmName: confirmText('Team name') });
export const leaveTeamSchema = z.object({ teamId: uuidField });
export const memberSchema = z.object({ teamId: uuidField, userId: uuidField });
export const changeMemberRoleSchema = z.object({ teamId: uuidField, userId: uuidField, role: teamRoleField });

export type ParsedRecipient = { recipient: string; email: string | null };

/** Splits a Recipients box on commas, spaces and new lines; lowercases and dedupes; email is null when invalid. */
export function parseRecipients(raw: string): ParsedRecipient[] {
  const seen = new Set<string>();
  const out: ParsedRecipient[] = [];
  for (const part of raw.split(/[\s,;]+/)) {
    const recipient = part.trim().toLowerCase();
    if (!recipient || seen.has(recipient)) continue;
    seen.add(recipient);
    const parsed = emailField.safeParse(recipient);
    out.push({ recipient, email: parsed.success ? parsed.data : null });
  }
  return out;
}

export const inviteToTeamSchema = z.object({
  teamId: uuidField,
  recipients: z
    .string({ message: 'Enter at least one email address.' })
    .max(30_000, 'That is too much text for one batch.')
    .refine((s) => !hasUnsafeChars(s.replace(/[\n\r\t]/g, ' ')), 'Recipients contain characters that are not allowed.')
    .refine((s) => parseRecipients(s).length > 0, 'Enter at least one email address.')
    .refine((s) => parseRecipients(s).length <= MAX_RECIPIENTS, `At most ${MAX_RECIPIENTS} recipients at a time.`),
  role: teamRoleField,
});
export type InviteToTeamInput = z.input<typeof inviteToTeamSchema>;

export const manageTeamInvitationSchema = z.object({
  teamId: uuidField,
  invitationId: uuidField,
  action: z.enum(['extend', 'resend', 'revoke']),
});
