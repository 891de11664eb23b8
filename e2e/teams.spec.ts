import crypto from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { invitationLinkFor } from './fixtures/email';
import { PASSWORD, signUp, uniqueEmail } from './fixtures/users';

async function createTeam(page: Page, name: string) {
  await page.goto('/teams');
  await page.getByRole('button', { name: 'New team' }).click();
  await page.getByRole('textbox', { name: 'Team name' }).fill(name);
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** A second person, in their own browser context, who signs up through the invitation link and accepts. */
async function joinThroughInvitation(browser: Browser, email: string, link: string, teamName: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill('Bea Member');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  // Signing up from the link with the invited address accepts in the same step (no second click).
  await expect(page.getByRole('heading', { name: teamName, level: 1 })).toBeVisible();
  return { context, page };
}

test('create a team, invite someone who signs up through the link, and they see the team', async ({ page, browser }) => {
  await signUp(page, 'Olive Owner');
  await page.goto('/teams');
  await expect(page.getByText('You are not in any team yet')).toBeVisible();

  const teamName = `Vision ${crypto.randomUUID().slice(0, 6)}`;
  await createTeam(page, teamName);

  const bea = uniqueEmail('bea');
  await page.getByRole('textbox', { name: 'Recipients' }).fill(`${bea}, not-an-email`);
  await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('member');
  await page.getByRole('button', { name: 'Send invitations' }).click();
  const results = page.getByRole('list', { name: 'Invitation results' });
  await expect(results).toContainText(`${bea} — invited`);
  await expect(results).toContainText('not-an-email — not a valid email');
  await expect(page.getByRole('button', { name: `Revoke invitation for ${bea}` })).toBeVisible();

  // Revoking a team invitation asks first (the verb repeated) and says what happened.
  const cal = uniqueEmail('cal');
  await page.getByRole('textbox', { name: 'Recipients' }).fill(cal);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  await expect(results).toContainText(`${cal} — invited`);
  await page.getByRole('button', { name: `Revoke invitation for ${cal}` }).click();
  const confirm = page.getByRole('dialog', { name: `Revoke the invitation for ${cal}?` });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: `Revoke invitation for ${cal}` })).toBeVisible();
  await page.getByRole('button', { name: `Revoke invitation for ${cal}` }).click();
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText(`Revoked the invitation for ${cal}.`);
  await expect(page.getByRole('button', { name: `Revoke invitation for ${cal}` })).toHaveCount(0);

  const { context, page: member } = await joinThroughInvitation(browser, bea, await invitationLinkFor(bea), teamName);
  await member.goto('/teams');
  await expect(member.getByRole('link', { name: teamName })).toBeVisible();
  await member.getByRole('link', { name: teamName }).click();
  await expect(member.getByRole('textbox', { name: 'Recipients' })).toHaveCount(0); // members do not invite

  // The owner sees the new member; a second team of theirs with the same name (any case) is refused.
  await page.reload();
  await expect(page.getByRole('combobox', { name: `Role for ${bea}` })).toHaveValue('member');
  await expect(page.getByRole('button', { name: `Revoke invitation for ${bea}` })).toHaveCount(0);
  await page.goto('/teams');
  await page.getByRole('button', { name: 'New team' }).click();
  await page.getByRole('textbox', { name: 'Team name' }).fill(teamName.toUpperCase());
  await page.getByRole('button', { name: 'Create team' }).click();
  await expect(page.getByText('You already created a team with this name. Choose another name.')).toBeVisible();
  // Someone else may use the name: it tells them nothing about other people's teams (issue 9).
  await createTeam(member, teamName);
  await context.close();
});

test('the only owner cannot leave; a member can', async ({ page, browser }) => {
  await signUp(page, 'Solo Owner');
  const teamName = `Solo ${crypto.randomUUID().slice(0, 6)}`;
  await createTeam(page, teamName);
  await page.getByRole('button', { name: 'Leave team' }).click();
  const dialog = page.getByRole('dialog', { name: `Leave ${teamName}?` });
  await dialog.getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(dialog.getByText('You are this team’s only owner.', { exact: false })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  const cy = uniqueEmail('cy');
  await page.getByRole('textbox', { name: 'Recipients' }).fill(cy);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  const { context, page: member } = await joinThroughInvitation(browser, cy, await invitationLinkFor(cy), teamName);
  await member.getByRole('button', { name: 'Leave team' }).click();
  await member.getByRole('dialog').getByRole('button', { name: 'Leave', exact: true }).click();
  await expect(member).toHaveURL(/\/teams$/);
  await expect(member.getByRole('link', { name: teamName })).toHaveCount(0);
  await context.close();
});

test('a dataset shared with a team reaches its members at once; removal ends it at once', async ({ page, browser }) => {
  await signUp(page, 'Dora Owner');
  const teamName = `Sharing ${crypto.randomUUID().slice(0, 6)}`;
  await createTeam(page, teamName);
  const teamUrl = page.url();
  const eli = uniqueEmail('eli');
  await page.getByRole('textbox', { name: 'Recipients' }).fill(eli);
  await page.getByRole('button', { name: 'Send invitations' }).click();
  const { context, page: member } = await joinThroughInvitation(browser, eli, await invitationLinkFor(eli), teamName);

  const datasetName = `Scans ${crypto.randomUUID().slice(0, 6)}`;
  const datasetUrl = await createDataset(page, datasetName);
  const dialog = await share(page, datasetName, teamName);
  await expect(dialog.getByText('shared with team')).toBeVisible();

  await member.goto('/datasets?filter=shared');
  await expect(member.getByRole('link', { name: datasetName })).toBeVisible();
  await member.goto(teamUrl);
  await expect(member.getByRole('link', { name: datasetName })).toBeVisible();

  await page.goto(teamUrl);
  await page.getByRole('button', { name: `Remove ${eli}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByRole('button', { name: `Remove ${eli}` })).toHaveCount(0);

  await member.goto(datasetUrl);
  await expect(member.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await context.close();
});
