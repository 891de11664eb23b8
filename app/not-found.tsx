import { NotFoundContent } from '@/components/layout/not-found-content';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-24 text-center">
      <NotFoundContent />
    </main>
  );
}
