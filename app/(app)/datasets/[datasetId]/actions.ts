'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { deleteDataset, describeDataset, renameDataset, setDatasetReadOnly } from '@/lib/datasets';
import { deleteDatasetSchema, describeDatasetSchema, lockDatasetSchema, renameDatasetSchema } from '@/lib/validation/datasets';

export const renameDatasetAction = userAction(renameDatasetSchema, async (user, { datasetId, name }) => {
  await renameDataset(user.id, datasetId, name);
  revalidatePath(`/datasets/${datasetId}`, 'layout');
});

export const describeDatasetAction = userAction(describeDatasetSchema, async (user, { datasetId, description }) => {
  await describeDataset(user.id, datasetId, description);
  revalidatePath(`/datasets/${datasetId}`, 'layout');
});

export const lockDatasetAction = userAction(lockDatasetSchema, async (user, { datasetId, readOnly }) => {
  await setDatasetReadOnly(user.id, datasetId, readOnly);
  revalidatePath(`/datasets/${datasetId}`, 'layout');
});

export const deleteDatasetAction = userAction(deleteDatasetSchema, async (user, { datasetId, confirmName }) => {
  await deleteDataset(user.id, datasetId, confirmName);
  redirect('/datasets');
});
