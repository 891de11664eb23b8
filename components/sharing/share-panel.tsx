'use client';

import { useState } from 'react';
import { shareDatasetAction } from '@/app/(app)/datasets/[datasetId]/sharing-actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextAreaField } from '@/components/ui/field';
import type { RecipientResult } from '@/lib/invitations/send';
import { shareSchema, type ShareInput } from '@/lib/validation/sharing';

const ROLE_LABELS = { viewer: 'Viewer', editor: 'Editor', manager: 'Manager' } as const;
/** A v4 UUID from getRandomValues (crypto.randomUUID needs a secure context; self-hosted Trove may be plain http). */
function newRequestId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const GOOD = new Set(['invited', 'shared with team', 'already invited (invitation re-sent)', 'already invited']);

/** The Share button and its dialog: bulk invite by email or share with a team, with one result line per recipient. */
export function SharePanel({ datasetId, datasetName, roles }: { datasetId: string; datasetName: string; roles: (keyof typeof ROLE_LABELS)[] }) {
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<RecipientResult[]>([]);
  const { form, errors, onSubmit, message, setMessage, pending } = useActionForm<ShareInput, RecipientResult[]>(
    shareSchema,
    shareDatasetAction,
    // requestId: one per submission, so a resubmitted form (lost response, crash) is not shared twice.
    { datasetId, recipients: '', role: 'viewer', message: '', requestId: newRequestId() },
    {
      onSuccess: (data, values) => {
        setResults(data);
        form.reset({ ...values, recipients: '', requestId: newRequestId() });
      },
    },
  );

  return (
    <>
      <Button onClick={() => { setResults([]); setMessage(undefined); setOpen(true); }}>Share</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Share ${datasetName}`} wide>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <FormMessage message={message} />
          <TextAreaField
            label="Recipients"
            rows={3}
            hint="Email addresses or names of your teams, separated by commas, spaces or new lines (up to 100)."
            error={errors.recipients?.message}
            {...form.register('recipients')}
          />
          <div>
            <label htmlFor="share-role" className="block text-sm font-medium text-slate-700">Role</label>
            <select id="share-role" className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('role')}>
              {roles.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
            </select>
          </div>
          <TextAreaField label="Message" rows={2} hint="Optional, up to 500 characters; included in the email." error={errors.message?.message} {...form.register('message')} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>Close</Button>
            <Button type="submit" disabled={pending}>{pending ? 'Sending…' : 'Send invitations'}</Button>
          </div>
        </form>
        {results.length > 0 && (
          <div role="status" className="mt-4 border-t border-slate-200 pt-3">
            <h3 className="mb-2 text-sm font-semibold">Results</h3>
            <ul className="space-y-2 text-sm" aria-label="Share results">
              {results.map((r) => (
                <li key={r.recipient} className="break-all">
                  <span className="font-medium">{r.recipient}</span>
                  {' — '}
                  <span className={GOOD.has(r.status) ? 'text-emerald-700' : 'text-amber-800'}>{r.status}</span>
                  {r.link && (
                    <span className="mt-1 block">
                      <label className="text-xs text-slate-600">
                        Email is not configured: send this link to {r.recipient} yourself
                        <input readOnly value={r.link} onFocus={(e) => e.currentTarget.select()} className="mt-1 block w-full rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs" />
                      </label>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
      </Dialog>
    </>
  );
}
