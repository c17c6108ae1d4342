import type { Page } from '@playwright/test';
import { registeredMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { BANK, CARDS, fillCard, words } from './support/journey';
import { signIn } from './support/member';

// Registered member 6 with people: only their wallet changes here (member-bills.spec.ts only looks).

const w = words('en');

function main(page: Page) {
  return page.getByRole('main');
}

test('wallet: add a card and a bank account, rename, make default, remove', async ({ page }) => {
  test.setTimeout(90_000);
  const member = registeredMember(6, { withPeople: true });
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  await page
    .getByRole('navigation', { name: w.serviceNav.label })
    .getByRole('link', { name: w.serviceNav.wallet })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.wallet.title })).toBeVisible();
  await expect(main(page).getByText(w.wallet.none)).toBeVisible();

  // A card, with a name.
  await main(page).getByRole('link', { name: w.wallet.add }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.wallet.addTitle })).toBeVisible();
  await page.getByRole('button', { name: w.wallet.save }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: w.wallet.errors.chooseKind })).toBeVisible();
  await page.getByRole('radio', { name: w.wallet.card }).check();
  await fillCard(page, { number: CARDS.visa, name: member.name });
  await page.getByLabel(w.wallet.nickname).fill('Old card');
  await page.getByRole('button', { name: w.wallet.save }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.wallet.title })).toBeVisible();
  await expect(page.getByRole('status').getByText('Old card – Visa ending in 4242 is saved.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Old card – Visa ending in 4242' })).toBeVisible();

  // Rename it.
  await main(page).getByRole('link', { name: 'Rename Old card – Visa ending in 4242' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'What do you want to call your Visa ending in 4242?' }),
  ).toBeVisible();
  await page.getByLabel(w.wallet.nicknameLabel, { exact: true }).fill('Everyday card');
  await page.getByRole('button', { name: w.wallet.saveName }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'Everyday card – Visa ending in 4242' }),
  ).toBeVisible();
  await expect(page.getByRole('status').getByText(/name of your Visa ending in 4242 is saved/)).toBeVisible();

  // A bank account, then make it the default.
  await main(page).getByRole('link', { name: w.wallet.add }).click();
  await page.getByRole('radio', { name: w.wallet.bank }).check();
  await page.getByLabel(w.bank.holderName, { exact: true }).fill(member.name);
  await page.getByRole('radio', { name: w.bank.checking, exact: true }).check();
  await page.getByLabel(w.bank.routing, { exact: true }).fill(BANK.routingNumber);
  await page.getByLabel(w.bank.account, { exact: true }).fill(BANK.accountNumber);
  await page.getByRole('button', { name: w.wallet.save }).click();
  const bank = page.getByRole('heading', { level: 2, name: 'Checking account ending in 6789' });
  await expect(bank).toBeVisible();
  await main(page)
    .getByRole('button', { name: `${w.wallet.makeDefault} – Checking account ending in 6789` })
    .click();
  await expect(
    page.getByRole('status').getByText('Checking account ending in 6789 is now your default way to pay.'),
  ).toBeVisible();
  const methods = (await (await page.request.get('/api/v1/member/payment-methods')).json()) as {
    methods: { kind: string; isDefault: boolean; nickname: string | null }[];
  };
  expect(methods.methods.find((m) => m.kind === 'bank')?.isDefault).toBe(true);

  // Remove the card, after saying yes.
  await main(page).getByRole('link', { name: 'Remove Everyday card – Visa ending in 4242' }).click();
  await expect(
    page.getByRole('heading', {
      level: 1,
      name: 'Are you sure you want to remove your Everyday card – Visa ending in 4242?',
    }),
  ).toBeVisible();
  await main(page).getByRole('link', { name: w.wallet.keep }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'Everyday card – Visa ending in 4242' }),
  ).toBeVisible();
  await main(page).getByRole('link', { name: 'Remove Everyday card – Visa ending in 4242' }).click();
  await page.getByRole('button', { name: w.wallet.removeConfirm }).click();
  await expect(
    page.getByRole('status').getByText('Everyday card – Visa ending in 4242 is removed.'),
  ).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /Visa ending in 4242/ })).toHaveCount(0);
  await expect(bank).toBeVisible();
});
