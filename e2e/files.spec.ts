import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createDataset } from './fixtures/datasets';
import { signUp } from './fixtures/users';

const files = (page: Page) => page.getByRole('region', { name: 'Files' });
// A file's name opens its page; the row's own "Download" link (described by the name) downloads it.
const downloadLink = (section: Locator, name: string) =>
  section.getByRole('row').filter({ has: section.page().getByRole('link', { name, exact: true }) }).getByRole('link', { name: 'Download', exact: true });

test('upload, browse, download, create folder, rename, delete; strangers get 404', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await signUp(page, 'Fiona Files');
  const name = `Files ${Date.now()}`;
  const datasetUrl = await createDataset(page, name, 'Files spec');
  const datasetId = datasetUrl.split('/').pop()!;
  const section = files(page);
  await expect(section.getByText('This folder is empty')).toBeVisible();

  // Two files at once, one with a non-ASCII name and spaces.
  const alpha = Buffer.from('alpha,beta\n' + 'x'.repeat(100_000) + '\n');
  const unicodeName = 'données 2024.csv';
  await section.getByLabel('Upload files').setInputFiles([
    { name: 'alpha.txt', mimeType: 'text/plain', buffer: alpha },
    { name: unicodeName, mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
  ]);
  await expect(section.getByRole('progressbar', { name: 'alpha.txt' })).toBeVisible();
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 2 uploaded.' })).toBeVisible();
  await expect(section.getByRole('link', { name: 'alpha.txt', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: unicodeName, exact: true })).toBeVisible();

  // A whole folder, with a sub-folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-e2e-'));
  fs.mkdirSync(path.join(dir, 'photos', 'raw'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'photos', 'cat.txt'), 'meow');
  fs.writeFileSync(path.join(dir, 'photos', 'raw', 'dog.txt'), 'woof');
  await section.getByLabel('Upload folder').setInputFiles(path.join(dir, 'photos'));
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 2 uploaded.' })).toBeVisible();
  await expect(section.getByRole('link', { name: 'photos', exact: true })).toBeVisible();

  // Download from the row: the same bytes, the file's name.
  const [download] = await Promise.all([page.waitForEvent('download'), downloadLink(section, 'alpha.txt').click()]);
  expect(download.suggestedFilename()).toBe('alpha.txt');
  expect(fs.readFileSync((await download.path())!)).toEqual(alpha);
  const [download2] = await Promise.all([page.waitForEvent('download'), downloadLink(section, unicodeName).click()]);
  expect(download2.suggestedFilename()).toBe(unicodeName);

  // Headers and ranges, with the page's session.
  const href = (await downloadLink(section, 'alpha.txt').getAttribute('href'))!;
  const full = await page.request.get(href);
  expect(full.status()).toBe(200);
  expect(full.headers()['content-disposition']).toBe(`attachment; filename="alpha.txt"; filename*=UTF-8''alpha.txt`);
  expect(full.headers()['x-content-type-options']).toBe('nosniff');
  expect(full.headers()['content-security-policy']).toBe('sandbox');
  expect(full.headers()['accept-ranges']).toBe('bytes');
  // Next drops Content-Length from route handlers; the Node layer of scripts/start.mjs restores it, so
  // browsers show a download's total size.
  expect(full.headers()['content-length']).toBe(String(alpha.length));
  expect(full.headers()['x-trove-content-length']).toBeUndefined();
  expect(full.headers()['content-encoding']).toBeUndefined();
  expect(full.headers()['cache-control']).toContain('no-store');
  for (const [start, end] of [[0, 9], [50_000, 50_099], [alpha.length - 5, alpha.length - 1], [6, 9]]) {
    const part = await page.request.get(href, { headers: { Range: `bytes=${start}-${end}` } });
    expect(part.status()).toBe(206);
    expect(part.headers()['content-range']).toBe(`bytes ${start}-${end}/${alpha.length}`);
    expect(part.headers()['content-length']).toBe(String(end - start + 1));
    expect(await part.body()).toEqual(alpha.subarray(start, end + 1));
  }
  expect((await page.request.get(href, { headers: { Range: `bytes=${alpha.length}-` } })).status()).toBe(416);

  // Into the folder and back by the breadcrumb.
  await section.getByRole('link', { name: 'photos', exact: true }).click();
  await expect(page).toHaveURL(/\?path=photos$/);
  await expect(section.getByRole('link', { name: 'raw', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: 'cat.txt', exact: true })).toBeVisible();
  const crumbs = section.getByRole('navigation', { name: 'Breadcrumb' });
  await crumbs.getByRole('link', { name }).click();
  await expect(section.getByRole('link', { name: 'alpha.txt', exact: true })).toBeVisible();

  // New folder.
  await section.getByRole('button', { name: 'New folder' }).click();
  await section.getByRole('textbox', { name: 'Folder name' }).fill('reports');
  await section.getByRole('button', { name: 'Create folder' }).click();
  await expect(section.getByRole('link', { name: 'reports', exact: true })).toBeVisible();

  // Rename a file; a taken name is refused in the dialog.
  await section.getByRole('button', { name: `Rename ${unicodeName}` }).click();
  const rename = page.getByRole('dialog', { name: `Rename ${unicodeName}` });
  await rename.getByRole('textbox', { name: 'New name' }).fill('alpha.txt');
  await rename.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(rename.getByText('already exists')).toBeVisible();
  await rename.getByRole('textbox', { name: 'New name' }).fill('renamed.csv');
  await rename.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(section.getByRole('link', { name: 'renamed.csv', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: unicodeName, exact: true })).toHaveCount(0);

  // Delete a file after confirming.
  await section.getByRole('button', { name: 'Delete alpha.txt' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete alpha.txt' });
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(section.getByRole('link', { name: 'alpha.txt', exact: true })).toHaveCount(0);
  expect((await page.request.get(href)).status()).toBe(404);

  // On a phone the table folds: names and row actions stay reachable, nothing scrolls sideways.
  await page.setViewportSize({ width: 375, height: 740 });
  await expect(section.getByRole('link', { name: 'renamed.csv', exact: true })).toBeVisible();
  await expect(section.getByRole('button', { name: 'Delete renamed.csv' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await page.screenshot({ path: test.info().outputPath('phone.png'), fullPage: true });

  // Uploads refuse cross-site requests and anonymous callers.
  const renamedHref = (await downloadLink(section, 'renamed.csv').getAttribute('href'))!;
  const evil = await page.request.put(renamedHref, { data: 'pwned', headers: { Origin: 'https://evil.example', 'Content-Type': 'text/plain' } });
  expect(evil.status()).toBe(403);
  const anon = await browser.newContext({ baseURL });
  expect((await anon.request.get(renamedHref)).status()).toBe(401);
  await anon.close();

  // Another user sees the same 404 as for a dataset that does not exist, for the page and the file.
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await signUp(otherPage, 'Oscar Other');
  await otherPage.goto(`/datasets/${datasetId}`);
  await expect(otherPage.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  expect((await otherPage.request.get(renamedHref)).status()).toBe(404);
  expect((await otherPage.request.put(renamedHref, { data: 'x' })).status()).toBe(404);
  await other.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('files dropped onto the Files section upload like picked ones', async ({ page }) => {
  await signUp(page, 'Drew Dropper');
  await createDataset(page, `Drop ${Date.now()}`);
  const section = files(page);
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
    dt.items.add(new File(['second'], 'second.txt', { type: 'text/plain' }));
    return dt;
  });
  const zone = section.getByText('Or drop files and folders here');
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 2 uploaded.' })).toBeVisible();
  await expect(section.getByRole('link', { name: 'dropped.txt', exact: true })).toBeVisible();
  const body = await page.request.get((await downloadLink(section, 'dropped.txt').getAttribute('href'))!);
  expect(await body.text()).toBe('dropped bytes');
});

test('a slow upload shows speed and time left, warns before leaving, can be cancelled and retried', async ({ page }) => {
  await signUp(page, 'Ulla Upload');
  await createDataset(page, `Slow ${Date.now()}`);
  const section = files(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  await section.getByLabel('Upload files').setInputFiles([
    { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(6 * 1024 * 1024, 7) },
    { name: 'small.txt', mimeType: 'text/plain', buffer: Buffer.from('small') },
  ]);
  await expect(section.getByRole('progressbar', { name: 'All uploads' })).toBeVisible();
  await expect(section.getByText(/\/s · about .+ left/)).toBeVisible();
  // Leaving the page now would drop the upload: the page asks first.
  expect(await page.evaluate(() => {
    const e = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(e);
    return e.defaultPrevented;
  })).toBe(true);

  await section.getByRole('button', { name: 'Cancel big.bin' }).click();
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 1 uploaded, 1 cancelled.' })).toBeVisible();
  await expect(section.getByRole('link', { name: 'small.txt', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: 'big.bin', exact: true })).toHaveCount(0);

  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await section.getByRole('button', { name: 'Retry big.bin' }).click();
  await expect(section.getByRole('link', { name: 'big.bin', exact: true })).toBeVisible();
});
