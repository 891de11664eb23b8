import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Datasets' };

export default async function DatasetsPage() {
  await requireUser();
  return <h1 className="text-2xl font-semibold">Datasets</h1>;
}
