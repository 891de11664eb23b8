import { expect, test } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { accountLinkFor, emailsTo, invitationLinkFor } from './fixtures/email';
import { logIn, logOut, PASSWORD, signUp, submitSignUp, uniqueEmail, verifyEmail } from './fixtures/users';

// Needs the fake Resend API (verification and reset links arrive by email): playwright.config.ts leaves
// it out of the no-email run.

test('sign up → verification email → verified; until then no invitations are listed', async ({ page }) => {
  const email = uniqueEmail('vera');
  await submitSignUp(page, 'Vera Verify', email);
  await expect(page.getByText(email)).toBeVisible();

  // Logging in before verifying works, but the address is not trusted yet.
  await logIn(page, email);
  await expect(page.getByRole('link', { name: 'Verify your email' })).toBeVisible();
  await page.goto('/invitations');
  await expect(page.getByText('Verify your email address to see invitations sent to it')).toBeVisible();
  await page.getByRole('button', { name: 'Resend verification email' }).click();
  await expect(page.getByText(`Sent to ${email}.`)).toBeVisible();
  await expect.poll(async () => (await emailsTo(email)).length).toBe(2);

  await verifyEmail(page, email);
  await expect(page).toHaveURL(/\/invitations$/);
  await expect(page.getByText('No pending invitations.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Verify your email' })).toHaveCount(0);

  // The link worked once.
  await page.goto(await accountLinkFor(email, '/verify-email/'));
  await expect(page.getByRole('heading', { name: 'This verification link was already used' })).toBeVisible();
  const bad = await page.goto('/verify-email/not-a-token');
  expect(bad?.status()).toBe(200);
  expect(bad?.headers()['referrer-policy']).toBe('no-referrer');
  await expect(page.getByRole('heading', { name: 'This verification link is not valid' })).toBeVisible();
});

test('forgot password end to end: the link sets a new password, logs in here and out everywhere else', async ({ page, browser }) => {
  const { email } = await signUp(page, 'Fern Forgetful');
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await logIn(other, email);
  await logOut(page);

  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText(`If ${email} has a Trove account, a reset link is on its way.`)).toBeVisible();
  // The same answer for an address with no account.
  await page.getByRole('textbox', { name: 'Email' }).fill(uniqueEmail('nobody'));
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText(/If nobody-.* has a Trove account, a reset link is on its way\./)).toBeVisible();

  const link = await accountLinkFor(email, '/reset-password/');
  const res = await page.goto(link);
  expect(res?.headers()['referrer-policy']).toBe('no-referrer');
  await page.getByRole('textbox', { name: 'New password' }).fill('a whole new password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('heading', { name: 'Datasets', level: 1 })).toBeVisible();

  await other.reload();
  await expect(other).toHaveURL(/\/login/);
  await elsewhere.close();

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This reset link was already used' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Send a new reset link' })).toBeVisible();
  await page.goto('/datasets');
  await logOut(page);
  await logIn(page, email, 'a whole new password');
});

test('a session cookie copied before Log out no longer works after it', async ({ page, browser, baseURL }) => {
  await signUp(page, 'Cody Copy');
  const copied = (await page.context().cookies()).filter((c) => c.name.includes('authjs.session-token'));
  expect(copied.length).toBeGreaterThan(0);
  await logOut(page);

  const thief = await browser.newContext();
  await thief.addCookies(copied.map((c) => ({ name: c.name, value: c.value, url: baseURL!, httpOnly: c.httpOnly, sameSite: c.sameSite })));
  const t = await thief.newPage();
  await t.goto('/datasets');
  await expect(t).toHaveURL(/\/login/);
  await thief.close();
});

test('account page: change the name, list sessions, log out the other ones', async ({ page, browser }) => {
  const { email } = await signUp(page, 'Sam Sessions');
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await logIn(other, email);

  await page.getByRole('link', { name: 'Sam Sessions' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill('Samantha Sessions');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByText('Name saved.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Samantha Sessions' })).toBeVisible();

  const list = page.getByRole('list', { name: 'Active sessions' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByText('this device')).toHaveCount(1);
  await page.getByRole('button', { name: 'Log out other sessions' }).click();
  await expect(page.getByText('Logged out 1 other session.')).toBeVisible();
  await other.reload();
  await expect(other).toHaveURL(/\/login/);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')).toHaveCount(1);
  await elsewhere.close();
});

test('signing up with an address that has an account tells its owner, and logging in from an invitation link accepts at once', async ({ page, browser }) => {
  const { email } = await signUp(page, 'Owen Owner');
  const name = `Login accept ${Date.now()}`;
  const url = await createDataset(page, name);

  const intruder = await (await browser.newContext()).newPage();
  await submitSignUp(intruder, 'Intruder', email, 'intruder password');
  await expect.poll(async () => (await emailsTo(email)).some((m) => /Someone tried to sign up/.test(m.subject))).toBe(true);

  // Lee already has an account; logging in from the invitation link lands on the dataset.
  const lee = await browser.newContext();
  const leePage = await lee.newPage();
  const { email: leeEmail } = await signUp(leePage, 'Lee Later');
  await logOut(leePage);
  const dialog = await share(page, name, leeEmail, 'Viewer');
  await expect(dialog.getByText(`${leeEmail} — invited`)).toBeVisible();
  const link = await invitationLinkFor(leeEmail);
  await leePage.goto(link);
  await leePage.getByRole('link', { name: 'Log in' }).click();
  await leePage.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await leePage.getByRole('button', { name: 'Log in' }).click();
  await expect(leePage).toHaveURL(url);
  await expect(leePage.getByRole('heading', { level: 1, name })).toBeVisible();
  await lee.close();
});
