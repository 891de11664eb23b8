'use client';

// What a page shows when rendering it failed — most often because the database could not be reached
// for a moment (a restart). The details stay in the server log; the digest ties the two together.
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-md px-4 py-24 text-center">
      <h1 className="text-2xl font-semibold">Trove is briefly unavailable</h1>
      <p className="mt-2 text-slate-600">
        This page could not be loaded just now. This usually passes within a few seconds — please try again.
      </p>
      <button type="button" onClick={() => reset()} className="mt-6 rounded bg-indigo-600 px-4 py-2 text-white hover:bg-indigo-700">
        Try again
      </button>
      {error.digest ? <p className="mt-6 text-xs text-slate-400">Reference: {error.digest}</p> : null}
    </main>
  );
}
