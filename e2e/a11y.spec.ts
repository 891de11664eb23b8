import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createDataset } from './fixtures/datasets';
import { signUp } from './fixtures/users';

/** Axe (WCAG 2.1 A/AA rules) finds nothing on the page as it is now. */
async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  expect(found, what).toEqual([]);
}

test('pages have no axe violations', async ({ page }) => {
  for (const path of ['/login', '/signup', '/forgot-password', '/reset-password/not-a-token']) {
    await page.goto(path);
    await expectNoViolations(page, path);
  }
  await signUp(page, 'Alex Axe');
  const name = `Axe ${Date.now()}`;
  const url = await createDataset(page, name, 'Checked by axe.');
  await page.getByLabel('Upload files').setInputFiles([
    { name: 'README.md', mimeType: 'text/markdown', buffer: Buffer.from('# Card\n\nSome **text** and a [link](https://example.org).') },
    { name: 'table.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n1,2\n') },
  ]);
  await expect(page.getByRole('region', { name: 'Files' }).getByRole('link', { name: 'table.csv', exact: true })).toBeVisible();
  for (const path of ['/datasets', '/datasets/new', url, `${url}/files/table.csv`, `${url}/files/README.md`, `${url}?q=tab`, '/invitations', '/teams', '/account', `/datasets/00000000-0000-4000-8000-000000000000`]) {
    await page.goto(path);
    await expectNoViolations(page, path);
  }
  // The share dialog, open.
  await page.goto(url);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByRole('dialog', { name: `Share ${name}` })).toBeVisible();
  await expect(page.getByRole('dialog').getByRole('textbox', { name: 'Recipients' })).toBeFocused();
  await expectNoViolations(page, 'share dialog');
});

test('a skip link leads past the header to the page', async ({ page }) => {
  await signUp(page, 'Kim Keyboard');
  await page.goto('/datasets');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await skip.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
});
