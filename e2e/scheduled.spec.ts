import type { Page } from '@playwright/test';
import { audit } from './support/axe';
import { dollars, registrableMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { CARDS, fillCard, type Lang, pressContinue, words } from './support/journey';
import { registerMember, signIn } from './support/member';

// Payments on a later date. Each test registers its own member: registrable members 10 and 11 (the
// Northwest region's second and third medical accounts, which no other test looks up), so the
// wallet and the scheduled payments seen here are theirs alone. The server's clock is real time:
// dates are counted from today in the region (America/Los_Angeles, as the browser's).

const TIME_ZONE = 'America/Los_Angeles';

function main(page: Page) {
  return page.getByRole('main');
}

/** Today's date in the region, 'YYYY-MM-DD'. */
function regionToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
}

function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/** How the page writes a date: 'Tuesday, December 1, 2026' / 'martes, 1 de diciembre de 2026'. */
function fullDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', {
    dateStyle: 'full',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}

function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface ApiBill {
  id: string;
  number: string;
  balanceCents: number;
  dueDate: string;
}

/** The member's open bill due last (the widest choice of dates), straight from the API. */
async function billDueLast(page: Page): Promise<ApiBill> {
  const res = await page.request.get('/api/v1/member/bills?status=open&limit=100');
  expect(res.status()).toBe(200);
  const bills = ((await res.json()) as { bills: ApiBill[] }).bills;
  const bill = [...bills].sort((a, b) => b.dueDate.localeCompare(a.dueDate))[0];
  if (!bill) throw new Error('the demo member has no open bills');
  // Room for a date a week ahead and a change to a later one.
  expect(bill.dueDate > addDays(regionToday(), 10), `bill ${bill.number} is due far enough ahead`).toBe(true);
  return bill;
}

async function typeDate(page: Page, iso: string, lang: Lang = 'en'): Promise<void> {
  const w = words(lang);
  const [year, month, day] = iso.split('-');
  const group = page.getByRole('group', { name: w.scheduled.date.legend });
  await group.getByLabel(w.dateInput.day, { exact: true }).fill(String(Number(day)));
  await group.getByLabel(w.dateInput.month, { exact: true }).fill(String(Number(month)));
  await group.getByLabel(w.dateInput.year, { exact: true }).fill(year ?? '');
}

/** From the dashboard: "Pay this bill" for `bill`, then the amount, then Continue to the method page. */
async function startPaying(page: Page, bill: ApiBill, amount: string | 'full', lang: Lang = 'en') {
  const w = words(lang);
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  await main(page)
    .getByRole('link', { name: new RegExp(`^${escapeRegExp(w.account.payBill)}.*${bill.number}`) })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: new RegExp(bill.number) })).toBeChecked();
  if (amount === 'full') {
    await page
      .getByRole('radio', {
        name: new RegExp(`^${escapeRegExp(w.bills.fullBalanceOf.split('{{')[0] ?? '')}`),
      })
      .check();
  } else {
    await page.getByRole('radio', { name: w.bills.otherAmount }).check();
    await page.getByLabel(w.bills.otherAmountLabel).fill(amount);
  }
  await pressContinue(page, lang);
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
}

test('schedule a payment with a saved card, see it, change it, cancel it; a date out of range is refused by the field', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const w = words('en');
  const member = await registerMember(page.request, registrableMember(10), 'scheduled');
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  // Nothing scheduled yet: no section on the dashboard.
  await expect(main(page).getByRole('heading', { name: w.scheduled.dashboard.title })).toHaveCount(0);
  const bill = await billDueLast(page);

  // A card in the wallet first.
  await page
    .getByRole('navigation', { name: w.serviceNav.label })
    .getByRole('link', { name: w.serviceNav.wallet })
    .click();
  await main(page).getByRole('link', { name: w.wallet.add }).click();
  await page.getByRole('radio', { name: w.wallet.card }).check();
  await fillCard(page, { number: CARDS.visa, name: member.name });
  await page.getByRole('button', { name: w.wallet.save }).click();
  await expect(page.getByRole('status').getByText('Visa ending in 4242 is saved.')).toBeVisible();

  // Pay $20.00 of the bill a week from today.
  const today = regionToday();
  const payOn = addDays(today, 7);
  await startPaying(page, bill, '20.00');
  await expect(page.getByRole('radio', { name: 'Visa ending in 4242' })).toBeChecked();
  await expect(page.getByRole('radio', { name: w.scheduled.when.today, exact: true })).toBeChecked();
  await page.getByRole('radio', { name: w.scheduled.when.later }).check();
  const dateGroup = page.getByRole('group', { name: w.scheduled.date.legend });
  await expect(dateGroup).toContainText(`Choose a date from ${fullDate(addDays(today, 1), 'en')}`);
  await typeDate(page, payOn);
  await pressContinue(page);

  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  await expect(main(page).getByText(fullDate(payOn, 'en'), { exact: true })).toBeVisible();
  await expect(main(page).getByText(/Nothing is charged today\./)).toBeVisible();
  await expect(
    main(page).getByText(w.scheduled.changeUntil.replace('{{date}}', fullDate(addDays(payOn, -1), 'en'))),
  ).toBeVisible();
  await page.getByRole('button', { name: `Pay $20.00 on ${fullDate(payOn, 'en')}` }).click();

  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.confirmation.title })).toBeVisible();
  await expect(
    main(page)
      .getByText(`$20.00 on ${fullDate(payOn, 'en')}`)
      .first(),
  ).toBeVisible();
  await expect(
    main(page).getByText(w.scheduled.changeUntil.replace('{{date}}', fullDate(addDays(payOn, -1), 'en'))),
  ).toBeVisible();
  // Nothing was charged: the bill still owes what it did.
  const after = await page.request.get(`/api/v1/member/bills/${bill.id}`);
  expect(((await after.json()) as { balanceCents: number }).balanceCents).toBe(bill.balanceCents);
  // Back does not show the form again.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.already.title })).toBeVisible();

  // The dashboard shows it, and links to the page of scheduled payments.
  await page.goto('/account');
  const section = main(page).getByRole('region', { name: w.scheduled.dashboard.title });
  await expect(section.getByText(`$20.00 on ${fullDate(payOn, 'en')}`)).toBeVisible();
  await section.getByRole('link', { name: w.scheduled.dashboard.seeAll }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.list.title })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: w.serviceNav.label }).getByRole('link', { name: w.scheduled.nav }),
  ).toHaveAttribute('aria-current', 'page');
  const first = `$20.00 on ${fullDate(payOn, 'en')}`;
  await expect(main(page).getByRole('heading', { level: 3, name: first })).toBeVisible();
  await expect(main(page).getByText(bill.number)).toBeVisible();

  // Change the amount and the date; first a date after the due date, refused next to the field.
  await main(page)
    .getByRole('link', { name: `Change the payment of ${first}` })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.change.title })).toBeVisible();
  await expect(page.getByLabel(w.scheduled.change.amount)).toHaveValue('20.00');
  await page.getByLabel(w.scheduled.change.amount).fill('25.00');
  await typeDate(page, addDays(bill.dueDate, 1));
  await page.getByRole('button', { name: w.scheduled.change.save }).click();
  const rangeMessage = `Choose a date from ${longDate(addDays(today, 1))} to ${longDate(bill.dueDate)}`;
  await expect(page.getByRole('alert').getByRole('link', { name: rangeMessage })).toBeVisible();
  await expect(page.getByRole('group', { name: w.scheduled.date.legend })).toContainText(
    `Error: ${rangeMessage}`,
  );
  await expect(page).toHaveTitle(/^Error: /);
  const newDate = addDays(today, 9);
  await typeDate(page, newDate);
  await page.getByRole('button', { name: w.scheduled.change.save }).click();
  const second = `$25.00 on ${fullDate(newDate, 'en')}`;
  await expect(page.getByRole('status').getByText(`Your payment is changed: ${second}.`)).toBeVisible();
  await expect(main(page).getByRole('heading', { level: 3, name: second })).toBeVisible();
  const api = await page.request.get('/api/v1/member/scheduled-payments');
  const [stored] = ((await api.json()) as { scheduledPayments: { amountCents: number; payOn: string }[] })
    .scheduledPayments;
  expect(stored).toMatchObject({ amountCents: 2500, payOn: newDate });

  // Too late (the server says so): a plain message and a way on, not a dead end.
  await main(page)
    .getByRole('link', { name: `Change the payment of ${second}` })
    .click();
  await page.route('**/api/v1/member/scheduled-payments/*', (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          json: { status: 409, code: 'scheduled_payment_locked', scheduledStatus: 'scheduled' },
        })
      : route.fallback(),
  );
  await page.getByLabel(w.scheduled.change.amount).fill('30.00');
  await page.getByRole('button', { name: w.scheduled.change.save }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.locked.title })).toBeVisible();
  await page.unroute('**/api/v1/member/scheduled-payments/*');
  await main(page).getByRole('link', { name: w.scheduled.seeAll }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.list.title })).toBeVisible();

  // Cancel it.
  await main(page)
    .getByRole('link', { name: `Cancel the payment of ${second}` })
    .click();
  await expect(
    page.getByRole('heading', {
      level: 1,
      name: `Are you sure you want to cancel your payment of ${second}?`,
    }),
  ).toBeVisible();
  await page.getByRole('button', { name: w.scheduled.cancel.yes }).click();
  await expect(page.getByRole('status').getByText(`Your payment of ${second} is canceled.`)).toBeVisible();
  await expect(main(page).getByText(w.scheduled.list.noneUpcoming)).toBeVisible();
  await expect(main(page).getByRole('heading', { level: 2, name: w.scheduled.list.past })).toBeVisible();
  await expect(main(page).getByText(w.scheduled.status.canceled, { exact: true })).toBeVisible();
  await expect(main(page).getByRole('link', { name: new RegExp(`^${w.scheduled.list.cancel}`) })).toHaveCount(
    0,
  );
  await page.goto('/account');
  await expect(main(page).getByRole('heading', { name: w.scheduled.dashboard.title })).toHaveCount(0);

  // Another one: a date after the due date, then today, are refused next to the field.
  await startPaying(page, bill, 'full');
  await page.getByRole('radio', { name: w.scheduled.when.later }).check();
  await typeDate(page, addDays(bill.dueDate, 1));
  await pressContinue(page);
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
  await expect(summary.getByRole('link', { name: rangeMessage })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: /);
  const group = page.getByRole('group', { name: w.scheduled.date.legend });
  await expect(group).toContainText(`Error: ${rangeMessage}`);
  await summary.getByRole('link', { name: rangeMessage }).click();
  await expect(group.getByLabel(w.dateInput.day, { exact: true })).toBeFocused();
  await typeDate(page, today);
  await pressContinue(page);
  await expect(group).toContainText(`Error: ${rangeMessage}`);
  await group.getByLabel(w.dateInput.day, { exact: true }).fill('31');
  await group.getByLabel(w.dateInput.month, { exact: true }).fill('2');
  await pressContinue(page);
  await expect(group).toContainText('The date must be a real date');
  // A good date goes through.
  const third = addDays(today, 5);
  await typeDate(page, third);
  await pressContinue(page);
  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  await page
    .getByRole('button', { name: `Pay ${dollars(bill.balanceCents)} on ${fullDate(third, 'en')}` })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.scheduled.confirmation.title })).toBeVisible();
});

test('the scheduled-payment pages have no axe violations at 320 px (en, es)', async ({ page }) => {
  test.setTimeout(240_000);
  const member = await registerMember(page.request, registrableMember(11), 'scheduled-axe');
  await page.setViewportSize({ width: 320, height: 640 });
  const today = regionToday();
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: words('en').account.title })).toBeVisible();
  const bill = await billDueLast(page);

  for (const lang of ['en', 'es'] as const) {
    const w = words(lang);
    // The language as the switch stores it, before the next page loads (the switch is tested elsewhere).
    await page.evaluate((l) => window.localStorage.setItem('settle.lang', l), lang);
    if (lang === 'en') {
      await page.goto('/account/scheduled-payments');
      await expect(main(page).getByText(w.scheduled.list.none)).toBeVisible();
      await audit(page, `${lang}: no scheduled payments`);
    }
    const payOn = addDays(today, lang === 'en' ? 6 : 8);

    await startPaying(page, bill, '15.00', lang);
    await page.getByRole('radio', { name: w.scheduled.when.later }).check();
    if (lang === 'en') {
      // No saved method yet: a new card, which is saved for the date.
      await page.getByRole('radio', { name: w.method.card }).check();
      await fillCard(page, { number: CARDS.visa, name: member.name }, lang);
      await expect(main(page).getByText(w.scheduled.when.saveCardNeeded)).toBeVisible();
    }
    await audit(page, `${lang}: method page, later date`);
    await typeDate(page, addDays(bill.dueDate, 5), lang);
    await pressContinue(page, lang);
    await expect(page.getByRole('alert')).toBeVisible();
    await audit(page, `${lang}: method page, date out of range`);
    await typeDate(page, payOn, lang);
    await pressContinue(page, lang);
    await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
    await audit(page, `${lang}: review, later date`);
    await page
      .getByRole('button', { name: new RegExp(`^${lang === 'es' ? 'Pagar' : 'Pay'} \\$15\\.00 `) })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: w.scheduled.confirmation.title })).toBeVisible();
    if (lang === 'en') await expect(main(page).getByText(w.scheduled.confirmation.savedCard)).toBeVisible();
    await audit(page, `${lang}: payment scheduled`);

    await page.goto('/account');
    await expect(main(page).getByRole('heading', { name: w.scheduled.dashboard.title })).toBeVisible();
    await audit(page, `${lang}: dashboard with scheduled payments`);
    await main(page).getByRole('link', { name: w.scheduled.dashboard.seeAll }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.scheduled.list.title })).toBeVisible();
    await audit(page, `${lang}: scheduled payments`);

    await main(page)
      .getByRole('link', { name: new RegExp(`^${w.scheduled.list.change} `) })
      .first()
      .click();
    await expect(page.getByRole('heading', { level: 1, name: w.scheduled.change.title })).toBeVisible();
    await audit(page, `${lang}: change`);
    await page.getByLabel(w.scheduled.change.amount).fill('');
    await typeDate(page, addDays(bill.dueDate, 1), lang);
    await page.getByRole('button', { name: w.scheduled.change.save }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await audit(page, `${lang}: change, errors`);
    await page.route('**/api/v1/member/scheduled-payments/*', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 409,
            contentType: 'application/problem+json',
            json: { status: 409, code: 'scheduled_payment_locked', scheduledStatus: 'scheduled' },
          })
        : route.fallback(),
    );
    await page.getByLabel(w.scheduled.change.amount).fill('16.00');
    await typeDate(page, payOn, lang);
    await page.getByRole('button', { name: w.scheduled.change.save }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.scheduled.locked.title })).toBeVisible();
    await audit(page, `${lang}: too late to change`);
    await page.unroute('**/api/v1/member/scheduled-payments/*');

    await page.goto('/account/scheduled-payments');
    await main(page)
      .getByRole('link', { name: new RegExp(`^${w.scheduled.list.cancel} `) })
      .first()
      .click();
    await expect(page.getByRole('button', { name: w.scheduled.cancel.yes })).toBeVisible();
    await audit(page, `${lang}: cancel`);
    await page.getByRole('button', { name: w.scheduled.cancel.yes }).click();
    await expect(main(page).getByRole('heading', { level: 2, name: w.scheduled.list.past })).toBeVisible();
    await audit(page, `${lang}: canceled, with a past payment`);
  }
});
