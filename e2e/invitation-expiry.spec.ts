import { expect, test } from '@playwright/test';
import { withSql } from './fixtures/db';
import { invitationLinkFor } from './fixtures/email';
import { createDataset, share } from './fixtures/datasets';
import { signUp, uniqueEmail } from './fixtures/users';

// Letting 72 hours (or a 5-minute resend cooldown) pass needs SQL on the app's database, so this spec runs where the app uses PostgreSQL (CI does).
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

test('resend waits out the cooldown, then kills the old link; a different account cannot accept', async ({ page, browser }) => {
  await signUp(page, 'Rita Resender');
  const name = `Resend set ${Date.now()}`;
  await createDataset(page, name);
  const invitee = uniqueEmail('sam');
  await share(page, name, invitee);
  await page.keyboard.press('Escape');
  const oldLink = await invitationLinkFor(invitee, 1);
  await page.reload();
  // One email per recipient per 5 minutes: a Resend right away is refused and sends nothing.
  await page.getByRole('button', { name: `Resend invitation to ${invitee}` }).click();
  await expect(page.getByText(`An invitation was sent to ${invitee} less than 5 minutes ago`)).toBeVisible();
  await withSql((sql) => sql`update invitations set updated_at = now() - interval '6 minutes' where email = ${invitee}`);
  await page.getByRole('button', { name: `Resend invitation to ${invitee}` }).click();
  const newLink = await invitationLinkFor(invitee, 2);
  expect(newLink).not.toBe(oldLink);

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await other.goto(oldLink);
  await expect(other.getByRole('heading', { name: 'This invitation link is not valid' })).toBeVisible();
  await signUp(other, 'Wrong Person');
  await other.goto(newLink);
  await expect(other.getByRole('heading', { name: 'This invitation is for someone else' })).toBeVisible();
  await expect(other.getByRole('button', { name: 'Accept invitation' })).toHaveCount(0);
  await otherContext.close();

  await page.getByRole('button', { name: `Revoke invitation for ${invitee}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(page.getByRole('button', { name: `Revoke invitation for ${invitee}` })).toHaveCount(0);
  const anon = await browser.newContext();
  const anonPage = await anon.newPage();
  await anonPage.goto(newLink);
  await expect(anonPage.getByRole('heading', { name: 'This invitation was revoked' })).toBeVisible();
  await anon.close();
});
