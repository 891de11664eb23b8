import Link from 'next/link';

// Inside the app's layout, which already has the page's <main>: no second one here.
export default function AppNotFound() {
  return (
    <div className="mx-auto max-w-md px-4 py-24 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or you do not have access to it.</p>
      <Link href="/datasets" className="mt-6 inline-block text-indigo-700 underline">
        Go to your datasets
      </Link>
    </div>
  );
}
