import { z } from 'zod';
import { lineText, uuidField } from './common';

/** The "Create access key" form: name, access, scope (a dataset id or "all"), optional expiry date (YYYY-MM-DD). */
export const createAccessKeySchema = z.object({
  name: lineText('Key name', 1, 100),
  access: z.enum(['readwrite', 'readonly'], { message: 'Choose the access.' }),
  datasetId: z.union([z.literal('all'), uuidField], { message: 'Choose the datasets.' }),
  expires: z
    .string()
    .trim()
    .refine((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))), 'Enter a date, or leave it empty.')
    .refine((s) => s === '' || Date.parse(`${s}T23:59:59Z`) > Date.now(), 'The expiry date must be in the future.'),
});
export type CreateAccessKeyInput = z.input<typeof createAccessKeySchema>;

export const revokeAccessKeySchema = z.object({ keyId: uuidField });
