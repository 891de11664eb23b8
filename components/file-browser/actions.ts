'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { userAction } from '@/lib/action';
import { createFolder, deleteEntries, deleteEntry, MAX_SELECTION, moveEntry } from '@/lib/files';
import { joinPath, normalizeFolderPath, normalizeName, parentOf } from '@/lib/paths';
import { uuidField } from '@/lib/validation/common';

// Paths are checked by lib/paths.ts (clear INVALID messages); zod only bounds the raw input.
const pathField = z.string().max(8192, 'That path is too long.');

function refresh(datasetId: string) {
  revalidatePath(`/datasets/${datasetId}`, 'layout'); // every tab: header counts, files, activity
  revalidatePath('/datasets'); // file counts and "updated" in the inventory
}

export const createFolderAction = userAction(z.object({ datasetId: uuidField, parent: pathField, name: pathField }), async (user, input) => {
  const name = normalizeName(input.name.trim(), 'name');
  const result = await createFolder(user.id, input.datasetId, joinPath(normalizeFolderPath(input.parent), name));
  refresh(input.datasetId);
  return result;
});

/** New name within the entry's folder; "a/b" moves into a sub-folder, a leading "/" starts from the dataset's top. */
export const renameEntryAction = userAction(z.object({ datasetId: uuidField, path: pathField, newName: pathField }), async (user, input) => {
  const raw = input.newName.trim();
  const target = raw.startsWith('/') ? raw.slice(1) : joinPath(parentOf(input.path), raw);
  const result = await moveEntry(user.id, input.datasetId, input.path, target, 'newName');
  refresh(input.datasetId);
  return result;
});

export const deleteEntryAction = userAction(z.object({ datasetId: uuidField, path: pathField }), async (user, input) => {
  const result = await deleteEntry(user.id, input.datasetId, input.path);
  refresh(input.datasetId);
  return result;
});

export const deleteEntriesAction = userAction(
  z.object({ datasetId: uuidField, paths: z.array(pathField).min(1, 'Select at least one file or folder.').max(MAX_SELECTION, `Select at most ${MAX_SELECTION} entries at a time.`) }),
  async (user, input) => {
    const result = await deleteEntries(user.id, input.datasetId, input.paths);
    refresh(input.datasetId);
    return result;
  },
);
