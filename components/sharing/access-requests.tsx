'use client';

import { useState, useTransition } from 'react';
import { decideAccessRequestAction } from '@/app/(app)/datasets/[datasetId]/sharing-actions';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import type { PendingAccessRequest } from '@/lib/sharing-requests';
import { formatRelative } from '@/lib/format';
import { focusPeopleHeading } from './ids';

const LABELS = { viewer: 'Viewer', editor: 'Editor', manager: 'Manager' } as const;

/** Pending "Request access" asks, for managers and the owner: Approve (with a role) or Deny. */
export function AccessRequests({ datasetId, requests, roles }: { datasetId: string; requests: PendingAccessRequest[]; roles: (keyof typeof LABELS)[] }) {
  const toast = useToast();
  const [pending, startTransition] = useTransition();
  const [chosen, setChosen] = useState<Record<string, keyof typeof LABELS>>({});
  if (requests.length === 0) return null;
  const decide = (r: PendingAccessRequest, decision: 'approve' | 'deny') =>
    startTransition(async () => {
      const role = chosen[r.id] ?? 'viewer';
      const res = await decideAccessRequestAction({ datasetId, requestId: r.id, decision, role });
      if (!res.ok) toast.show(res.formError ?? Object.values(res.fieldErrors ?? {})[0] ?? 'That did not work.', { tone: 'error' });
      else {
        toast.show(decision === 'approve' ? `${r.email} now has access as ${LABELS[role]}.` : `Declined ${r.email}’s request.`);
        focusPeopleHeading();
      }
    });
  return (
    <div className="mb-4 rounded-md border border-amber-200 bg-amber-50 p-3">
      <h3 className="mb-1 text-sm font-semibold text-amber-900">Access requests</h3>
      <ul className="divide-y divide-amber-200">
        {requests.map((r) => (
          <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <span className="min-w-0 break-all">
              <span className="font-medium">{r.name}</span> <span className="text-slate-700">{r.email}</span> · asked {formatRelative(r.createdAt)}
              {r.message && <span className="mt-1 block whitespace-pre-wrap text-slate-800">“{r.message}”</span>}
            </span>
            <span className="flex flex-wrap items-center gap-1">
              <select
                aria-label={`Role for request from ${r.email}`}
                value={chosen[r.id] ?? 'viewer'}
                onChange={(e) => setChosen((c) => ({ ...c, [r.id]: e.target.value as keyof typeof LABELS }))}
                className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
              >
                {roles.map((x) => <option key={x} value={x}>{LABELS[x]}</option>)}
              </select>
              <Button className="py-1" disabled={pending} aria-label={`Approve request from ${r.email}`} onClick={() => decide(r, 'approve')}>Approve</Button>
              <Button variant="secondary" className="py-1" disabled={pending} aria-label={`Deny request from ${r.email}`} onClick={() => decide(r, 'deny')}>Deny</Button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
