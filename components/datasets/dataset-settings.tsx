'use client';

import { deleteDatasetAction, lockDatasetAction, renameDatasetAction } from '@/app/(app)/datasets/[datasetId]/actions';
import { Button } from '@/components/ui/button';
import { RenameDeleteSettings } from '@/components/ui/rename-delete-settings';

/** Owner-only controls: rename, lock read-only, delete (confirmed by typing the name). */
export function DatasetSettings({ datasetId, name, readOnly }: { datasetId: string; name: string; readOnly: boolean }) {
  return (
    <RenameDeleteSettings
      name={name}
      noun="dataset"
      nameLabel="New dataset name"
      deleteWarning="This deletes every file in the dataset and ends everyone’s access and pending invitations."
      onRename={(newName) => renameDatasetAction({ datasetId, name: newName })}
      onDelete={(confirmName) => deleteDatasetAction({ datasetId, confirmName })}
    >
      {(run, pending) => (
        <Button variant="secondary" disabled={pending} onClick={() => run(() => lockDatasetAction({ datasetId, readOnly: !readOnly }))}>
          {readOnly ? 'Unlock' : 'Lock read-only'}
        </Button>
      )}
    </RenameDeleteSettings>
  );
}
