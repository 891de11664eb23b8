'use server';

import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { createDataset } from '@/lib/datasets';
import { createDatasetSchema } from '@/lib/validation/datasets';

export const createDatasetAction = userAction(createDatasetSchema, async (user, input) => {
  const { id } = await createDataset(user.id, input);
  redirect(`/datasets/${id}`);
});
