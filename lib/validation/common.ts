import { z } from 'zod';

// NUL, other C0/C1 controls and bidi overrides (used to disguise names) are never valid in text fields.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Whether a string holds NUL, other control characters or bidi overrides (new lines and tabs count too). */
export function hasUnsafeChars(s: string): boolean {
  return UNSAFE_CHARS.test(s);
}

/** A single-line text field: trimmed, length-bounded, no control or bidi-override characters. */
export function lineText(label: string, min: number, max: number) {
  return z
    .string({ message: `${label} is required.` })
    .trim()
    .min(min, min === 1 ? `${label} is required.` : `${label} must be at least ${min} characters.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((s) => !UNSAFE_CHARS.test(s), `${label} contains characters that are not allowed.`);
}

/** Multi-line text: like lineText but new lines and tabs are fine. */
export function multilineText(label: string, max: number) {
  return z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((s) => !UNSAFE_CHARS.test(s.replace(/[\n\r\t]/g, ' ')), `${label} contains characters that are not allowed.`);
}

/** Text typed to confirm a destructive action (compared, never stored): bounded, no control characters. */
export function confirmText(label: string) {
  return z
    .string({ message: `${label} is required.` })
    .max(200, `${label} must be at most 200 characters.`)
    .refine((s) => !UNSAFE_CHARS.test(s), `${label} contains characters that are not allowed.`);
}

/** An email address, trimmed and lowercased. */
export const emailField = z
  .string({ message: 'Email is required.' })
  .trim()
  .toLowerCase()
  .min(1, 'Email is required.')
  .max(254, 'Email is too long.')
  .pipe(z.email({ message: 'Enter a valid email address.' }));

export const uuidField = z.uuid({ message: 'Unknown id.' });
