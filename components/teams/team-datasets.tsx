import Link from 'next/link';
import type { TeamDataset } from '@/lib/teams';

/** Datasets shared with the team, each a link named after the dataset. */
export function TeamDatasets({ datasets }: { datasets: TeamDataset[] }) {
  if (datasets.length === 0) {
    return <p className="text-sm text-slate-500">No datasets are shared with this team yet. A dataset’s owner or managers can share it with the team by its name.</p>;
  }
  return (
    <ul className="divide-y divide-slate-200">
      {datasets.map((d) => (
        <li key={d.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-2">
          <Link href={`/datasets/${d.id}`} className="break-all font-medium text-indigo-700 hover:underline">{d.name}</Link>
          <span className="text-sm text-slate-600">
            Owner: {d.ownerName} · team’s role: <span className="capitalize">{d.teamRole}</span>
            {d.myRole !== d.teamRole && <> · yours: <span className="capitalize">{d.myRole}</span></>}
          </span>
        </li>
      ))}
    </ul>
  );
}
