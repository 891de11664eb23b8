import crypto from 'node:crypto';
import http from 'node:http';
import { expect, test } from '@playwright/test';
import { logOut, PASSWORD, signUp, uniqueEmail } from './fixtures/users';

test('sign up, log out, log in with a wrong then the right password', async ({ page }) => {
  const email = uniqueEmail('ada');
  await signUp(page, 'Ada Lovelace', email);
  await expect(page.getByRole('link', { name: 'Datasets' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Invitations' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Teams' })).toBeVisible();
  await logOut(page);

  await page.getByRole('textbox', { name: 'Email' }).fill(`  ${email.toUpperCase()} `);
  await page.getByRole('textbox', { name: 'Password' }).fill('wrong password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('form-message')).toHaveText('Incorrect email or password.');
  await expect(page.getByRole('textbox', { name: 'Email' })).toHaveValue(email.toUpperCase());

  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/datasets$/);
  await expect(page.getByRole('heading', { name: 'Datasets', level: 1 })).toBeVisible();
});

test('an unknown email gets the same message as a wrong password', async ({ page }) => {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Email' }).fill(uniqueEmail('nobody'));
  await page.getByRole('textbox', { name: 'Password' }).fill('whatever123');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('form-message')).toHaveText('Incorrect email or password.');
});

test('sign-up shows field errors and keeps what was typed; an address with an account gets the same next screen', async ({ page }) => {
  const { email } = await signUp(page, 'Grace Hopper');
  await logOut(page);
  await page.goto('/signup');
  await page.getByRole('textbox', { name: 'Name' }).fill('Someone');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Password must be at least 8 characters.')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue('Someone');
  await page.getByRole('textbox', { name: 'Password' }).fill('long enough password');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Nothing says the address has an account: the same screen as a new sign-up.
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expect(page.getByText(/already exists/)).toHaveCount(0);
});

test('an anonymous visitor is sent to log in and comes back to the page asked for', async ({ page }) => {
  const { email } = await signUp(page, 'Alan Turing');
  await logOut(page);
  await page.goto('/datasets?tab=owned');
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/datasets\?tab=owned$/);
});

for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example']) {
  test(`a return path of ${evil} stays on the site`, async ({ page, baseURL }) => {
    const { email } = await signUp(page, 'Mallory Target');
    await logOut(page);
    await page.goto(`/login?callbackUrl=${encodeURIComponent(evil)}`);
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page).toHaveURL(`${baseURL}/datasets`);
  });
}

test('/ goes to log in when anonymous and to the datasets when signed in', async ({ page, baseURL }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await signUp(page, 'Root Visitor');
  await page.goto('/');
  await expect(page).toHaveURL(`${baseURL}/datasets`);
});

test('a malformed session cookie is treated as anonymous', async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: 'authjs.session-token', value: 'garbage.not.a.jwt', url: baseURL! }]);
  const response = await page.goto('/datasets');
  expect(response?.status()).toBeLessThan(500);
  await expect(page).toHaveURL(/\/login/);
});

test('security headers and cookie flags', async ({ page, context }) => {
  const response = await page.goto('/forgot-password');
  const headers = response!.headers();
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  // Log-in may return to an invitation link, whose token must not leak through Referer.
  expect((await page.goto('/login'))!.headers()['referrer-policy']).toBe('no-referrer');
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  await signUp(page, 'Cookie Checker');
  const cookie = (await context.cookies()).find((c) => c.name.endsWith('authjs.session-token'));
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Lax');
});

test('changing the password ends the other sessions', async ({ page, browser }) => {
  const { email } = await signUp(page, 'Pat Password');
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await other.goto('/login');
  await other.getByRole('textbox', { name: 'Email' }).fill(email);
  await other.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await other.getByRole('button', { name: 'Log in' }).click();
  await expect(other.getByRole('heading', { name: 'Datasets', level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Pat Password' }).click();
  await page.getByRole('textbox', { name: 'Current password' }).fill('not my password');
  await page.getByRole('textbox', { name: 'New password' }).fill('a brand new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your current password is not correct.')).toBeVisible();
  await page.getByRole('textbox', { name: 'Current password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password was changed. Log in with the new one.')).toBeVisible();

  await other.reload();
  await expect(other).toHaveURL(/\/login/);
  await other.getByRole('textbox', { name: 'Email' }).fill(email);
  await other.getByRole('textbox', { name: 'Password' }).fill('a brand new password');
  await other.getByRole('button', { name: 'Log in' }).click();
  await expect(other.getByRole('heading', { name: 'Datasets', level: 1 })).toBeVisible();
  await otherContext.close();
});

test('repeated failed logins for one email are slowed down, even with the right password', async ({ page }) => {
  const { email } = await signUp(page, 'Tess Throttle');
  await logOut(page);
  for (let i = 0; i < 5; i++) {
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(`wrong password ${i}`);
    // Wait for this attempt's answer, so each one is counted before the next.
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
      page.getByRole('button', { name: 'Log in' }).click(),
    ]);
    await expect(page.getByTestId('form-message')).toHaveText('Incorrect email or password.');
    // A failed attempt clears the password field once the page has taken the answer in; typing before
    // that would be wiped (the message above may still be the previous attempt's).
    await expect(page.getByRole('textbox', { name: 'Password' })).toHaveValue('');
  }
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('form-message')).toHaveText(/^Too many failed attempts\. Try again in \d+ seconds\.$/);
  await expect(page).toHaveURL(/\/login/);
});

/** One HTTP exchange from a chosen loopback source address (a "client" other than the browser's). */
function fromAddress(localAddress: string, url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

test('a rotating X-Forwarded-For does not dodge the per-address login throttle (no TRUST_PROXY)', async ({ baseURL }) => {
  // Its own loopback source address, so the throttle it triggers touches no other test.
  const source = `127.0.${Math.floor(Math.random() * 200) + 20}.${Math.floor(Math.random() * 200) + 20}`;
  const csrf = await fromAddress(source, `${baseURL}/api/auth/csrf`);
  const cookie = (csrf.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const attempt = (i: number) =>
    fromAddress(source, `${baseURL}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': `10.9.${i}.${i}` },
      body: new URLSearchParams({ email: `spray-${i}-${crypto.randomUUID().slice(0, 6)}@example.test`, password: 'wrong password', csrfToken }).toString(),
    });
  const outcomes: string[] = [];
  for (let i = 0; i < 25; i++) outcomes.push(String((await attempt(i)).headers.location ?? ''));
  // Each address gets 20 free failures; after that the answer says to wait, whatever the header claims.
  expect(outcomes.slice(0, 20).every((l) => !l.includes('throttled'))).toBe(true);
  expect(outcomes.slice(21).every((l) => /code=throttled%3A\d+|code=throttled:\d+/.test(l))).toBe(true);
});
