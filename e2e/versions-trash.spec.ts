import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { signUp } from './fixtures/users';

// Issue 11 (4): an overwrite keeps the old content as a version ("Versions of <name>", Restore);
// a delete moves the file to the dataset's Trash (Restore <name>, Empty trash).

const SHOTS = process.env.E2E_SHOTS_DIR;
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};
const files = (page: Page) => page.getByRole('region', { name: 'Files' });
const row = (section: Locator, name: string) => section.getByRole('row').filter({ has: section.page().getByRole('link', { name, exact: true }) });

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), what).toEqual([]);
}

async function upload(page: Page, name: string, content: string) {
  const section = files(page);
  await section.getByLabel('Upload files').setInputFiles([{ name, mimeType: 'text/csv', buffer: Buffer.from(content) }]);
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 1 uploaded.' })).toBeVisible();
  await page.reload();
}

test('an overwrite keeps a version: the Versions dialog lists, downloads and restores it', async ({ page }) => {
  await signUp(page, 'Vera Versions');
  const name = `Versions ${Date.now()}`;
  const url = await createDataset(page, name);
  await upload(page, 'data.csv', 'a,b\n1,2\n');
  // The review's case: an empty upload over data.csv.
  await upload(page, 'data.csv', '');
  await expect(page.getByText('(8 B of it in earlier versions and the Trash)')).toBeVisible();

  await row(files(page), 'data.csv').getByRole('button', { name: 'Versions of data.csv' }).click();
  const dialog = page.getByRole('dialog', { name: 'Versions of data.csv' });
  const rows = dialog.getByRole('row');
  await expect(rows).toHaveCount(3); // header, current, one earlier version
  await expect(rows.nth(1)).toContainText('Current');
  await expect(rows.nth(1)).toContainText('0 B');
  await expect(rows.nth(2)).toContainText('8 B');
  await expect(rows.nth(2)).toContainText('Vera Versions');
  await expectNoViolations(page, 'versions dialog');
  await shot(page, 'versions-dialog');

  const [download] = await Promise.all([page.waitForEvent('download'), rows.nth(2).getByRole('link', { name: /^Download/ }).click()]);
  expect(download.suggestedFilename()).toBe('data.csv');
  expect(fs.readFileSync((await download.path())!, 'utf8')).toBe('a,b\n1,2\n');

  await rows.nth(2).getByRole('button', { name: /^Restore/ }).click();
  await expect(dialog.getByRole('status')).toContainText('The content it replaced is kept as a version.');
  await expect(rows.nth(1)).toContainText('8 B');
  await expect(rows.nth(2)).toContainText('0 B');
  await shot(page, 'versions-restored');
  await dialog.getByRole('button', { name: 'Close' }).click();
  const current = await page.request.get(`${url.replace(/\/datasets\//, '/api/datasets/')}/files/data.csv`);
  expect(await current.text()).toBe('a,b\n1,2\n');
});

test('a delete goes to the Trash: restore it, then empty the Trash', async ({ page }) => {
  await signUp(page, 'Tom Trash');
  const url = await createDataset(page, `Trash ${Date.now()}`);
  const datasetId = url.split('/').pop()!;
  await upload(page, 'old.csv', 'x,y\n');
  const section = files(page);
  await row(section, 'old.csv').getByRole('button', { name: 'Delete old.csv' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete old.csv' });
  await expect(confirm).toContainText('Trash');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(section.getByText('This folder is empty')).toBeVisible();
  // Trashed files are invisible to downloads.
  expect((await page.request.get(`/api/datasets/${datasetId}/files/old.csv`)).status()).toBe(404);

  await section.getByRole('link', { name: 'Trash', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Trash', exact: true })).toBeVisible();
  const trash = page.getByRole('region', { name: 'Deleted files and folders' });
  await expect(trash.getByRole('row')).toHaveCount(2);
  await expect(trash).toContainText('old.csv');
  await expect(trash).toContainText('Tom Trash');
  await expectNoViolations(page, 'trash page');
  await shot(page, 'trash');

  await trash.getByRole('button', { name: 'Restore old.csv' }).click();
  await expect(trash.getByRole('status')).toContainText('Restored old.csv.');
  await expect(trash.getByText('The Trash is empty')).toBeVisible();
  await page.goto(url);
  await expect(files(page).getByRole('link', { name: 'old.csv', exact: true })).toBeVisible();
  expect(await (await page.request.get(`/api/datasets/${datasetId}/files/old.csv`)).text()).toBe('x,y\n');

  // Delete again, then empty the Trash (with confirmation).
  await row(files(page), 'old.csv').getByRole('button', { name: 'Delete old.csv' }).click();
  await page.getByRole('dialog', { name: 'Delete old.csv' }).getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(files(page).getByText('This folder is empty')).toBeVisible();
  await page.goto(`${url}/trash`);
  await trash.getByRole('button', { name: 'Empty trash' }).click();
  const emptyDialog = page.getByRole('dialog', { name: 'Empty trash' });
  await expect(emptyDialog).toContainText('cannot be undone');
  await expectNoViolations(page, 'empty trash dialog');
  await shot(page, 'empty-trash-dialog');
  await emptyDialog.getByRole('button', { name: 'Empty trash' }).click();
  await expect(trash.getByRole('status')).toContainText('The Trash is empty: 1 file (4 B) deleted for good.');
  await expect(trash.getByText('The Trash is empty', { exact: true })).toBeVisible();
  await page.goto(url);
  await expect(page.getByText('of it in earlier versions and the Trash')).toHaveCount(0);
  await shot(page, 'dataset-after');
});

test('a viewer sees and downloads versions but cannot restore, and has no Trash', async ({ page, browser }) => {
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  const { email } = await signUp(viewer, 'Vince Viewer');
  await signUp(page, 'Owen Owner');
  const name = `Viewer versions ${Date.now()}`;
  const url = await createDataset(page, name);
  await upload(page, 'model.txt', 'v1');
  await upload(page, 'model.txt', 'v2!');
  await share(page, name, email, 'Viewer');

  await viewer.goto('/invitations');
  await viewer.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Accept' }).click();
  await expect(viewer.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(files(viewer).getByRole('link', { name: 'Trash', exact: true })).toHaveCount(0);
  await row(files(viewer), 'model.txt').getByRole('button', { name: 'Versions of model.txt' }).click();
  const dialog = viewer.getByRole('dialog', { name: 'Versions of model.txt' });
  await expect(dialog.getByRole('row')).toHaveCount(3);
  await expect(dialog.getByRole('button', { name: /^Restore/ })).toHaveCount(0);
  const href = (await dialog.getByRole('row').nth(2).getByRole('link', { name: /^Download/ }).getAttribute('href'))!;
  expect(await (await viewer.request.get(href)).text()).toBe('v1');
  await shot(viewer, 'viewer-versions');
  // The Trash page is a 404 for them, like for a stranger.
  expect((await viewer.request.get(`${url}/trash`)).status()).toBe(404);
  await viewerContext.close();
});
