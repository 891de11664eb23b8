import Link from 'next/link';
import type { AccountTokenState } from '@/lib/accounts';

export type DeadLinkCopy = Record<Exclude<AccountTokenState, 'valid'>, { title: string; body: string }>;

/** What a used, expired or invalid mailed link shows: what happened and the way forward. */
export function DeadLink({ state, copy, next }: { state: Exclude<AccountTokenState, 'valid'>; copy: DeadLinkCopy; next: { href: string; label: string } }) {
  return (
    <>
      <h1 className="mb-3 text-xl font-semibold">{copy[state].title}</h1>
      <p className="text-sm text-slate-700">{copy[state].body}</p>
      <Link href={next.href} className="mt-6 inline-block font-medium text-indigo-700 underline">{next.label}</Link>
    </>
  );
}
