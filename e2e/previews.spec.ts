import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { createDataset } from './fixtures/datasets';
import { signUp } from './fixtures/users';

test('the README is the dataset card; clicking a file opens its preview, not a download', async ({ page }) => {
  await signUp(page, 'Pia Preview');
  const name = `Pets ${Date.now()}`;
  await createDataset(page, name);
  const readme = '# Pets 5k\n\nCats and dogs, labelled.\n\n<script>document.title="pwned"</script>\n\n[evil](javascript:alert(1)) · [train split](train.csv)\n\n| split | rows |\n|---|---|\n| train | 4000 |';
  const csv = 'id,label,score\n1,cat,0.91\n2,dog,0.45\n3,cat,0.77\n';
  await page.getByLabel('Upload files').setInputFiles([
    { name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from(readme) },
    { name: 'train.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
  ]);
  const files = page.getByRole('region', { name: 'Files' });
  await expect(files.getByRole('link', { name: 'train.csv', exact: true })).toBeVisible();
  await page.reload();

  // The card: rendered Markdown, no script ran, the unsafe link is gone, the relative one opens the file's page.
  const card = page.getByRole('region', { name: 'README.md' });
  await expect(card.getByRole('heading', { name: 'Pets 5k' })).toBeVisible();
  await expect(card.getByRole('cell', { name: '4000' })).toBeVisible();
  expect(await page.title()).toBe(`${name} · Trove`);
  await expect(card.getByRole('link', { name: 'evil' })).toHaveCount(0);

  await card.getByRole('link', { name: 'train split' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'train.csv' })).toBeVisible();
  const table = page.getByRole('region', { name: 'First rows of train.csv' });
  await expect(table.getByRole('columnheader', { name: /label\s*string/ })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: /score\s*float/ })).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(page.getByText('3 rows × 3 columns.')).toBeVisible();

  // From the file browser too, with Download still one click away.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
  await files.getByRole('link', { name: 'README.md', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Pets 5k' })).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download README.md' }).click()]);
  expect(download.suggestedFilename()).toBe('README.md');

  // Search the whole dataset by path.
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name }).click();
  await files.getByRole('searchbox', { name: 'Search files' }).fill('TRAIN');
  await files.getByRole('searchbox', { name: 'Search files' }).press('Enter');
  await expect(files.getByText('1 match for “TRAIN”.')).toBeVisible();
  await expect(files.getByRole('link', { name: 'train.csv', exact: true })).toBeVisible();
  await expect(files.getByRole('link', { name: 'README.md', exact: true })).toHaveCount(0);
  await files.getByRole('link', { name: 'Clear search' }).click();
  await expect(files.getByRole('link', { name: 'README.md', exact: true })).toBeVisible();

  // The whole dataset as one .zip, streamed.
  const [zip] = await Promise.all([page.waitForEvent('download'), files.getByRole('link', { name: 'Download folder' }).click()]);
  expect(zip.suggestedFilename()).toBe(`${name}.zip`);
  const bytes = fs.readFileSync((await zip.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.includes(Buffer.from(csv))).toBe(true); // stored, not compressed: the CSV's bytes are in there as they are
});
