import { z } from 'zod';
import { confirmText, hasUnsafeChars, lineText, multilineText, uuidField } from './common';

export const datasetNameField = lineText('Name', 1, 100)
  .refine((s) => !s.includes('/'), 'Name cannot contain “/”.')
  .refine((s) => s !== '.' && s !== '..', 'Name cannot be “.” or “..”.');

export const descriptionField = multilineText('Description', 2000);

export const createDatasetSchema = z.object({ name: datasetNameField, description: descriptionField.default('') });
export type CreateDatasetInput = z.input<typeof createDatasetSchema>;

export const renameDatasetSchema = z.object({ datasetId: uuidField, name: datasetNameField });
export type RenameDatasetInput = z.input<typeof renameDatasetSchema>;

export const describeDatasetSchema = z.object({ datasetId: uuidField, description: descriptionField });
export const lockDatasetSchema = z.object({ datasetId: uuidField, readOnly: z.boolean() });
export const deleteDatasetSchema = z.object({ datasetId: uuidField, confirmName: confirmText('Name') });

export const INVENTORY_FILTERS = ['all', 'owned', 'shared'] as const;
export type InventoryFilter = (typeof INVENTORY_FILTERS)[number];
export const inventoryQuerySchema = z.object({
  filter: z.enum(INVENTORY_FILTERS).catch('all'),
  // A search with control characters (e.g. ?q=%00) is dropped; the page says so (searchProblem).
  q: z
    .string()
    .trim()
    .max(100)
    .refine((s) => !hasUnsafeChars(s))
    .catch(''),
  // Keyset pagination: a row's cursor ("<microseconds>.<id>", lib/access.ts); anything else is ignored.
  after: z.string().max(60).optional().catch(undefined),
  before: z.string().max(60).optional().catch(undefined),
});

/** What is wrong with a raw ?q= value, for the inventory page to say (the query itself falls back to no search). */
export function searchProblem(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  if (hasUnsafeChars(raw)) return 'The search contains characters that are not allowed, so all datasets are shown.';
  if (raw.trim().length > 100) return 'The search is longer than 100 characters, so all datasets are shown.';
  return null;
}
