import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createDataset } from './fixtures/datasets';
import { withSql } from './fixtures/db';
import { signUp, uniqueEmail } from './fixtures/users';

const toasts = (page: Page) => page.getByRole('region', { name: 'Notifications' });

async function createTeam(page: Page, name: string) {
  await page.goto('/teams');
  await page.getByRole('button', { name: 'New team' }).click();
  await page.getByRole('textbox', { name: 'Team name' }).fill(name);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

async function expectNoViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  expect(found, what).toEqual([]);
}

test('share with a team picked from the suggestions; role change, access until, remove and undo all answer', async ({ page }) => {
  await signUp(page, 'Tess Toast');
  const team = `vision-${Date.now()}`;
  await createTeam(page, team);
  const name = `Toasts ${Date.now()}`;
  await createDataset(page, name);

  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Share ${name}` });
  const recipients = dialog.getByRole('textbox', { name: 'Recipients' });
  await recipients.pressSequentially('visi');
  await expect(dialog.getByRole('listbox', { name: 'Suggestions' }).getByRole('option', { name: new RegExp(team) })).toBeVisible();
  await recipients.press('Enter');
  await expect(dialog.getByRole('list', { name: 'Recipients added' }).getByRole('listitem')).toHaveText([new RegExp(team)]);
  await dialog.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'Editor' });
  await expect(dialog.getByText('Editor: also upload and create folders, cannot delete.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(dialog.getByText(`${team} — shared with team`)).toBeVisible();
  await expect(toasts(page)).toContainText('Shared with 1 recipient.');
  await expect(recipients).toBeFocused();
  await page.keyboard.press('Escape');

  const people = page.getByRole('region', { name: 'People with access' });
  await people.getByRole('combobox', { name: `Role for ${team}` }).selectOption('viewer');
  await expect(toasts(page)).toContainText(`${team} is now a viewer.`);

  await people.getByRole('button', { name: `Access until for ${team}` }).click();
  const until = page.getByRole('dialog', { name: `Access for ${team}` });
  await until.getByLabel('Access until').fill('2099-01-31');
  await until.getByRole('button', { name: 'Save' }).click();
  await expect(toasts(page)).toContainText(`${team} has access until the end of 2099-01-31.`);
  await expect(people.getByText(/access until .*2099/)).toBeVisible();

  await people.getByRole('button', { name: `Remove ${team}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(people.getByRole('combobox', { name: `Role for ${team}` })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'People with access' })).toBeFocused();
  await toasts(page).getByRole('button', { name: 'Undo' }).click();
  await expect(toasts(page)).toContainText(`${team} has access again.`);
  // The same grant: role and end date as before.
  await expect(people.getByRole('combobox', { name: `Role for ${team}` })).toHaveValue('viewer');
  await expect(people.getByText(/access until .*2099/)).toBeVisible();
});

test('Extend shows the new expiry; Revoke confirms and can be undone with the same link', async ({ page }) => {
  await signUp(page, 'Rex Revoke');
  const name = `Revoke ${Date.now()}`;
  await createDataset(page, name);
  const invitee = uniqueEmail('ivy');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Share ${name}` });
  await dialog.getByRole('textbox', { name: 'Recipients' }).fill(invitee);
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(dialog.getByText(`${invitee} — invited`)).toBeVisible();
  await page.keyboard.press('Escape');

  const people = page.getByRole('region', { name: 'People with access' });
  await people.getByRole('button', { name: `Extend invitation for ${invitee}` }).click();
  await expect(toasts(page)).toContainText(`Extended the invitation for ${invitee}: it now expires`);

  await people.getByRole('button', { name: `Revoke invitation for ${invitee}` }).click();
  const confirm = page.getByRole('dialog', { name: `Revoke the invitation for ${invitee}?` });
  await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(people.getByRole('button', { name: `Revoke invitation for ${invitee}` })).toHaveCount(0);
  await toasts(page).getByRole('button', { name: 'Undo' }).click();
  await expect(toasts(page)).toContainText(`The invitation for ${invitee} is pending again`);
  await expect(people.getByRole('button', { name: `Revoke invitation for ${invitee}` })).toBeVisible();
});

test('recipients that need fixing stay, marked, after sending; the rest are cleared', async ({ page }) => {
  await signUp(page, 'Chip Chooser');
  const name = `Chips ${Date.now()}`;
  await createDataset(page, name);
  const good = uniqueEmail('good');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Share ${name}` });
  const recipients = dialog.getByRole('textbox', { name: 'Recipients' });
  await recipients.fill(`ada.example.org, ${good}, vison`);
  await recipients.press('Enter');
  const chips = dialog.getByRole('list', { name: 'Recipients added' }).getByRole('listitem');
  await expect(chips).toHaveCount(3);
  await expect(chips.filter({ hasText: 'ada.example.org' })).toContainText('not a valid email (no @)');
  await expect(chips.filter({ hasText: 'vison' })).toContainText('not an email address or one of your teams');
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(dialog.getByText(`${good} — invited`)).toBeVisible();
  await expect(dialog.getByText('vison — not an email address or one of your teams')).toBeVisible();
  await expect(chips).toHaveCount(2);
  await expect(chips.filter({ hasText: good })).toHaveCount(0);
  await expect(recipients).toBeFocused();
  await expect(toasts(page)).toContainText('Shared with 1 recipient; 2 need attention.');
});

test('dark mode follows the system setting and keeps axe quiet', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await signUp(page, 'Dana Dark');
  const name = `Dark ${Date.now()}`;
  const url = await createDataset(page, name, 'In the dark.');
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).not.toMatch(/rgb\(248, 250, 252\)|oklch\(0\.98/); // not the light slate-50
  for (const path of ['/datasets', url, '/invitations', '/teams', '/account']) {
    await page.goto(path);
    await expectNoViolations(page, `${path} (dark)`);
  }
  await page.goto(url);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('dialog').getByRole('textbox', { name: 'Recipients' }).pressSequentially('x.example.org,');
  await expectNoViolations(page, 'share dialog (dark)');
});

test('request access: the same 404 page for a hidden and a missing dataset; the owner approves with a role', async ({ page, browser }) => {
  await signUp(page, 'Olga Owner');
  const name = `Requested ${Date.now()}`;
  const url = await createDataset(page, name);

  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  const asker = await signUp(other, 'Rob Requester');
  const missing = await other.goto('/datasets/00000000-0000-4000-8000-000000000000');
  expect(missing?.status()).toBe(404);
  await expect(other.getByRole('heading', { name: 'You need access' })).toBeVisible();
  const missingText = await other.getByRole('main').innerText();
  const hidden = await other.goto(url);
  expect(hidden?.status()).toBe(404);
  expect(await other.getByRole('main').innerText()).toBe(missingText);
  await expectNoViolations(other, 'request access');
  await other.getByRole('textbox', { name: 'Message (optional)' }).fill('For the Q3 benchmark, please.');
  await other.getByRole('button', { name: 'Request access' }).click();
  await expect(other.getByRole('status').filter({ hasText: 'Request sent.' })).toBeFocused();

  await page.reload();
  const people = page.getByRole('region', { name: 'People with access' });
  await expect(people.getByText('For the Q3 benchmark, please.')).toBeVisible();
  await people.getByRole('combobox', { name: `Role for request from ${asker.email}` }).selectOption('editor');
  await people.getByRole('button', { name: `Approve request from ${asker.email}` }).click();
  await expect(toasts(page)).toContainText(`${asker.email} now has access as Editor.`);
  await expect(people.getByRole('combobox', { name: `Role for ${asker.email}` })).toHaveValue('editor');

  await other.goto(url);
  await expect(other.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(other.getByText(/Your role:\s*editor/i)).toBeVisible();
  await ctx.close();
});

test('the Overview lists the first people and invitations and links to the People tab for all; the dialog suggests people fetched when it opens', async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page, 'Petra Preview');
  const name = `Preview ${Date.now()}`;
  const url = await createDataset(page, name);
  const id = url.split('/').pop()!;
  const tag = id.slice(0, 8);
  // Eleven people with access (straight into the database: signing up eleven browsers takes minutes).
  await withSql(async (sql) => {
    for (let i = 1; i <= 11; i++) {
      const [u] = await sql`insert into users (email, name, password_hash, email_verified_at) values (${`p${i}-${tag}@example.test`}, ${`Person ${i}`}, 'not-a-hash', now()) returning id`;
      await sql`insert into dataset_grants (dataset_id, user_id, role) values (${id}, ${u.id}, 'viewer')`;
    }
  });
  await page.reload();
  // People suggestions are asked for when the dialog opens.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Share ${name}` });
  await dialog.getByRole('textbox', { name: 'Recipients' }).pressSequentially(`p7-${tag}`);
  await expect(dialog.getByRole('listbox', { name: 'Suggestions' }).getByRole('option', { name: new RegExp(`p7-${tag}@example.test`) })).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Recipients' }).fill(Array.from({ length: 7 }, (_, i) => `inv${i + 1}-${tag}@example.test`).join(', '));
  await dialog.getByRole('button', { name: 'Send invitations' }).click();
  await expect(dialog.getByRole('list', { name: 'Share results' }).getByRole('listitem')).toHaveCount(7);
  await page.keyboard.press('Escape');

  await page.reload();
  const people = page.getByRole('region', { name: 'People with access' });
  await expect(people.getByRole('combobox', { name: /^Role for / })).toHaveCount(10);
  await expect(people.getByRole('button', { name: /^Revoke invitation for / })).toHaveCount(5);
  // Ownership can still go to any of them, also those the preview leaves out.
  await people.getByRole('button', { name: 'Transfer ownership' }).click();
  await expect(page.getByRole('dialog', { name: 'Transfer ownership' }).getByRole('combobox', { name: 'New owner' }).getByRole('option')).toHaveCount(11);
  await page.keyboard.press('Escape');
  await people.getByRole('link', { name: 'See all 12 people and 7 invitations' }).click();
  await expect(page).toHaveURL(`${url}/people`);
  await expect(people.getByRole('combobox', { name: /^Role for / })).toHaveCount(11);
  await expect(people.getByRole('button', { name: /^Revoke invitation for / })).toHaveCount(7);
  await expect(people.getByRole('link', { name: /^See all/ })).toHaveCount(0);
});
