import { describe, expect, it } from 'vitest';
import { toAppPath } from './links';
import { renderEmail } from './render';
import { accepted, invitation, isolateEmailEnv } from './test-helpers';

describe('email templates', () => {
  isolateEmailEnv();

  it('renders an invitation as HTML and plain text, with the APP_URL link and the escaped message', async () => {
    process.env.APP_URL = 'https://trove.example.org/';
    const email = invitation({ message: 'Hi <script>alert(1)</script> & "welcome"\nsecond line', link: '/invite/TOKEN_abc-123' });
    const r = await renderEmail(email);
    expect(r.subject).toBe('Ada Lovelace invited you to “Genomes” on Trove');
    expect(r.html).toContain('href="https://trove.example.org/invite/TOKEN_abc-123"');
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('Ada Lovelace');
    expect(r.html).toContain('Editor');
    expect(r.html).toContain('January 2, 2030');
    expect(r.text).toContain('https://trove.example.org/invite/TOKEN_abc-123');
    expect(r.text).toContain('Hi <script>alert(1)</script> & "welcome"\nsecond line');
    expect(r.text).toContain('Ada Lovelace (ada@example.test) invited you to the dataset “Genomes”');
    expect(r.text).toContain('expires on January 2, 2030 at 3:04 AM UTC');
    expect(r.text).not.toMatch(/<(html|a|p|div)\b/i);
  });

  it('leaves the message block out when there is none, and names teams as teams', async () => {
    const r = await renderEmail(invitation({ targetKind: 'team', targetName: 'Core', role: 'member' }));
    expect(r.subject).toBe('Ada Lovelace invited you to the team “Core” on Trove');
    expect(r.text).not.toContain('Their message');
    expect(r.text).toContain('as a Member');
  });

  it('renders the accepted notice to the inviter', async () => {
    process.env.APP_URL = 'http://localhost:4000';
    const r = await renderEmail(accepted({ inviteeName: 'Bob <b>', link: '/datasets/42' }));
    expect(r.subject).toBe('Bob <b> accepted your invitation to “Genomes”');
    expect(r.html).toContain('Bob &lt;b&gt;');
    expect(r.html).toContain('href="http://localhost:4000/datasets/42"');
    expect(r.text).toContain('http://localhost:4000/datasets/42');
  });

  it('renders the same bytes twice (a retry reuses the Idempotency-Key)', async () => {
    const email = invitation();
    expect(await renderEmail(email)).toEqual(await renderEmail(email));
  });

  it('keeps subjects on one line and bounded', async () => {
    const r = await renderEmail(invitation({ inviterName: 'Eve\r\nBcc: x@evil.test', targetName: 'x'.repeat(190) }));
    expect(r.subject).not.toMatch(/[\r\n]/);
    expect(r.subject.length).toBeLessThan(200);
  });

  it('accepts only app paths or APP_URL links', () => {
    process.env.APP_URL = 'https://trove.example.org';
    expect(toAppPath('/invite/x')).toBe('/invite/x');
    expect(toAppPath('https://trove.example.org/invite/x')).toBe('/invite/x');
    for (const bad of ['https://evil.test/invite/x', '//evil.test/x', '/\\evil.test', 'https://trove.example.org.evil.test/x', 'invite/x']) {
      expect(() => toAppPath(bad)).toThrow();
    }
  });
});
