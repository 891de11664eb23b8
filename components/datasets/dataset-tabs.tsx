'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export type Tab = { label: string; href: string };

/** The dataset's sections as links (each has its own URL); the current one is aria-current="page". */
export function DatasetTabs({ base, tabs }: { base: string; tabs: Tab[] }) {
  const pathname = usePathname();
  const current = (href: string) => (href === base ? pathname === base : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Dataset sections" className="-mx-4 overflow-x-auto border-b border-slate-200 px-4 sm:mx-0 sm:px-0">
      <ul className="flex gap-1 text-sm">
        {tabs.map((t) => {
          const on = current(t.href);
          return (
            <li key={t.href}>
              <Link
                href={t.href}
                aria-current={on ? 'page' : undefined}
                className={`-mb-px inline-block border-b-2 px-3 py-2 font-medium whitespace-nowrap ${on ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900'}`}
              >
                {t.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
