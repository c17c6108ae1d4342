import type { Page } from '@playwright/test';
import { dollars, registeredMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { CARDS, fillCard, payButton, pressContinue, words } from './support/journey';
import { signIn, signOut } from './support/member';

// Each test signs in as its own demo member and pays bills of the people that member pays for,
// which no guest test looks up (registered members 5 and 7 with people belong to this file).

const w = words('en');

function main(page: Page) {
  return page.getByRole('main');
}

interface ApiBill {
  id: string;
  number: string;
  personName: string;
  balanceCents: number;
  status: string;
}

/** The member's open bills, straight from the API (the page's cookie signs the request). */
async function openBills(page: Page): Promise<ApiBill[]> {
  const res = await page.request.get('/api/v1/member/bills?status=open&limit=100');
  expect(res.status()).toBe(200);
  return ((await res.json()) as { bills: ApiBill[] }).bills;
}

/** On the dashboard: the first "Pay this bill" of one person. */
async function payFirstBillOf(page: Page, name: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  const person = main(page).getByRole('region', { name, exact: true });
  await person
    .getByRole('link', { name: new RegExp(`^${w.account.payBill}`) })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
}

test('pay two bills of one person with a new card saved for next time, then pay with the saved card', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const member = registeredMember(7, { withPeople: true });
  const [first, second] = member.responsibleFor;
  if (!first || !second) throw new Error('demo member without two people');
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  const before = await openBills(page);
  const firstsBills = before.filter((b) => b.personName === first);
  expect(firstsBills.length).toBeGreaterThanOrEqual(2);

  await payFirstBillOf(page, first);
  // The bill is chosen, for its person; another bill of the same person is added.
  await expect(page.getByRole('radio', { name: first })).toBeChecked();
  const checked = main(page).getByRole('checkbox', { checked: true });
  await expect(checked).toHaveCount(1);
  const chosenLabel = (await checked.getAttribute('value')) ?? '';
  const chosen = firstsBills.find((b) => b.id === chosenLabel);
  const other = firstsBills.find((b) => b.id !== chosenLabel);
  if (!chosen || !other) throw new Error('bills not found');
  await page.getByRole('checkbox', { name: new RegExp(other.number) }).check();
  const total = chosen.balanceCents + other.balanceCents;
  await page.getByRole('radio', { name: `The full balance: ${dollars(total)}` }).check();
  await pressContinue(page);

  // No saved methods yet: a new card, saved with a name.
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
  await page.getByRole('radio', { name: w.method.card }).check();
  await fillCard(page, { number: CARDS.visa, name: member.name });
  await page.getByRole('checkbox', { name: w.accountPay.saveCard }).check();
  await page.getByLabel(w.wallet.nickname).fill('Family Visa');
  await pressContinue(page);

  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  const review = main(page);
  await expect(review.getByText(first, { exact: true })).toBeVisible();
  await expect(review.getByText(chosen.number)).toBeVisible();
  await expect(review.getByText(other.number)).toBeVisible();
  await expect(review.getByText('Visa ending in 4242', { exact: true })).toBeVisible();
  await expect(review.getByText('Yes, named “Family Visa”')).toBeVisible();
  await expect(review.getByText(member.email, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: `Pay ${dollars(total)}` }).click();

  await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
  await expect(main(page).getByText(w.accountPay.confirmation.savedCard)).toBeVisible();
  await expect(main(page).getByText(`We have sent a receipt to ${member.email}.`)).toBeVisible();
  await expect(main(page).getByText(dollars(total), { exact: true }).first()).toBeVisible();
  const receipt = main(page).getByRole('link', { name: w.confirmation.download });
  const pdf = await page.request.get((await receipt.getAttribute('href')) ?? '');
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toContain('application/pdf');
  const after = await openBills(page);
  expect(after.some((b) => b.id === chosen.id || b.id === other.id)).toBe(false);

  // Back shows "already paid", never the form.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: w.alreadyPaid.title })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: w.alreadyPaid.title })).toBeVisible();

  // Sign out, sign in again, and pay the other person's bill with the saved card.
  await signOut(page);
  await page.goto('/sign-in');
  await signIn(page, member);
  await payFirstBillOf(page, second);
  const next = (await main(page).getByRole('checkbox', { checked: true }).getAttribute('value')) ?? '';
  const nextBill = after.find((b) => b.id === next);
  if (!nextBill) throw new Error('bill not found');
  await page.getByRole('radio', { name: /^The full balance/ }).check();
  await pressContinue(page);
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
  const saved = page.getByRole('radio', { name: 'Family Visa – Visa ending in 4242' });
  await expect(saved).toBeChecked();
  await pressContinue(page);
  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  await expect(main(page).getByText('Family Visa – Visa ending in 4242')).toBeVisible();
  await page.getByRole('button', { name: `Pay ${dollars(nextBill.balanceCents)}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
  await expect(main(page).getByText(w.accountPay.confirmation.savedCard)).toHaveCount(0);

  const wallet = (await (await page.request.get('/api/v1/member/payment-methods')).json()) as {
    methods: { nickname: string | null; last4: string }[];
  };
  expect(wallet.methods.map((m) => [m.nickname, m.last4])).toEqual([['Family Visa', '4242']]);
});

test('a declined card says why, charges nothing, and another card then pays', async ({ page }) => {
  test.setTimeout(90_000);
  const member = registeredMember(5, { withPeople: true });
  const person = member.responsibleFor[0];
  if (!person) throw new Error('demo member without people');
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  const before = await openBills(page);

  await payFirstBillOf(page, person);
  const billId = (await main(page).getByRole('checkbox', { checked: true }).getAttribute('value')) ?? '';
  const bill = before.find((b) => b.id === billId);
  if (!bill) throw new Error('bill not found');
  await page.getByRole('radio', { name: w.bills.otherAmount }).check();
  await page.getByLabel(w.bills.otherAmountLabel).fill('12.34');
  await pressContinue(page);
  await page.getByRole('radio', { name: w.method.card }).check();
  await fillCard(page, { number: CARDS.declined });
  await pressContinue(page);
  await payButton(page).click();

  // Back on the method page: the reason, at the top and next to the card fields.
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
  await expect(summary.getByRole('link', { name: w.declines.card_declined })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: /);
  await expect(main(page).locator('#card-group-error')).toContainText(w.declines.card_declined);
  const unchanged = (await openBills(page)).find((b) => b.id === bill.id);
  expect(unchanged?.balanceCents).toBe(bill.balanceCents);
  const payments = (await (await page.request.get('/api/v1/member/dashboard')).json()) as {
    recentPayments: { status: string }[];
  };
  expect(payments.recentPayments.filter((p) => p.status === 'succeeded')).toHaveLength(0);

  // Another card.
  await fillCard(page, { number: CARDS.mastercard });
  await pressContinue(page);
  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  await expect(main(page).getByText('Mastercard ending in 4444', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Pay $12.34' }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
  const paid = (await openBills(page)).find((b) => b.id === bill.id);
  expect(paid?.balanceCents).toBe(bill.balanceCents - 1234);
});
