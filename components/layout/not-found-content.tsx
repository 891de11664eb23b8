import Link from 'next/link';

/** The 404's words, the same for strangers and missing pages; the caller supplies the landmark. */
export function NotFoundContent() {
  return (
    <>
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or you do not have access to it.</p>
      <Link href="/datasets" className="mt-6 inline-block text-indigo-700 underline">
        Go to your datasets
      </Link>
    </>
  );
}
