'use client';

import { useState, useTransition } from 'react';
import { logoutOtherSessionsAction } from '@/app/(app)/account/actions';
import { Button } from '@/components/ui/button';

export type SessionRow = { id: string; device: string; lastSeen: string; created: string; current: boolean };

/** The account's active sessions with "Log out other sessions". */
export function SessionList({ sessions }: { sessions: SessionRow[] }) {
  const [note, setNote] = useState<string>();
  const [pending, startTransition] = useTransition();
  const others = sessions.filter((s) => !s.current).length;
  const logOutOthers = () =>
    startTransition(async () => {
      const r = await logoutOtherSessionsAction({});
      setNote(r.ok ? `Logged out ${r.data.ended} other session${r.data.ended === 1 ? '' : 's'}.` : (r.formError ?? 'Something went wrong.'));
    });
  return (
    <div className="space-y-4">
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" aria-label="Active sessions">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2 text-sm">
            <span className="font-medium">
              {s.device}
              {s.current && <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">this device</span>}
            </span>
            <span className="text-slate-600">last seen {s.lastSeen} · signed in {s.created}</span>
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" disabled={pending || others === 0} onClick={logOutOthers}>Log out other sessions</Button>
        <span role="status" className="text-sm text-slate-700">{note}</span>
      </div>
    </div>
  );
}
