import Bowser from 'bowser';
import type { Metadata } from 'next';
import { AccessKeys } from '@/components/account/access-keys';
import { NameForm } from '@/components/account/name-form';
import { ResendVerificationButton } from '@/components/account/resend-verification-button';
import { SessionList } from '@/components/account/session-list';
import { NotificationSettings } from '@/components/account/notification-settings';
import { getNotificationSettings } from '@/lib/sharing-notices';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { requireUser } from '@/lib/auth/session';
import { listUserSessions } from '@/lib/auth/sessions';
import { isEmailConfigured } from '@/lib/email';
import { formatDateTime } from '@/lib/format';
import { listAccessKeys } from '@/lib/s3/keys';

export const metadata: Metadata = { title: 'Account' };

/** "Firefox on Linux" from a user agent; "Unknown device" when there is none. */
function describeDevice(userAgent: string): string {
  if (!userAgent) return 'Unknown device';
  const ua = Bowser.parse(userAgent);
  const browser = ua.browser.name ?? 'Unknown browser';
  return ua.os.name ? `${browser} on ${ua.os.name}` : browser;
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-heading`} className="rounded-xl border border-slate-200 bg-white p-6">
      <h2 id={`${id}-heading`} className="mb-4 text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export default async function AccountPage() {
  const user = await requireUser();
  const sessions = (await listUserSessions(user)).map((s) => ({
    id: s.id,
    device: describeDevice(s.userAgent),
    lastSeen: formatDateTime(s.lastSeenAt),
    created: formatDateTime(s.createdAt),
    current: s.current,
  }));
  const keys = (await listAccessKeys(user.id)).map((k) => ({
    id: k.id,
    name: k.name,
    access: k.readOnly ? 'Read only' : 'Read and write',
    scope: k.datasetId ? (k.datasetName ?? 'a dataset') : 'All my datasets',
    created: formatDateTime(k.createdAt),
    lastUsed: k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'never',
    expires: k.expiresAt ? formatDateTime(k.expiresAt) : 'never',
  }));
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Account</h1>
      <Section id="profile" title="Profile">
        <NameForm name={user.name} />
      </Section>
      <Section id="email" title="Email address">
        <p className="text-sm">
          <span className="font-medium break-all">{user.email}</span>{' '}
          {user.emailVerified ? (
            <span className="ml-1 rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">verified</span>
          ) : (
            <span className="ml-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-900">not verified</span>
          )}
        </p>
        {!user.emailVerified && (
          <div className="mt-3 space-y-3 text-sm text-slate-700">
            <p>Until your address is verified, invitations sent to it are not listed here and can only be accepted through the link in their email.</p>
            {isEmailConfigured() ? (
              <ResendVerificationButton />
            ) : (
              <p>This server cannot send email. Open an invitation link you were sent, or ask the operator to run <code className="rounded bg-slate-100 px-1">npm run trove -- verify-email {user.email}</code>.</p>
            )}
          </div>
        )}
      </Section>
      <Section id="notifications" title="Email notifications">
        <NotificationSettings teamShares={(await getNotificationSettings(user.id)).teamShares} />
      </Section>
      <Section id="password" title="Change password">
        <ChangePasswordForm />
      </Section>
      <Section id="access-keys" title="Access keys">
        <AccessKeys keys={keys} />
      </Section>
      <Section id="sessions" title="Sessions">
        <SessionList sessions={sessions} />
      </Section>
    </div>
  );
}
