import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { invitationLinkFor } from './fixtures/email';
import { signUp } from './fixtures/users';

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), what).toEqual([]);
}

/** PUTs files through the upload API with the page's session, a few at a time. */
async function putFiles(page: Page, datasetId: string, files: { path: string; body: string }[]) {
  for (let i = 0; i < files.length; i += 8) {
    await Promise.all(
      files.slice(i, i + 8).map(async (f) => {
        const r = await page.request.put(`/api/datasets/${datasetId}/files/${f.path.split('/').map(encodeURIComponent).join('/')}`, { data: f.body, headers: { 'Content-Type': 'text/plain' } });
        expect(r.status(), f.path).toBeLessThan(300);
      }),
    );
  }
}

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Dataset sections' });
const files = (page: Page) => page.getByRole('region', { name: 'Files' });

test('sections are links with their own URLs; managers see Activity, the owner Settings, a viewer neither', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  await signUp(page, 'Hana Hub');
  const name = `Hub ${Date.now()}`;
  const url = await createDataset(page, name, 'Tabs spec');
  const id = url.split('/').pop()!;
  // The Overview holds what the details page always held: Share by the name, files, people.
  await expect(tabs(page).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('button', { name: 'Share', exact: true })).toBeVisible();
  await expect(files(page).getByLabel('Upload files')).toBeAttached();
  await expect(page.getByRole('region', { name: 'People with access' })).toBeVisible();
  // ...and, as PRODUCT §3.4/§5 describe it, the newest activity and the owner's settings.
  await expect(page.getByRole('heading', { level: 2, name: 'Activity', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete dataset' })).toBeVisible();

  for (const [label, path, heading] of [['Files', '/files', 'Files'], ['People', '/people', 'People with access'], ['Activity', '/activity', 'Activity'], ['Settings', '/settings', 'Dataset settings']] as const) {
    await tabs(page).getByRole('link', { name: label }).click();
    await expect(page).toHaveURL(`${url}${path}`);
    await expect(tabs(page).getByRole('link', { name: label })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await expectNoViolations(page, label);
  }
  // Each tab renders only its own section.
  await expect(page.getByRole('region', { name: 'People with access' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rename dataset' })).toBeVisible();
  await expect(page).toHaveTitle(`${name} · Trove`);

  // A viewer: no Share, no Activity or Settings tabs (their URLs 404), a link to who has access.
  const dialog = await share(page, name, 'hub-viewer-' + id.slice(0, 8) + '@example.test');
  await expect(dialog.getByText('invited')).toBeVisible();
  const ctx = await browser.newContext({ baseURL });
  const viewer = await ctx.newPage();
  await viewer.goto(await invitationLinkFor('hub-viewer-' + id.slice(0, 8) + '@example.test'));
  await viewer.getByRole('link', { name: 'Sign up' }).click();
  await viewer.getByRole('textbox', { name: 'Name' }).fill('Vic Viewer');
  await viewer.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await viewer.getByRole('button', { name: 'Create account' }).click(); // signing up from the link accepts it
  await expect(viewer.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(viewer.getByRole('button', { name: 'Share' })).toHaveCount(0);
  await expect(tabs(viewer).getByRole('link', { name: 'Activity' })).toHaveCount(0);
  await expect(tabs(viewer).getByRole('link', { name: 'Settings' })).toHaveCount(0);
  await viewer.getByRole('link', { name: 'Who has access' }).click();
  await expect(viewer).toHaveURL(`${url}/people`);
  await expect(viewer.getByRole('region', { name: 'People with access' }).getByText('Hana Hub')).toBeVisible();
  for (const p of ['/activity', '/settings']) {
    await viewer.goto(`${url}${p}`);
    await expect(viewer.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  }
  await ctx.close();
});

test('a big folder pages on the server, sorts by column links, selects, downloads and deletes a selection', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Paula Pager');
  const url = await createDataset(page, `Pager ${Date.now()}`);
  const id = url.split('/').pop()!;
  // 105 files in one folder; sizes grow with the number, so size order is the reverse of name order reversed.
  await putFiles(page, id, Array.from({ length: 105 }, (_, i) => ({ path: `big/f${String(i).padStart(3, '0')}.txt`, body: 'x'.repeat(i + 1) })));
  await page.goto(`${url}/files?path=big`);
  const section = files(page);
  await expect(section.getByRole('link', { name: 'f000.txt', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: 'f049.txt', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: 'f050.txt', exact: true })).toHaveCount(0);
  await expect(section.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
  const pages = section.getByRole('navigation', { name: 'Pages' });
  await pages.getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(section.getByRole('link', { name: 'f050.txt', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: 'f100.txt', exact: true })).toHaveCount(0);
  await pages.getByRole('link', { name: 'Next' }).click();
  await expect(page).toHaveURL(/page=3/);
  await expect(section.getByRole('link', { name: 'f104.txt', exact: true })).toBeVisible();
  await expect(section.getByRole('link', { name: 'f000.txt', exact: true })).toHaveCount(0);
  await expect(pages.getByRole('link', { name: 'Next' })).toHaveCount(0);
  await expectNoViolations(page, 'page 2');

  // Size, largest first: two clicks on the header link.
  await section.getByRole('columnheader', { name: /Size/ }).getByRole('link').click();
  await expect(section.getByRole('columnheader', { name: /Size/ })).toHaveAttribute('aria-sort', 'ascending');
  await section.getByRole('columnheader', { name: /Size/ }).getByRole('link').click();
  await expect(section.getByRole('columnheader', { name: /Size/ })).toHaveAttribute('aria-sort', 'descending');
  await expect(page).toHaveURL(/sort=size&dir=desc/);
  await expect(section.getByRole('row').nth(1)).toContainText('f104.txt');

  // Select two, download them as one .zip, then delete them after confirming.
  await section.getByRole('checkbox', { name: 'Select f104.txt' }).check();
  await section.getByRole('checkbox', { name: 'Select f103.txt' }).check();
  await expect(section.getByText('2 selected')).toBeVisible();
  await expectNoViolations(page, 'selection');
  const [zip] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Download selected' }).click()]);
  expect(zip.suggestedFilename()).toBe('big (selection).zip');
  const bytes = fs.readFileSync((await zip.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  expect(bytes.includes(Buffer.from('f104.txt'))).toBe(true);
  expect(bytes.includes(Buffer.from('f102.txt'))).toBe(false);

  await section.getByRole('button', { name: 'Delete selected' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete 2 selected items' });
  await expectNoViolations(page, 'delete selected dialog');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(section.getByRole('link', { name: 'f104.txt', exact: true })).toHaveCount(0);
  await expect(section.getByRole('link', { name: 'f103.txt', exact: true })).toHaveCount(0);
  await expect(section.getByRole('link', { name: 'f102.txt', exact: true })).toBeVisible();

  // Select all on this page picks exactly the page's rows.
  await section.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await expect(section.getByText('50 selected')).toBeVisible();

  // Activity: 105 uploads and a deletion, 50 a page with Older; filters by kind and person.
  await tabs(page).getByRole('link', { name: 'Activity' }).click();
  const activity = page.getByRole('region', { name: 'Activity' });
  await expect(activity.getByText('moved 2 selected files and folders in big/ to the Trash')).toBeVisible();
  // Consecutive file changes by one person make one group (the page holds 50 events).
  await expect(activity.getByText('Paula Pager · 50 changes')).toBeVisible();
  await activity.getByRole('link', { name: 'Older' }).click();
  await expect(page).toHaveURL(/before=/);
  await expect(activity.getByText('moved 2 selected')).toHaveCount(0);
  await expect(activity.getByRole('link', { name: 'Older' })).toBeVisible();
  await activity.getByRole('link', { name: 'Older' }).click();
  await expect(activity.getByText('created the dataset')).toBeVisible();
  await expect(activity.getByRole('link', { name: 'Older' })).toHaveCount(0);
  await expectNoViolations(page, 'activity, oldest page');
  await activity.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Dataset' });
  await activity.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/kind=dataset/);
  await expect(activity.getByText('created the dataset')).toBeVisible();
  await expect(activity.getByText(/uploaded big\//)).toHaveCount(0);
});

test('uploads keep running across folders and tabs; an empty folder under a running upload says so', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, 'Ursula Across');
  const url = await createDataset(page, `Across ${Date.now()}`);
  await page.goto(`${url}/files`);
  const section = files(page);
  await section.getByRole('button', { name: 'New folder' }).click();
  await section.getByRole('textbox', { name: 'Folder name' }).fill('incoming');
  await section.getByRole('button', { name: 'Create folder' }).click();
  await section.getByRole('link', { name: 'incoming', exact: true }).click();
  await expect(section.getByText('This folder is empty')).toBeVisible();

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024 });
  await section.getByLabel('Upload files').setInputFiles([{ name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(3 * 1024 * 1024, 3) }]);
  await expect(section.getByText('Uploading 1 file here…')).toBeVisible();
  await expect(section.getByText('This folder is empty')).toHaveCount(0);

  // Up to the top folder, then to People: the upload goes on, its panel follows.
  await section.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link').first().click();
  await expect(section.getByRole('progressbar', { name: 'slow.bin' })).toBeVisible();
  await tabs(page).getByRole('link', { name: 'People' }).click();
  const panel = page.getByRole('region', { name: 'Uploads' });
  await expect(panel.getByRole('progressbar', { name: 'slow.bin' })).toBeVisible();
  await expectNoViolations(page, 'people tab with uploads');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await expect(panel.getByRole('status').filter({ hasText: 'Uploads finished. 1 uploaded.' })).toBeVisible({ timeout: 30_000 });
  await tabs(page).getByRole('link', { name: 'Files' }).click();
  await section.getByRole('link', { name: 'incoming', exact: true }).click();
  await expect(section.getByRole('link', { name: 'slow.bin', exact: true })).toBeVisible();
});

test('code previews are highlighted (escaped); small images in a folder show lazy thumbnails, huge ones an icon', async ({ page }) => {
  await signUp(page, 'Cody Colour');
  const url = await createDataset(page, `Code ${Date.now()}`);
  const id = url.split('/').pop()!;
  // A 1×1 PNG, and a "huge" image (over the thumbnail limit).
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await putFiles(page, id, [{ path: 'train.py', body: 'def main():\n    return "<script>alert(1)</script>"  # comment\n' }]);
  for (const [name, body] of [['imgs/tiny.png', png], ['imgs/huge.png', Buffer.concat([png, Buffer.alloc(1_100_000)])]] as const) {
    const r = await page.request.put(`/api/datasets/${id}/files/${name}`, { data: body, headers: { 'Content-Type': 'image/png' } });
    expect(r.status()).toBeLessThan(300);
  }
  await page.goto(`${url}/files/train.py`);
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.locator('.sh__token--keyword').first()).toHaveText('return');
  await expect(preview.getByText('"<script>alert(1)</script>"', { exact: false })).toBeVisible();
  await expect(preview.locator('script')).toHaveCount(0);
  await expectNoViolations(page, 'highlighted code');
  await page.goto(`${url}/files?path=imgs`);
  const thumbs = files(page).locator('img[loading="lazy"]');
  await expect(thumbs).toHaveCount(1);
  await expect(thumbs.first()).toHaveAttribute('src', `/api/datasets/${id}/files/imgs/tiny.png`);
  await expect.poll(() => thumbs.first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
});
