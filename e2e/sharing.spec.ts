import { expect, test } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { invitationLinkFor } from './fixtures/email';
import { PASSWORD, signUp, uniqueEmail } from './fixtures/users';

test('invite by email, sign up through the link, accept, then role change, removal', async ({ page, browser }) => {
  await signUp(page, 'Olive Owner');
  const name = `Shared set ${Date.now()}`;
  const datasetUrl = await createDataset(page, name);
  await page.getByLabel('Upload files').setInputFiles({ name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(page.getByRole('link', { name: 'hello.txt' })).toBeVisible();

  const invitee = uniqueEmail('ivy');
  const dialog = await share(page, name, invitee, 'Viewer');
  await expect(dialog.getByText(`${invitee} — invited`)).toBeVisible();
  await page.keyboard.press('Escape');

  const link = await invitationLinkFor(invitee);
  const ivyContext = await browser.newContext();
  const ivy = await ivyContext.newPage();
  await ivy.goto(link);
  await expect(ivy.getByText('You’re invited')).toBeVisible();
  await ivy.getByRole('link', { name: 'Sign up' }).click();
  await expect(ivy.getByRole('textbox', { name: 'Email' })).toHaveValue(invitee);
  await ivy.getByRole('textbox', { name: 'Name' }).fill('Ivy Invitee');
  await ivy.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await ivy.getByRole('button', { name: 'Create account' }).click();
  // Signing up from the link with the invited address accepts in the same step (no second click).
  await expect(ivy).toHaveURL(datasetUrl);
  await expect(ivy.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(ivy.getByRole('link', { name: 'hello.txt' })).toBeVisible();
  await expect(ivy.getByLabel('Upload files')).toHaveCount(0);
  await expect(ivy.getByRole('button', { name: 'Share' })).toHaveCount(0);

  // Role change to Editor: Ivy can upload on her next page load.
  await page.reload();
  const people = page.getByRole('region', { name: 'People with access' });
  await people.getByRole('combobox', { name: `Role for ${invitee}` }).selectOption({ label: 'Editor' });
  // The activity log is the Activity tab (managers and owner).
  await page.getByRole('navigation', { name: 'Dataset sections' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByText(`changed ${invitee}’s role to editor`)).toBeVisible();
  await page.getByRole('navigation', { name: 'Dataset sections' }).getByRole('link', { name: 'Overview' }).click();
  await ivy.reload();
  await ivy.getByLabel('Upload files').setInputFiles({ name: 'ivy.txt', mimeType: 'text/plain', buffer: Buffer.from('from ivy') });
  await expect(ivy.getByRole('link', { name: 'ivy.txt' })).toBeVisible();

  // Removal: her next page load is the 404 page.
  await people.getByRole('button', { name: `Remove ${invitee}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(people.getByRole('button', { name: `Remove ${invitee}` })).toHaveCount(0);
  await ivy.reload();
  await expect(ivy.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await ivyContext.close();
});

test('the invitations inbox accepts and declines; bulk share reports per recipient', async ({ page, browser }) => {
  const inviteeContext = await browser.newContext();
  const invitee = await inviteeContext.newPage();
  const { email } = await signUp(invitee, 'Nina Inbox');

  await signUp(page, 'Bulk Sharer');
  const first = `Inbox one ${Date.now()}`;
  await createDataset(page, first);
  const dialog = await share(page, first, `${email}, not-an-email@, ${uniqueEmail('x')}`);
  await expect(dialog.getByText(`${email} — invited`)).toBeVisible();
  await expect(dialog.getByText('not-an-email@ — not a valid email')).toBeVisible();
  await page.keyboard.press('Escape');
  const second = `Inbox two ${Date.now()}`;
  await createDataset(page, second);
  await share(page, second, email, 'Editor');

  await invitee.goto('/invitations');
  await expect(invitee.getByRole('link', { name: /Invitations\s*2 pending/ })).toBeVisible();
  const rowOne = invitee.getByRole('listitem').filter({ hasText: first });
  const rowTwo = invitee.getByRole('listitem').filter({ hasText: second });
  await rowTwo.getByRole('button', { name: 'Decline' }).click();
  await expect(rowTwo).toHaveCount(0);
  await rowOne.getByRole('button', { name: 'Accept' }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: first })).toBeVisible();
  await invitee.goto('/datasets?filter=shared');
  await expect(invitee.getByRole('link', { name: first })).toBeVisible();
  await expect(invitee.getByRole('link', { name: second })).toHaveCount(0);
  await inviteeContext.close();
});
