import 'server-only';
import { Heading, Text } from '@react-email/components';
import { EmailLayout } from './layout';

export type InvitationAcceptedEmailProps = {
  inviteeName: string;
  inviteeEmail: string;
  targetKind: 'dataset' | 'team';
  targetName: string;
  href: string;
};

/** Email to the inviter once the invitee accepted. */
export function InvitationAcceptedEmailTemplate(p: InvitationAcceptedEmailProps) {
  const what = p.targetKind === 'team' ? `the team “${p.targetName}”` : `the dataset “${p.targetName}”`;
  return (
    <EmailLayout preview={`${p.inviteeName} accepted your invitation`} action={p.targetKind === 'team' ? 'Open team' : 'Open dataset'} href={p.href}>
      <Heading as="h1" style={{ fontSize: '20px' }}>
        {p.inviteeName} accepted your invitation
      </Heading>
      <Text>
        {p.inviteeName} ({p.inviteeEmail}) accepted your invitation and now has access to {what}.
      </Text>
    </EmailLayout>
  );
}
