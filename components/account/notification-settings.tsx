'use client';

import { useState, useTransition } from 'react';
import { setNotificationAction } from '@/app/(app)/account/actions';
import { useToast } from '@/components/ui/toast';

/** Optional emails, on by default; a change saves at once. */
export function NotificationSettings({ teamShares }: { teamShares: boolean }) {
  const [on, setOn] = useState(teamShares);
  const [pending, startTransition] = useTransition();
  const toast = useToast();
  return (
    <div className="space-y-2 text-sm">
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          className="mt-0.5"
          checked={on}
          disabled={pending}
          onChange={(e) => {
            const next = e.target.checked;
            setOn(next);
            startTransition(async () => {
              const r = await setNotificationAction({ kind: 'team-shares', on: next });
              if (!r.ok) {
                setOn(!next);
                toast.show(r.formError ?? 'Could not save that.', { tone: 'error' });
              } else toast.show(next ? 'You will get an email when a dataset is shared with your team.' : 'No more emails when a dataset is shared with your team.');
            });
          }}
        />
        <span>Email me when a dataset is shared with my team</span>
      </label>
      <p className="text-slate-600">Reminders about invitations and access that is about to end are always sent, once each.</p>
    </div>
  );
}
