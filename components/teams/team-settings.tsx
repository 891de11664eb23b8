'use client';

import { deleteTeamAction, renameTeamAction } from '@/app/(app)/teams/[teamId]/actions';
import { RenameDeleteSettings } from '@/components/ui/rename-delete-settings';

/** Owner-only: rename the team, or delete it after typing its name. */
export function TeamSettings({ teamId, name }: { teamId: string; name: string }) {
  return (
    <RenameDeleteSettings
      name={name}
      noun="team"
      nameLabel="Team name"
      deleteWarning="Every member leaves the team, datasets shared with it stop being shared, and pending invitations stop working."
      onRename={(newName) => renameTeamAction({ teamId, name: newName })}
      onDelete={(confirmName) => deleteTeamAction({ teamId, confirmName })}
    />
  );
}
