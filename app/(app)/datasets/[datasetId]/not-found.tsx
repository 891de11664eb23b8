import { RequestAccess } from '@/components/sharing/request-access';

// A dataset URL the user cannot open — missing or not shared with them, alike — still answers 404.
export default function DatasetNotFound() {
  return <RequestAccess />;
}
