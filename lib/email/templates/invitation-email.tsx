import 'server-only';
import { Fragment } from 'react';
import { Heading, Text } from '@react-email/components';
import type { InvitationEmail } from '../types';
import { EmailLayout, quoteStyle } from './layout';

export type InvitationEmailProps = Omit<InvitationEmail, 'kind' | 'link' | 'expiresAt'> & { href: string; expires: string };

/** Email to an invitee. Every value is user text; React escapes it. */
export function InvitationEmailTemplate(p: InvitationEmailProps) {
  const what = p.targetKind === 'team' ? `the team “${p.targetName}”` : `the dataset “${p.targetName}”`;
  return (
    <EmailLayout
      preview={`${p.inviterName} invited you to ${what} on Trove`}
      action="View invitation"
      href={p.href}
      footer={`This invitation expires on ${p.expires}. If you did not expect it, you can ignore this email.`}
    >
      <Heading as="h1" style={{ fontSize: '20px' }}>
        You are invited to {what}
      </Heading>
      <Text>
        {p.inviterName} ({p.inviterEmail}) invited you to {what} on Trove as {article(p.role)} <strong>{p.role}</strong>.
      </Text>
      {p.message ? (
        <>
          <Text>Their message:</Text>
          <Text style={quoteStyle}>
            {/* <br> rather than CSS alone, so the plain-text part keeps the line breaks too. */}
            {p.message.split(/\r?\n/).map((line, i) => (
              <Fragment key={i}>
                {i > 0 ? <br /> : null}
                {line}
              </Fragment>
            ))}
          </Text>
        </>
      ) : null}
    </EmailLayout>
  );
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
