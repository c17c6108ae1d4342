import type { Page } from '@playwright/test';
import { dollars, medicalAccount } from './support/demo';
import { expect, test } from './support/fixtures';
import {
  apiBalances,
  CARDS,
  chooseBills,
  fillCard,
  findMedicalBill,
  payButton,
  payWithCard,
  pressContinue,
  startPayment,
  words,
} from './support/journey';

const en = words('en');

async function expectErrorSummary(page: Page, messages: string[]): Promise<void> {
  const summary = page
    .getByRole('alert')
    .filter({ has: page.getByRole('heading', { name: 'There is a problem' }) });
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  for (const m of messages) await expect(summary.getByRole('link', { name: m })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: /);
}

test('question pages: choosing nothing shows an error summary that links to the answer', async ({ page }) => {
  await page.goto('/pay/region');
  await pressContinue(page);
  await expectErrorSummary(page, [en.region.errorRequired]);
  await page.getByRole('link', { name: en.region.errorRequired }).click();
  await expect(page.getByRole('radio', { name: 'Northern California' })).toBeFocused();
  await page.getByRole('radio', { name: 'Colorado' }).check();
  await pressContinue(page);

  await pressContinue(page);
  await expectErrorSummary(page, [en.billType.errorRequired]);
  await page.getByRole('radio', { name: en.billType.medical.label }).check();
  await pressContinue(page);
  await expect(page).toHaveTitle(/^Enter the details from your bill/);
});

test('lookup form: missing and badly formed answers, each explained next to its field', async ({ page }) => {
  await startPayment(page, { regionId: 'washington', kind: 'medical' });
  await page.getByRole('button', { name: 'Find my bill' }).click();
  await expectErrorSummary(page, [en.lookup.medical.accountRequired, en.lookup.medical.zipRequired]);
  // The same words next to the field, tied to it for screen readers.
  await expect(page.getByRole('textbox', { name: 'ZIP code' })).toHaveAccessibleDescription(
    new RegExp(`Error: ${en.lookup.medical.zipRequired}`),
  );
  await page.getByRole('link', { name: en.lookup.medical.zipRequired }).click();
  await expect(page.getByRole('textbox', { name: 'ZIP code' })).toBeFocused();

  await page.getByLabel('Account number', { exact: true }).fill('1234567890');
  await page.getByLabel('ZIP code', { exact: true }).fill('958');
  await page.getByRole('button', { name: 'Find my bill' }).click();
  await expectErrorSummary(page, [en.lookup.medical.zipFormat]);
  await expect(page.getByRole('link', { name: en.lookup.medical.accountRequired })).toHaveCount(0);
});

test('lookup form: numbers that match no bill get one plain answer and the hints open', async ({ page }) => {
  const account = medicalAccount('washington', 0);
  await startPayment(page, { regionId: 'washington', kind: 'medical' });
  await findMedicalBill(page, { accountNumber: account.accountNumber, postalCode: '00000' });
  await expectErrorSummary(page, [
    'We could not find a bill with those details. Check the numbers on your bill.',
  ]);
  // The "Where do I find this?" hints open to help check the numbers.
  await expect(page.getByText(en.lookup.medical.accountWhere)).toBeVisible();
  await expect(page.getByText(en.lookup.medical.zipWhere)).toBeVisible();
});

test('bills page: choose a bill and a valid amount', async ({ page }) => {
  const account = medicalAccount('washington', 1);
  const bill = account.bills[0]!;
  await startPayment(page, { regionId: 'washington', kind: 'medical' });
  await findMedicalBill(page, account);
  await expect(page.getByRole('heading', { level: 1, name: 'What you owe' })).toBeVisible();

  await pressContinue(page);
  await expectErrorSummary(page, [en.bills.errors.selectBill, en.bills.errors.chooseAmount]);

  await page.getByRole('checkbox', { name: new RegExp(bill.number) }).check();
  await page.getByRole('radio', { name: en.bills.otherAmount }).check();
  const amount = page.getByLabel(en.bills.otherAmountLabel);
  await amount.fill('0.50');
  await pressContinue(page);
  await expectErrorSummary(page, ['Enter at least $1.00']);
  await amount.fill(String((bill.balanceCents + 100) / 100));
  await pressContinue(page);
  await expectErrorSummary(page, [
    `Enter no more than ${dollars(bill.balanceCents)}, the balance of the bills you selected`,
  ]);
  await amount.fill('12.345');
  await pressContinue(page);
  await expectErrorSummary(page, [en.bills.errors.amountFormat]);
  await amount.fill('12.34');
  await pressContinue(page);
  await expect(page.getByRole('heading', { level: 1, name: 'How do you want to pay?' })).toBeVisible();

  // Card fields: validated on submit, and on blur once something is typed.
  await page.getByRole('radio', { name: en.method.card }).check();
  await pressContinue(page);
  await expectErrorSummary(page, [
    en.card.errors.numberRequired,
    en.card.errors.expiryRequired,
    en.card.errors.cvcRequired,
    en.card.errors.nameRequired,
    en.card.errors.zipRequired,
  ]);
  await page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4241');
  await page.getByLabel('Expiry date', { exact: true }).fill('01 / 20');
  await page.getByLabel('Security code', { exact: true }).click();
  // Shown beside the field on blur, before any submit.
  await expect(page.getByRole('textbox', { name: 'Card number' })).toHaveAccessibleDescription(
    new RegExp(`Error: ${en.card.errors.numberInvalid}`),
  );
  await pressContinue(page);
  await expectErrorSummary(page, [en.card.errors.numberInvalid, en.card.errors.expiryPast]);
});

// Each decline pays (after the retry) a different bill of the Hawaii demo accounts.
const declines = [
  { card: CARDS.declined, code: 'card_declined', account: 0, bill: 0 },
  { card: CARDS.insufficientFunds, code: 'insufficient_funds', account: 0, bill: 1 },
  { card: CARDS.expired, code: 'expired_card', account: 0, bill: 2 },
  { card: CARDS.incorrectCvc, code: 'incorrect_cvc', account: 1, bill: 0 },
  { card: CARDS.processingError, code: 'processing_error', account: 1, bill: 1 },
] as const;

for (const d of declines) {
  test(`a ${d.code} decline is explained next to the card fields; another card then pays`, async ({
    page,
  }) => {
    const account = medicalAccount('hawaii', d.account);
    const bill = account.bills[d.bill]!;
    const message = en.declines[d.code];
    await startPayment(page, { regionId: 'hawaii', kind: 'medical' });
    await findMedicalBill(page, account);
    await chooseBills(page, { billNumbers: [bill.number] });
    await payWithCard(page, { number: d.card });
    await payButton(page).click();

    // Back on the method step, bills and amount kept, nothing charged.
    await expect(page.getByRole('heading', { level: 1, name: 'How do you want to pay?' })).toBeVisible();
    await expectErrorSummary(page, [message]);
    await expect(page.getByText(message)).toHaveCount(2); // in the summary and at the card fields
    await expect(page.getByText(`Paying ${dollars(bill.balanceCents)}`)).toBeVisible();
    expect((await apiBalances(page))[bill.number]).toBe(bill.balanceCents);

    await fillCard(page, { number: CARDS.visa });
    await pressContinue(page);
    await expect(payButton(page)).toHaveText(`Pay ${dollars(bill.balanceCents)}`);
    await payButton(page).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
    expect((await apiBalances(page))[bill.number] ?? 0).toBe(0);
  });
}

test('a card brand the organization refuses is stopped before it reaches the processor', async ({ page }) => {
  const account = medicalAccount('colorado', 0);
  const tokenRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/sandbox/v1/tokens')) tokenRequests.push(r.url());
  });
  await startPayment(page, { regionId: 'colorado', kind: 'medical' });
  await findMedicalBill(page, account);
  await chooseBills(page, { billNumbers: [account.bills[0]!.number] });
  await page.getByRole('radio', { name: en.method.card }).check();

  const refused = 'We accept Visa, Mastercard, and Discover. American Express cards cannot be used.';
  // As soon as the first digits say it is American Express.
  await page.getByLabel('Card number', { exact: true }).pressSequentially('3782');
  await expect(page.getByText(refused)).toBeVisible();
  await fillCard(page, { number: CARDS.amex, cvc: '1234' });
  await pressContinue(page);
  await expectErrorSummary(page, [refused]);
  await expect(page.getByRole('textbox', { name: 'Card number' })).toHaveAccessibleDescription(
    new RegExp(refused),
  );
  expect(tokenRequests).toEqual([]);
});

test('double-clicking Pay charges once', async ({ page }) => {
  const account = medicalAccount('colorado', 1);
  const bill = account.bills[0]!;
  const payRequests: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/guest/payments'))
      payRequests.push(r.headers()['idempotency-key'] ?? '');
  });
  await startPayment(page, { regionId: 'colorado', kind: 'medical' });
  await findMedicalBill(page, account);
  await chooseBills(page, { billNumbers: [bill.number], amount: '10.00' });
  await payWithCard(page, { number: CARDS.visa });
  await payButton(page).dblclick();
  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();

  expect(new Set(payRequests).size).toBe(1);
  expect((await apiBalances(page))[bill.number]).toBe(bill.balanceCents - 1000);
});

test('reloading while the payment is on its way re-sends the same key and charges once', async ({ page }) => {
  const account = medicalAccount('colorado', 2);
  const bill = account.bills[0]!;
  const keys: string[] = [];
  let first = true;
  await page.route('**/api/v1/guest/payments', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key'] ?? '');
    if (!first) return route.continue();
    first = false;
    // The server takes the payment, but the answer is "lost" to the reload below.
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 2_000));
    await route.fulfill({ response }).catch(() => undefined);
  });
  await startPayment(page, { regionId: 'colorado', kind: 'medical' });
  await findMedicalBill(page, account);
  await chooseBills(page, { billNumbers: [bill.number], amount: '20.00' });
  await payWithCard(page, { number: CARDS.visa });
  await payButton(page).click();
  await expect(page.getByRole('button', { name: 'Paying…' })).toBeDisabled();
  await page.waitForTimeout(500);
  await page.reload();

  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
  expect(keys.length).toBeGreaterThanOrEqual(2);
  expect(new Set(keys).size).toBe(1);
  expect((await apiBalances(page))[bill.number]).toBe(bill.balanceCents - 2000);
});

test('going back after paying shows "You have already paid this", never the form again', async ({ page }) => {
  const account = medicalAccount('colorado', 3);
  const bill = account.bills[0]!;
  await startPayment(page, { regionId: 'colorado', kind: 'medical' });
  await findMedicalBill(page, account);
  await chooseBills(page, { billNumbers: [bill.number], amount: '15.00' });
  await payWithCard(page, { number: CARDS.discover });
  await payButton(page).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();

  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'You have already paid this' })).toBeVisible();
  await expect(payButton(page)).toHaveCount(0);
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'You have already paid this' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Card number' })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'You have already paid this' })).toBeVisible();

  await page.getByRole('link', { name: 'View your confirmation' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
  expect((await apiBalances(page))[bill.number]).toBe(bill.balanceCents - 1500);
});

test('a payment still being confirmed (202) says so, and the page updates by itself', async ({ page }) => {
  const account = medicalAccount('washington', 3);
  const bill = account.bills[0]!;
  // The processor's answer was lost: the API says "unknown" first, then "succeeded" when asked again.
  const view = (status: string) => ({
    id: '0190a000-0000-7000-8000-000000000001',
    confirmationNumber: 'TEST-PEND-1',
    status,
    amountCents: 700,
    currency: 'USD',
    method: { type: 'card', brand: 'visa', last4: '4242', bankAccountType: null },
    createdAt: new Date().toISOString(),
    paidOn: new Date().toISOString().slice(0, 10),
    bills: [
      {
        billId: '0190a000-0000-7000-8000-000000000002',
        number: bill.number,
        kind: bill.kind,
        amountCents: 700,
      },
    ],
    receiptEmail: null,
    failure: null,
  });
  let polls = 0;
  await page.route('**/api/v1/guest/payments', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({ status: 202, json: view('unknown') })
      : route.continue(),
  );
  await page.route('**/api/v1/guest/payments/0190a000-*', (route) => {
    polls += 1;
    return route.fulfill({ json: view(polls < 2 ? 'processing' : 'succeeded') });
  });
  await startPayment(page, { regionId: 'washington', kind: 'medical' });
  await findMedicalBill(page, account);
  await chooseBills(page, { billNumbers: [bill.number], amount: '7' });
  await payWithCard(page, { number: CARDS.visa });
  await payButton(page).click();

  await expect(page.getByRole('heading', { level: 1, name: 'We are confirming your payment' })).toBeVisible();
  await expect(page.getByText('TEST-PEND-1')).toBeVisible();
  await expect(page.getByText(en.confirmation.pendingNoRetry)).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible({
    timeout: 15_000,
  });
  expect(polls).toBeGreaterThanOrEqual(2);
});

test('an ended session says so and offers a fresh start', async ({ page }) => {
  const account = medicalAccount('washington', 2);
  await startPayment(page, { regionId: 'washington', kind: 'medical' });
  await findMedicalBill(page, account);
  await expect(page.getByRole('heading', { level: 1, name: 'What you owe' })).toBeVisible();
  // The server ends the session (time-out, or signed out in another tab).
  const token = await page.evaluate(
    () => JSON.parse(sessionStorage.getItem('settle.guest-journey') ?? '{}').session?.token as string,
  );
  const ended = await page.request.delete('/api/v1/guest/session', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(ended.status()).toBe(204);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Your session has ended' })).toBeVisible();
  await page.getByRole('link', { name: 'Start again' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Which region are you in?' })).toBeVisible();
});

test('an unknown address shows "Page not found"', async ({ page }) => {
  await page.goto('/pay/nothing-here');
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page).toHaveTitle(/^Page not found/);
  await page.getByRole('link', { name: /Go to the start page/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pay your bill' })).toBeVisible();
});
