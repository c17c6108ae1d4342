import { readFile } from 'node:fs/promises';
import { dollars, medicalAccount, premiumAccount } from './support/demo';
import { expect, test } from './support/fixtures';
import {
  apiBalances,
  CARDS,
  chooseBills,
  findMedicalBill,
  findPremiumBill,
  payButton,
  payWithBank,
  payWithCard,
  startPayment,
  words,
} from './support/journey';

// Each test pays bills no other test touches (its own region/account).

test('medical bill: pay one bill in full by Visa, download the PDF receipt and email it', async ({
  page,
}) => {
  const account = medicalAccount('ncal', 0);
  const bill = account.bills[1]!;
  const others = account.bills.filter((b) => b.number !== bill.number);

  await startPayment(page, { regionId: 'ncal', kind: 'medical' });
  await expect(page).toHaveTitle(/^Enter the details from your bill/);
  await findMedicalBill(page, account);

  // What is due: every open bill, its balance, and its line items.
  await expect(page.getByRole('heading', { level: 1, name: 'What you owe' })).toBeVisible();
  for (const b of account.bills) {
    await expect(
      page.getByRole('checkbox', { name: new RegExp(`${b.number}.*${escapeMoney(b.balanceCents)}`) }),
    ).toBeVisible();
    // With several bills each one's charges open on request.
    await page.getByText(new RegExp(`charges? on bill ${b.number}$`)).click();
    await expect(page.getByRole('table', { name: `Charges on bill ${b.number}` })).toBeVisible();
  }
  const table = page.getByRole('table', { name: `Charges on bill ${bill.number}` });
  for (const header of [
    'Charge',
    'Your insurance paid',
    'Adjustment (discount your plan negotiated)',
    'You owe',
  ]) {
    await expect(table.getByRole('columnheader', { name: header })).toBeVisible();
  }
  await chooseBills(page, { billNumbers: [bill.number] });

  await payWithCard(page, { number: CARDS.visa });
  await expect(
    page.getByRole('heading', { level: 1, name: 'Check your answers before you pay' }),
  ).toBeVisible();
  await expect(page.getByText('Visa ending in 4242').first()).toBeVisible();
  await expect(page.getByText(bill.number)).toBeVisible();
  await expect(payButton(page)).toHaveText(`Pay ${dollars(bill.balanceCents)}`);
  await payButton(page).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
  await expect(page).toHaveTitle(/^Payment received/);
  const panelText = (await page.getByText(/^Your confirmation number is/).textContent()) ?? '';
  const confirmation = panelText.replace('Your confirmation number is', '').trim();
  expect(confirmation).toMatch(/^[0-9A-Z][0-9A-Z*~$=-]{5,}$/);
  const details = page.getByRole('definition');
  await expect(details.filter({ hasText: dollars(bill.balanceCents) }).first()).toBeVisible();
  await expect(details.filter({ hasText: 'Visa ending in 4242' })).toBeVisible();
  await expect(details.filter({ hasText: bill.number })).toBeVisible();

  // Receipt PDF: fetched with the session token, saved as receipt-<confirmation>.pdf.
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download receipt (PDF)' }).click();
  const download = await downloadPromise;
  // Characters a file name cannot hold everywhere (a check symbol like '*') are left out.
  const safe = confirmation.replace(/[^A-Za-z0-9-]/g, '').replace(/-+$/, '');
  expect(download.suggestedFilename()).toBe(`receipt-${safe}.pdf`);
  const pdf = await readFile(await download.path());
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  // Email me the receipt.
  await page.getByLabel('Email address', { exact: true }).fill('payer@example.com');
  await page.getByRole('button', { name: 'Send receipt' }).click();
  await expect(
    page.getByRole('status').getByText('We sent your receipt to payer@example.com.'),
  ).toBeVisible();

  // The bill is paid; the others are untouched.
  const balances = await apiBalances(page);
  expect(balances[bill.number] ?? 0).toBe(0);
  for (const b of others) expect(balances[b.number]).toBe(b.balanceCents);
});

test('premium coupon: pay part of the invoice from a bank account', async ({ page }) => {
  const account = premiumAccount('ncal', 0);
  const bill = account.bills[0]!;

  await startPayment(page, { regionId: 'ncal', kind: 'premium' });
  await expect(
    page.getByRole('heading', { level: 1, name: 'Enter the details from your payment coupon' }),
  ).toBeVisible();
  await findPremiumBill(page, account);

  await expect(page.getByRole('checkbox', { name: new RegExp(bill.number) })).toBeChecked();
  await expect(page.getByText('Coverage')).toBeVisible();
  await chooseBills(page, { billNumbers: [bill.number], amount: '50' });

  await payWithBank(page, { email: 'member@example.com' });
  await expect(
    page.getByRole('heading', { level: 1, name: 'Check your answers before you pay' }),
  ).toBeVisible();
  await expect(page.getByText('Checking account ending in 6789').first()).toBeVisible();
  await expect(page.getByText('member@example.com')).toBeVisible();
  await expect(
    page.getByText(/I authorize Evergreen Health Plan to make a one-time electronic debit/),
  ).toBeVisible();

  // The authorization must be accepted before money moves.
  await payButton(page).click();
  await expect(page.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: Check your answers/);
  await page.getByRole('link', { name: /Select the box to agree to the authorization/ }).click();
  await expect(page.getByRole('checkbox', { name: /I agree to this authorization/ })).toBeFocused();
  await page.getByRole('checkbox', { name: /I agree to this authorization/ }).check();
  await expect(payButton(page)).toHaveText('Pay $50.00');
  await payButton(page).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
  await expect(page.getByText('We have sent a receipt to member@example.com.')).toBeVisible();
  await expect(
    page.getByRole('definition').filter({ hasText: 'Checking account ending in 6789' }),
  ).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: '$50.00' }).first()).toBeVisible();

  const balances = await apiBalances(page);
  expect(balances[bill.number]).toBe(bill.balanceCents - 5000);
});

test('several bills at once: both are paid in full by one Mastercard payment', async ({ page }) => {
  const account = medicalAccount('scal', 0);
  const [first, second, untouched] = account.bills as [
    (typeof account.bills)[0],
    (typeof account.bills)[0],
    (typeof account.bills)[0],
  ];
  const total = first.balanceCents + second.balanceCents;

  await startPayment(page, { regionId: 'scal', kind: 'medical' });
  await findMedicalBill(page, account);
  await chooseBills(page, { billNumbers: [first.number, second.number] });
  await payWithCard(page, { number: CARDS.mastercard });

  await expect(page.getByRole('term').filter({ hasText: /^Bills$/ })).toBeVisible();
  await expect(page.getByText('Mastercard ending in 4444').first()).toBeVisible();
  await expect(payButton(page)).toHaveText(`Pay ${dollars(total)}`);
  await payButton(page).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
  const paid = page.getByRole('definition').filter({ hasText: first.number });
  await expect(paid).toContainText(second.number);

  const balances = await apiBalances(page);
  expect(balances[first.number] ?? 0).toBe(0);
  expect(balances[second.number] ?? 0).toBe(0);
  expect(balances[untouched.number]).toBe(untouched.balanceCents);
});

test('the English | Español switch is on every page and the choice sticks', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page
    .getByRole('navigation', { name: 'Language' })
    .getByRole('button', { name: /Español/ })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pague su factura' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.getByRole('link', { name: 'Hacer un pago único' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '¿En qué región está usted?' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: '¿En qué región está usted?' })).toBeVisible();
  await expect(page).toHaveTitle(/^¿En qué región está usted\?/);
  await page
    .getByRole('navigation', { name: 'Idioma' })
    .getByRole('button', { name: /English/ })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Which region are you in?' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('switching language on a payment page brings its words, and the next page comes in that language', async ({
  page,
}) => {
  // Looks up a bill no other test pays, and pays nothing.
  const account = medicalAccount('scal', 1);
  const en = words('en');
  const es = words('es');
  const h1 = (name: string) => page.getByRole('heading', { level: 1, name });
  await startPayment(page, { regionId: 'scal', kind: 'medical' });
  await findMedicalBill(page, account);
  await expect(h1(en.bills.title)).toBeVisible();

  // The guest area's words (and the payment journey's) come in Spanish before the page switches.
  await page
    .getByRole('navigation', { name: en.layout.languageNav })
    .getByRole('button', { name: /Español/ })
    .click();
  await expect(h1(es.bills.title)).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByRole('heading', { level: 2, name: es.bills.howMuch })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(`^${es.bills.title}`));
  await chooseBills(page, { billNumbers: [account.bills[0]?.number ?? ''], lang: 'es' });
  await expect(h1(es.method.title)).toBeVisible();
  await page.getByRole('radio', { name: es.method.card }).check();
  await expect(page.getByLabel(es.card.number, { exact: true })).toBeVisible();

  await page
    .getByRole('navigation', { name: es.layout.languageNav })
    .getByRole('button', { name: /English/ })
    .click();
  await expect(h1(en.method.title)).toBeVisible();
  await expect(page.getByLabel(en.card.number, { exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

function escapeMoney(cents: number): string {
  return dollars(cents).replace(/[$.]/g, '\\$&');
}
