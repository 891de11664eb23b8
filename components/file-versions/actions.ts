'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { userAction } from '@/lib/action';
import { config } from '@/lib/config';
import { listVersions, restoreVersion } from '@/lib/file-history';
import { uuidField } from '@/lib/validation/common';

const pathField = z.string().max(8192, 'That path is too long.');

/** A file's versions for the "Versions of <name>" dialog (viewers and up). */
export const listVersionsAction = userAction(z.object({ datasetId: uuidField, path: pathField }), async (user, input) => {
  const r = await listVersions(user.id, input.datasetId, input.path);
  return { ...r, keep: config.versionsKeep, days: config.versionsDays, versions: r.versions.map((v) => ({ ...v, savedAt: v.savedAt.toISOString(), replacedAt: v.replacedAt?.toISOString() ?? null })) };
});

/** Managers and the owner: an earlier version becomes current (the replaced content is kept as a version). */
export const restoreVersionAction = userAction(z.object({ datasetId: uuidField, versionId: uuidField }), async (user, input) => {
  const result = await restoreVersion(user.id, input.datasetId, input.versionId);
  revalidatePath(`/datasets/${input.datasetId}`);
  return result;
});
