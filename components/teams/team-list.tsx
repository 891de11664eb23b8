import Link from 'next/link';
import type { TeamSummary } from '@/lib/teams';
import { TEAM_ROLE_LABELS } from '@/lib/validation/teams';

/** The user's teams: each a link named after the team, with their role and the member count. */
export function TeamList({ teams }: { teams: TeamSummary[] }) {
  return (
    <ul aria-label="Your teams" className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
      {teams.map((t) => (
        <li key={t.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3">
          <Link href={`/teams/${t.id}`} className="break-all font-medium text-indigo-700 hover:underline">{t.name}</Link>
          <span className="text-sm text-slate-600">
            <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium text-slate-700">{TEAM_ROLE_LABELS[t.role]}</span>
            <span className="ml-2">{t.memberCount} {t.memberCount === 1 ? 'member' : 'members'}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
