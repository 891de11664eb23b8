'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { userAction } from '@/lib/action';
import { emptyTrash, restoreFromTrash } from '@/lib/file-history';
import { uuidField } from '@/lib/validation/common';

function refresh(datasetId: string) {
  revalidatePath(`/datasets/${datasetId}`);
  revalidatePath(`/datasets/${datasetId}/trash`);
  revalidatePath('/datasets');
}

/** Managers and the owner: puts a trash item back where it was. */
export const restoreFromTrashAction = userAction(z.object({ datasetId: uuidField, trashId: uuidField }), async (user, input) => {
  const result = await restoreFromTrash(user.id, input.datasetId, input.trashId);
  refresh(input.datasetId);
  return result;
});

/** Managers and the owner: deletes everything in the Trash for good. */
export const emptyTrashAction = userAction(z.object({ datasetId: uuidField, confirm: z.literal(true, { message: 'Confirm that the Trash is to be emptied.' }) }), async (user, input) => {
  const result = await emptyTrash(user.id, input.datasetId);
  refresh(input.datasetId);
  return result;
});
