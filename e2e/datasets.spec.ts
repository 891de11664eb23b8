import { expect, test } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { invitationLinkFor } from './fixtures/email';
import { signUp } from './fixtures/users';

test('the inventory: empty state, search, filters, and a shared dataset of the same name told apart', async ({ page, browser }) => {
  const { email: irisEmail } = await signUp(page, 'Iris Inventory');
  await expect(page.getByText('No datasets yet')).toBeVisible();
  await page.getByRole('link', { name: 'New dataset' }).last().click();
  await expect(page).toHaveURL(/\/datasets\/new$/);

  const stamp = Date.now();
  const birds = `Birds ${stamp}`;
  const fish = `Fish ${stamp}`;
  await createDataset(page, birds);
  await createDataset(page, fish);

  // Otto shares his own "Birds" with Iris; she accepts.
  const ottoContext = await browser.newContext();
  const otto = await ottoContext.newPage();
  await signUp(otto, 'Otto Other');
  await createDataset(otto, birds);
  await share(otto, birds, irisEmail);
  await ottoContext.close();
  await page.goto(await invitationLinkFor(irisEmail));
  await page.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: birds })).toBeVisible();

  await page.goto('/datasets');
  const rows = page.getByRole('row');
  const birdRows = rows.filter({ has: page.getByRole('link', { name: birds }) });
  await expect(birdRows).toHaveCount(2);
  await expect(birdRows.filter({ hasText: 'Shared' })).toContainText('Otto Other');
  await expect(birdRows.filter({ hasText: 'Shared' })).toContainText('Viewer');
  await expect(birdRows.filter({ hasNotText: 'Shared' })).toContainText('Owner');

  const search = page.getByRole('searchbox', { name: 'Search datasets' });
  await search.fill(`fish ${stamp}`);
  await search.press('Enter');
  await expect(page).toHaveURL(/q=fish/);
  await expect(page.getByRole('link', { name: fish })).toBeVisible();
  await expect(page.getByRole('link', { name: birds })).toHaveCount(0);
  await search.fill('no such dataset at all');
  await search.press('Enter');
  await expect(page.getByText('No datasets match.')).toBeVisible();

  await page.goto('/datasets');
  await page.getByRole('link', { name: 'Shared with me' }).click();
  await expect(page.getByRole('link', { name: 'Shared with me' })).toHaveAttribute('aria-current', 'page');
  await expect(rows.filter({ has: page.getByRole('link', { name: birds }) })).toHaveCount(1);
  await expect(page.getByRole('link', { name: fish })).toHaveCount(0);
  await page.getByRole('link', { name: 'Owned by me' }).click();
  await expect(page.getByRole('link', { name: fish })).toBeVisible();
  await expect(rows.filter({ hasText: 'Shared' })).toHaveCount(0);
});
