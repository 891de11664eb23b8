import { z } from 'zod';
import { multilineText, uuidField } from './common';

export const MAX_RECIPIENTS = 100;

export const grantRoleField = z.enum(['viewer', 'editor', 'manager'], { message: 'Choose Viewer, Editor or Manager.' });

export const shareSchema = z.object({
  datasetId: uuidField,
  recipients: multilineText('Recipients', 20_000).min(1, 'Enter at least one email address or team name.'),
  role: grantRoleField,
  message: multilineText('Message', 500).default(''),
  // Optional "Access until" (a date; through the end of that day, UTC) for everyone shared with in this form.
  accessUntil: z.union([z.literal(''), z.iso.date({ message: 'Enter a date.' })]).default(''),
  // The form's idempotency key: a resubmission of the same form returns the first result.
  requestId: uuidField.optional(),
});
export type ShareInput = z.input<typeof shareSchema>;

export const grantRoleSchema = z.object({ datasetId: uuidField, grantId: uuidField, role: grantRoleField });
export const grantRefSchema = z.object({ datasetId: uuidField, grantId: uuidField });
export const grantExpirySchema = z.object({
  datasetId: uuidField,
  grantId: uuidField,
  expiresAt: z.union([z.literal(''), z.iso.date({ message: 'Enter a date.' })]),
});
export const datasetRefSchema = z.object({ datasetId: uuidField });
export const invitationRefSchema = z.object({ invitationId: uuidField });
export const tokenRefSchema = z.object({ token: z.string().max(100, 'This invitation link is not valid.') });

/**
 * Splits the Recipients box: commas, semicolons and new lines separate entries; inside an entry,
 * spaces separate emails, while an entry without "@" is kept whole as a team name (names may have spaces).
 */
export function splitRecipients(raw: string): string[] {
  const out: string[] = [];
  for (const chunk of raw.split(/[,;\n\r]+/)) {
    const entry = chunk.trim().replace(/\s+/g, ' ');
    if (!entry) continue;
    if (entry.includes('@')) out.push(...entry.split(' '));
    else out.push(entry);
  }
  return [...new Set(out.map((r) => (r.includes('@') ? r.toLowerCase() : r)))];
}

/** "2026-12-01" → the end of that day (UTC), the instant a grant "until" that date stops granting. */
export function endOfDayUtc(date: string): Date {
  return new Date(`${date}T23:59:59.999Z`);
}

/**
 * A recipient without "@" that is not a team, yet reads like an address with the "@" lost
 * ("ada.example.org", "ada_example.com"): told "not a valid email" rather than "not one of your teams".
 */
export function looksLikeEmail(entry: string): boolean {
  return !/\s/.test(entry) && /\.[a-z]{2,}$/i.test(entry);
}

/** The quick, in-the-browser reading of one recipient chip; the server decides for real. */
export function classifyRecipient(entry: string, teamNames: string[]): { kind: 'email' | 'team' | 'invalid'; problem?: string } {
  if (entry.includes('@')) {
    return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(entry) ? { kind: 'email' } : { kind: 'invalid', problem: 'not a valid email' };
  }
  if (teamNames.some((t) => t.toLowerCase() === entry.toLowerCase())) return { kind: 'team' };
  return looksLikeEmail(entry) ? { kind: 'invalid', problem: 'not a valid email (no @)' } : { kind: 'invalid', problem: 'not an email address or one of your teams' };
}
