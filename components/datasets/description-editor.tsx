'use client';

import { useState, useTransition } from 'react';
import { describeDatasetAction } from '@/app/(app)/datasets/[datasetId]/actions';
import { Button } from '@/components/ui/button';
import { FormMessage, TextAreaField } from '@/components/ui/field';

/** The description, editable in place by managers and the owner. */
export function DescriptionEditor({ datasetId, description, editable }: { datasetId: string; description: string; editable: boolean }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(description);
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();

  if (!editing) {
    return (
      <div className="flex items-start gap-3">
        <p className="whitespace-pre-wrap text-slate-700">{description || <span className="italic text-slate-500">No description.</span>}</p>
        {editable && <Button variant="ghost" className="py-1" onClick={() => { setValue(description); setEditing(true); }}>Edit description</Button>}
      </div>
    );
  }
  return (
    <form
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => {
          const r = await describeDatasetAction({ datasetId, description: value });
          if (r.ok) setEditing(false);
          else setMessage(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
        });
      }}
    >
      <FormMessage message={message} />
      <TextAreaField label="Description" rows={4} value={value} onChange={(e) => setValue(e.target.value)} />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>Save description</Button>
        <Button variant="secondary" onClick={() => setEditing(false)}>Cancel</Button>
      </div>
    </form>
  );
}
