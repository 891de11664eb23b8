import type { Metadata } from 'next';
import Link from 'next/link';
import { switchAccountAction } from './switch-account-action';
import { InvitationDetails } from '@/components/invitations/invitation-details';
import { InvitationResponse } from '@/components/invitations/invitation-response';
import { buttonClass } from '@/components/ui/button';
import { getCurrentUser } from '@/lib/auth/session';
import { formatDateTime } from '@/lib/format';
import { viewInvitation } from '@/lib/invitations';

export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer' };

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-12">
      <p className="mb-6 text-center text-2xl font-bold tracking-tight text-indigo-700">Trove</p>
      <div className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="text-xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** Opening an invitation link only shows it; nothing changes until an authenticated POST. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [inv, user] = await Promise.all([viewInvitation(token), getCurrentUser()]);
  const here = `/invite/${token}`;
  const what = inv.targetKind === 'team' ? `the team “${inv.targetName}”` : `the dataset “${inv.targetName}”`;

  // A link that leads nowhere still leads somewhere: your datasets, or the log-in page.
  const onward = user ? (
    <Link href="/datasets" className={buttonClass('secondary')}>Go to your datasets</Link>
  ) : (
    <Link href="/login" className={buttonClass('secondary')}>Log in</Link>
  );
  if (inv.state === 'invalid') return <Card title="This invitation link is not valid"><p>Check that you copied the whole link, or ask for a new invitation.</p>{onward}</Card>;
  if (inv.state === 'revoked') return <Card title="This invitation was revoked"><p>{inv.inviterName ?? 'The sender'} withdrew it. Ask them to invite you again if you still need access.</p>{onward}</Card>;
  if (inv.state === 'declined') return <Card title="This invitation was declined"><p>Ask {inv.inviterName ?? 'the sender'} to invite you again if you changed your mind.</p>{onward}</Card>;
  if (inv.state === 'expired') {
    return (
      <Card title="This invitation has expired">
        <p>The invitation to {what} expired on {formatDateTime(inv.expiresAt!)}. Ask {inv.inviterName ?? 'the person who invited you'} to extend it; the same link will work again.</p>
        {onward}
      </Card>
    );
  }
  if (inv.state === 'accepted') {
    return (
      <Card title="Invitation already accepted">
        <p>This invitation to {what} has been accepted.</p>
        <Link href={inv.landing!} className={buttonClass('primary')}>Open {inv.targetKind === 'team' ? 'the team' : 'the dataset'}</Link>
      </Card>
    );
  }

  const summary = (
    <p>
      <span className="font-medium">{inv.inviterName ?? 'Someone'}</span> invited <span className="font-medium">{inv.email}</span> to {what} as{' '}
      <span className="font-medium capitalize">{inv.role}</span>. The invitation expires {formatDateTime(inv.expiresAt!)}.
    </p>
  );
  const details = inv.details && <InvitationDetails details={inv.details} inviterName={inv.inviterName} targetKind={inv.targetKind!} />;
  if (!user) {
    return (
      <Card title="You’re invited">
        {summary}
        {details}
        <p className="text-sm text-slate-600">Log in or sign up with {inv.email} to accept.</p>
        <div className="flex gap-2">
          <Link href={`/login?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(inv.email!)}`} className={buttonClass('primary')}>Log in</Link>
          <Link href={`/signup?callbackUrl=${encodeURIComponent(here)}&email=${encodeURIComponent(inv.email!)}`} className={buttonClass('secondary')}>Sign up</Link>
        </div>
      </Card>
    );
  }
  if (user.email !== inv.email) {
    return (
      <Card title="This invitation is for someone else">
        {summary}
        <p>You are logged in as <span className="font-medium">{user.email}</span>. Log out and continue as {inv.email} to accept it.</p>
        <form action={switchAccountAction.bind(null, token)}>
          <button type="submit" className={buttonClass('primary')}>Log out and continue</button>
        </form>
      </Card>
    );
  }
  return (
    <Card title="You’re invited">
      {summary}
      {details}
      <InvitationResponse token={token} />
    </Card>
  );
}
