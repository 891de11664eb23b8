import type { Metadata } from 'next';
import { NewTeamButton } from '@/components/teams/new-team-button';
import { TeamList } from '@/components/teams/team-list';
import { requireUser } from '@/lib/auth/session';
import { listTeamsForUser } from '@/lib/teams';

export const metadata: Metadata = { title: 'Teams' };

export default async function TeamsPage() {
  const user = await requireUser();
  const teams = await listTeamsForUser(user.id);
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Teams</h1>
        <NewTeamButton />
      </div>
      {teams.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="text-lg font-medium">You are not in any team yet</p>
          <p className="mt-1 text-slate-600">
            Create a team to share datasets with a group of people at once, or accept an invitation to join one.
          </p>
        </div>
      ) : (
        <TeamList teams={teams} />
      )}
    </div>
  );
}
