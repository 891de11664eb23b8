import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createDataset } from './fixtures/datasets';
import { signUp } from './fixtures/users';

// A large file goes in 8 MiB parts (lib/upload-sizes.ts); a dropped connection costs one part, not the file.
test('a large upload survives a dropped connection: the part is retried, the others are not re-sent, the file is byte-for-byte the same', async ({ page }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Rita Resume');
  const datasetUrl = await createDataset(page, `Resume ${Date.now()}`);
  const datasetId = datasetUrl.split('/').pop()!;
  const section = page.getByRole('region', { name: 'Files' });

  // 40 MB of random bytes: five parts, the last one shorter.
  const data = crypto.randomBytes(40_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-resume-'));
  const file = path.join(dir, 'large.bin');
  fs.writeFileSync(file, data);

  // Part 2's connection drops twice (reset mid-request), then goes through.
  let drops = 0;
  await page.route('**/uploads/*/parts/2', async (route) => {
    if (drops < 2) {
      drops++;
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  const sent = new Map<number, number>();
  let sessionId = '';
  page.on('request', (r) => {
    const m = /\/uploads\/([0-9a-f-]{36})\/parts\/(\d+)$/.exec(r.url());
    if (m && r.method() === 'PUT') {
      sessionId = m[1];
      sent.set(Number(m[2]), (sent.get(Number(m[2])) ?? 0) + 1);
    }
  });

  await section.getByLabel('Upload files').setInputFiles(file);
  // The row says what is going on while it waits to try again.
  await expect(section.getByText('Connection lost — retrying…')).toBeVisible({ timeout: 30_000 });
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 1 uploaded.' })).toBeVisible({ timeout: 120_000 });
  await expect(section.getByText('Connection lost — retrying…')).toHaveCount(0);
  await expect(section.getByRole('link', { name: 'large.bin', exact: true })).toBeVisible();

  // Part 2 went three times (two dropped), every other part once.
  expect(Object.fromEntries(sent)).toEqual({ 1: 1, 2: 3, 3: 1, 4: 1, 5: 1 });
  // The session is gone with its parts; the file downloads byte for byte.
  expect((await page.request.get(`/api/datasets/${datasetId}/uploads/${sessionId}`)).status()).toBe(404);
  const res = await page.request.get(`/api/datasets/${datasetId}/files/large.bin`);
  expect(res.status()).toBe(200);
  const body = await res.body();
  expect(body.length).toBe(data.length);
  expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(crypto.createHash('sha256').update(data).digest('hex'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('cancelling a large upload drops its session on the server', async ({ page }) => {
  test.setTimeout(120_000);
  await signUp(page, 'Carl Cancel');
  const datasetUrl = await createDataset(page, `Cancel ${Date.now()}`);
  const datasetId = datasetUrl.split('/').pop()!;
  const section = page.getByRole('region', { name: 'Files' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-cancel-'));
  const file = path.join(dir, 'huge.bin');
  fs.writeFileSync(file, crypto.randomBytes(20_000_000));
  // Part 2 never answers, so the upload is surely running when Cancel is pressed.
  await page.route('**/uploads/*/parts/2', () => {});
  const created = page.waitForResponse((r) => r.url().endsWith(`/api/datasets/${datasetId}/uploads`) && r.request().method() === 'POST');
  await section.getByLabel('Upload files').setInputFiles(file);
  const { id } = (await (await created).json()) as { id: string };
  await page.waitForRequest((r) => r.url().endsWith('/parts/2'));
  const dropped = page.waitForResponse((r) => r.url().endsWith(`/uploads/${id}`) && r.request().method() === 'DELETE');
  await section.getByRole('button', { name: 'Cancel huge.bin' }).click();
  expect((await dropped).status()).toBe(204);
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 0 uploaded, 1 cancelled.' })).toBeVisible();
  expect((await page.request.get(`/api/datasets/${datasetId}/uploads/${id}`)).status()).toBe(404);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('after the connection stays down, the file fails and Retry continues from the parts the server has', async ({ page }) => {
  test.setTimeout(180_000);
  // The page's timers run on a fake clock, so two minutes of backoff pass in moments.
  await page.clock.install();
  await signUp(page, 'Otto Offline');
  const datasetUrl = await createDataset(page, `Offline ${Date.now()}`);
  const datasetId = datasetUrl.split('/').pop()!;
  const section = page.getByRole('region', { name: 'Files' });
  const data = crypto.randomBytes(40_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-retry-'));
  const file = path.join(dir, 'stuck.bin');
  fs.writeFileSync(file, data);
  let down = true;
  await page.route('**/uploads/*/parts/3', (route) => (down ? route.abort('internetdisconnected') : route.continue()));
  const sent = new Map<number, number>();
  page.on('request', (r) => {
    const m = /\/parts\/(\d+)$/.exec(r.url());
    if (m && r.method() === 'PUT') sent.set(Number(m[1]), (sent.get(Number(m[1])) ?? 0) + 1);
  });
  await section.getByLabel('Upload files').setInputFiles(file);
  await expect(section.getByText('Connection lost — retrying…')).toBeVisible({ timeout: 30_000 });
  const retry = section.getByRole('button', { name: 'Retry stuck.bin' });
  for (let i = 0; i < 40 && !(await retry.isVisible()); i++) {
    await page.clock.runFor(16_000);
    await page.waitForTimeout(150);
  }
  await expect(section.getByText('stuck.bin: The connection was lost. Retry to continue where the upload stopped.')).toBeVisible();
  expect(sent.get(3)).toBeGreaterThan(5);

  down = false;
  await retry.click();
  await expect(section.getByRole('status').filter({ hasText: 'Uploads finished. 1 uploaded.' })).toBeVisible({ timeout: 60_000 });
  // Parts 1 and 2 were stored before the outage: Retry did not send them again.
  expect([sent.get(1), sent.get(2), sent.get(4), sent.get(5)]).toEqual([1, 1, 1, 1]);
  const body = await (await page.request.get(`/api/datasets/${datasetId}/files/stuck.bin`)).body();
  expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(crypto.createHash('sha256').update(data).digest('hex'));
  fs.rmSync(dir, { recursive: true, force: true });
});
