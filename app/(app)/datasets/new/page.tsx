import type { Metadata } from 'next';
import { NewDatasetForm } from '@/components/datasets/new-dataset-form';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'New dataset' };

export default async function NewDatasetPage() {
  await requireUser();
  return (
    <div className="mx-auto max-w-xl">
      <h1 className="mb-4 text-2xl font-semibold">New dataset</h1>
      <div className="rounded-xl border border-slate-200 bg-white p-6">
        <NewDatasetForm />
      </div>
    </div>
  );
}
