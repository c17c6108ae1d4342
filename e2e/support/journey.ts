import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { BANK, futureExpiry, type Lang, words } from './words';

export { BANK, CARDS, futureExpiry, type Lang, words } from './words';

let regionNames: Record<string, { en: string; es: string }> | null = null;

export async function regionName(request: APIRequestContext, regionId: string, lang: Lang): Promise<string> {
  if (!regionNames) {
    const res = await request.get('/api/v1/organization');
    const org = (await res.json()) as { regions: { id: string; name: { en: string; es: string } }[] };
    regionNames = Object.fromEntries(org.regions.map((r) => [r.id, r.name]));
  }
  const name = regionNames[regionId];
  if (!name) throw new Error(`Unknown region ${regionId}`);
  return name[lang];
}

export async function pressContinue(page: Page, lang: Lang = 'en'): Promise<void> {
  await page.getByRole('button', { name: words(lang).common.continue, exact: true }).click();
}

/** Start page → region → kind of bill; leaves the page on the lookup form. */
export async function startPayment(
  page: Page,
  options: { regionId: string; kind: 'medical' | 'premium'; lang?: Lang },
): Promise<void> {
  const lang = options.lang ?? 'en';
  const w = words(lang);
  await page.goto('/');
  await page.getByRole('link', { name: w.start.startButton }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.region.title })).toBeVisible();
  await page
    .getByRole('radio', { name: await regionName(page.request, options.regionId, lang), exact: true })
    .check();
  await pressContinue(page, lang);
  await expect(page.getByRole('heading', { level: 1, name: w.billType.title })).toBeVisible();
  await page.getByRole('radio', { name: w.billType[options.kind].label }).check();
  await pressContinue(page, lang);
}

export async function findMedicalBill(
  page: Page,
  account: { accountNumber: string; postalCode: string },
  lang: Lang = 'en',
): Promise<void> {
  const w = words(lang);
  await page.getByLabel(w.lookup.accountNumber, { exact: true }).fill(account.accountNumber);
  await page.getByLabel(w.lookup.medical.zip, { exact: true }).fill(account.postalCode);
  await page.getByRole('button', { name: w.lookup.submit }).click();
}

export async function findPremiumBill(
  page: Page,
  account: { accountNumber: string; invoiceNumber: string; lastName: string },
  lang: Lang = 'en',
): Promise<void> {
  const w = words(lang);
  await page.getByLabel(w.lookup.accountNumber, { exact: true }).fill(account.accountNumber);
  await page.getByLabel(w.lookup.premium.invoice, { exact: true }).fill(account.invoiceNumber);
  await page.getByLabel(w.lookup.premium.lastName, { exact: true }).fill(account.lastName);
  await page.getByRole('button', { name: w.lookup.submit }).click();
}

/** On "What you owe": tick the bills and choose the amount, then Continue. */
export async function chooseBills(
  page: Page,
  options: { billNumbers: string[]; amount?: 'full' | string; lang?: Lang },
): Promise<void> {
  const lang = options.lang ?? 'en';
  const w = words(lang);
  await expect(page.getByRole('heading', { level: 1, name: w.bills.title })).toBeVisible();
  for (const n of options.billNumbers) await page.getByRole('checkbox', { name: new RegExp(n) }).check();
  if (!options.amount || options.amount === 'full') {
    await page
      .getByRole('radio', {
        name: new RegExp(`^${escapeRegExp(w.bills.fullBalanceOf.split('{{')[0] ?? '')}`),
      })
      .check();
  } else {
    await page.getByRole('radio', { name: w.bills.otherAmount }).check();
    await page.getByLabel(w.bills.otherAmountLabel).fill(options.amount);
  }
  await pressContinue(page, lang);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface CardInput {
  number: string;
  expiry?: string;
  cvc?: string;
  name?: string;
  zip?: string;
}

/** Fills the processor's card fields (the method radio must already be on "card"). */
export async function fillCard(page: Page, card: CardInput, lang: Lang = 'en'): Promise<void> {
  const w = words(lang);
  await page.getByLabel(w.card.number, { exact: true }).fill(card.number);
  await page.getByLabel(w.card.expiry, { exact: true }).fill(card.expiry ?? futureExpiry());
  await page.getByLabel(w.card.cvc, { exact: true }).fill(card.cvc ?? '123');
  await page.getByLabel(w.card.name, { exact: true }).fill(card.name ?? 'Test Payer');
  await page.getByLabel(w.card.zip, { exact: true }).fill(card.zip ?? '95814');
}

/** "How do you want to pay?" → card → fields → Continue; lands on the review page. */
export async function payWithCard(
  page: Page,
  card: CardInput,
  options: { email?: string; lang?: Lang } = {},
) {
  const lang = options.lang ?? 'en';
  const w = words(lang);
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
  await page.getByRole('radio', { name: w.method.card }).check();
  await fillCard(page, card, lang);
  if (options.email) await page.getByLabel(w.method.email).fill(options.email);
  await pressContinue(page, lang);
}

export async function payWithBank(
  page: Page,
  options: { email?: string; lang?: Lang; holder?: string; accountNumber?: string } = {},
) {
  const lang = options.lang ?? 'en';
  const w = words(lang);
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
  await page.getByRole('radio', { name: w.method.bank }).check();
  await page.getByLabel(w.bank.holderName, { exact: true }).fill(options.holder ?? 'Test Payer');
  await page.getByRole('radio', { name: w.bank.checking, exact: true }).check();
  await page.getByLabel(w.bank.routing, { exact: true }).fill(BANK.routingNumber);
  await page.getByLabel(w.bank.account, { exact: true }).fill(options.accountNumber ?? BANK.accountNumber);
  if (options.email) await page.getByLabel(w.method.email).fill(options.email);
  await pressContinue(page, lang);
}

/** The review page's "Pay $x" button. */
export function payButton(page: Page, lang: Lang = 'en') {
  return page.getByRole('button', { name: new RegExp(`^${lang === 'es' ? 'Pagar' : 'Pay'} \\$`) });
}

/** Current balances straight from the API, with the guest token the page keeps in sessionStorage. */
export async function apiBalances(page: Page): Promise<Record<string, number>> {
  const token = await page.evaluate(() => {
    const raw = sessionStorage.getItem('settle.guest-journey');
    return raw ? ((JSON.parse(raw) as { session?: { token: string } }).session?.token ?? null) : null;
  });
  if (!token) throw new Error('No guest session in this page');
  const res = await page.request.get('/api/v1/guest/bills', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { bills: { number: string; balanceCents: number }[] };
  return Object.fromEntries(body.bills.map((b) => [b.number, b.balanceCents]));
}
