import { NotFoundContent } from '@/components/layout/not-found-content';

// Inside the app's layout, which already has the page's <main>: no second one here.
export default function AppNotFound() {
  return (
    <div className="mx-auto max-w-md px-4 py-24 text-center">
      <NotFoundContent />
    </div>
  );
}
