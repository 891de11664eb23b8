import 'server-only';
import { Heading, Text } from '@react-email/components';
import { EmailLayout } from './layout';

export type AccountEmailProps = { preview: string; heading: string; lines: string[]; action: string; href: string; footer: string };

/** Emails about the account itself (verify the address, reset the password, a sign-up attempt). */
export function AccountEmailTemplate(p: AccountEmailProps) {
  return (
    <EmailLayout preview={p.preview} action={p.action} href={p.href} footer={p.footer}>
      <Heading as="h1" style={{ fontSize: '20px' }}>
        {p.heading}
      </Heading>
      {p.lines.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </EmailLayout>
  );
}
