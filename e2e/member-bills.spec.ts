import type { Page } from '@playwright/test';
import { dollars, registeredMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { words } from './support/journey';
import { signIn } from './support/member';

// Only looks at bills (registered member 6 with people; member-wallet.spec.ts changes only their wallet).

const w = words('en');

function main(page: Page) {
  return page.getByRole('main');
}

interface ApiBill {
  id: string;
  kind: string;
  number: string;
  balanceCents: number;
  dueDate: string;
}

test('the bills list filters, shows more, and opens a bill with its charges, PDF and Pay button', async ({
  page,
}) => {
  const member = registeredMember(6, { withPeople: true });
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  const all = (
    (await (await page.request.get('/api/v1/member/bills?limit=100')).json()) as { bills: ApiBill[] }
  ).bills;
  expect(all.length).toBeGreaterThan(4);

  // Pages of 4, so "Show more bills" has something to do.
  await page.route('**/api/v1/member/bills?*', (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('limit', '4');
    return route.continue({ url: url.toString() });
  });
  await page
    .getByRole('navigation', { name: w.serviceNav.label })
    .getByRole('link', { name: 'Bills' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.memberBills.title })).toBeVisible();
  const rows = main(page).getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(1 + 4);
  const more = main(page).getByRole('button', { name: w.memberBills.more });
  while ((await more.count()) > 0) {
    const before = await rows.count();
    await more.click();
    await expect(rows).not.toHaveCount(before);
  }
  await expect(rows).toHaveCount(1 + all.length);
  await page.unroute('**/api/v1/member/bills?*');

  // Only hospital bills still to pay.
  await page.getByRole('radio', { name: w.memberBills.status.open }).check();
  await page.getByLabel(w.memberBills.kindLabel).selectOption({ label: w.memberBills.kind.hospital });
  await main(page).getByRole('button', { name: w.memberBills.apply }).click();
  await expect(page).toHaveURL(/status=open&kind=hospital/);
  const hospital = all.filter((b) => b.kind === 'hospital');
  await expect(rows).toHaveCount(1 + hospital.length);
  const bill = hospital[0];
  if (!bill) throw new Error('no hospital bill');

  await main(page)
    .getByRole('link', { name: `Hospital bill ${bill.number}` })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: `Hospital bill ${bill.number}` })).toBeVisible();
  await expect(main(page).getByText(w.account.balance, { exact: true }).first()).toBeVisible();
  await expect(main(page).getByText(dollars(bill.balanceCents), { exact: true }).first()).toBeVisible();
  await expect(main(page).getByRole('table', { name: `Charges on bill ${bill.number}` })).toBeVisible();
  await expect(
    page.getByRole('heading', { level: 2, name: w.memberBills.detail.paymentsTitle }),
  ).toBeVisible();
  const pdf = main(page).getByRole('link', { name: w.memberBills.detail.download });
  const res = await page.request.get((await pdf.getAttribute('href')) ?? '');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/pdf');

  await main(page).getByRole('link', { name: w.account.payBill }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: new RegExp(bill.number) })).toBeChecked();
});
