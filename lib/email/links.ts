import 'server-only';
import { config } from '@/lib/config';

/**
 * Reduces a link to a path inside the app: "/x" stays, "APP_URL/x" becomes "/x", anything else throws.
 * The outbox stores only paths, so an email link can never point off-site (e.g. at a Host header's value).
 */
export function toAppPath(link: string): string {
  const base = config.appUrl;
  if (link.startsWith(base + '/')) return link.slice(base.length);
  if (link.startsWith('/') && !link.startsWith('//') && !link.startsWith('/\\')) return link;
  throw new Error('Email links must be a path or start with APP_URL');
}

/** The absolute link for a stored path, built from APP_URL at send time. */
export function appLink(path: string): string {
  return config.appUrl + toAppPath(path);
}
