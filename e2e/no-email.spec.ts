import { expect, test } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { PASSWORD, signUp, uniqueEmail } from './fixtures/users';

// Runs against a server started without RESEND_API_KEY (E2E_NO_EMAIL=1): the inviter gets the links.
test('without email configured, the share panel shows each new link and it works', async ({ page, browser }) => {
  await signUp(page, 'Nora Nomail');
  const name = `No email ${Date.now()}`;
  const url = await createDataset(page, name);
  const invitee = uniqueEmail('walt');
  const dialog = await share(page, name, `${invitee}, not-valid@`);
  await expect(dialog.getByText(`${invitee} — invited`)).toBeVisible();
  const link = await dialog.getByRole('textbox', { name: new RegExp(`send this link to ${invitee}`) }).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await expect(dialog.getByRole('textbox', { name: /send this link/ })).toHaveCount(1);

  const other = await (await browser.newContext()).newPage();
  await other.goto(link);
  await other.getByRole('link', { name: 'Sign up' }).click();
  await other.getByRole('textbox', { name: 'Name' }).fill('Walt');
  await other.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await other.getByRole('button', { name: 'Create account' }).click();
  // Signing up from the link with the invited address accepts in the same step (no second click).
  await expect(other).toHaveURL(url);

  // The inviter now sees them among the people with access.
  await page.keyboard.press('Escape');
  await page.reload();
  await expect(page.getByRole('region', { name: 'People with access' }).getByRole('combobox', { name: `Role for ${invitee}` })).toHaveValue('viewer');
});
