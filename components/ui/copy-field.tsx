'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';

function CopyButton({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button variant="secondary" aria-label={`Copy ${label}`} onClick={() => navigator.clipboard?.writeText(value).then(() => setCopied(true), () => {})}>
      {copied ? 'Copied' : 'Copy'}
    </Button>
  );
}

/** A labelled read-only textbox with a copy button. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">{label}</label>
      <div className="mt-1 flex gap-2">
        <input id={id} readOnly value={value} className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton label={label} value={value} />
      </div>
    </div>
  );
}

/** A titled code snippet with a copy button. */
export function CopySnippet({ title, code }: { title: string; code: string }) {
  const id = useId();
  return (
    <figure className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <figcaption id={id} className="text-sm font-medium text-slate-700">{title}</figcaption>
        <CopyButton label={`${title} snippet`} value={code} />
      </div>
      <pre aria-labelledby={id} className="overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100"><code>{code}</code></pre>
    </figure>
  );
}
