import { expect, test } from '@playwright/test';
import { withSql } from './fixtures/db';
import { invitationLinkFor } from './fixtures/email';
import { signUp, uniqueEmail } from './fixtures/users';

// Letting 72 hours pass needs SQL on the app's database, so this spec runs where the app uses PostgreSQL (CI does).
test('an expired invitation says so, and Extend revives the same link', async ({ page, browser }) => {
  const { name: ownerName } = await signUp(page, 'Ezra Extender');
  const name = `Expiry set ${Date.now()}`;
  await page.goto('/datasets/new');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await page.getByRole('button', { name: 'Share' }).click();
  const invitee = uniqueEmail('late');
  await page.getByRole('textbox', { name: 'Recipients' }).fill(invitee);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  await expect(page.getByText(`${invitee} — invited`)).toBeVisible();
  const link = await invitationLinkFor(invitee);

  await withSql((sql) => sql`update invitations set expires_at = now() - interval '1 minute' where email = ${invitee}`);
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(link);
  await expect(visitor.getByRole('heading', { name: 'This invitation has expired' })).toBeVisible();
  await expect(visitor.getByText(`Ask ${ownerName} to extend it`)).toBeVisible();

  await page.reload();
  await expect(page.getByText('expired', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: `Extend invitation for ${invitee}` }).click();
  await expect(page.getByText('expires in 3 days')).toBeVisible();
  await visitor.reload();
  await expect(visitor.getByRole('heading', { name: 'You’re invited' })).toBeVisible();
});
