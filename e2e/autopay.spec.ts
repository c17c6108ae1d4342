import type { Page } from '@playwright/test';
import { Temporal } from 'temporal-polyfill';
import { audit } from './support/axe';
import { dollars, registrableMember } from './support/demo';
import { expect, test, useLanguage } from './support/fixtures';
import { BANK, CARDS, fillCard, words } from './support/journey';
import { registerMember, signIn } from './support/member';
import {
  fullDate,
  longDate,
  mailTo,
  moveClockTo,
  type OwnServer,
  openSignedIn,
  serverToday,
  startOwnServer,
  TIME_ZONE,
} from './support/own-server';

// Automatic payments. Each test registers its own member, on demo accounts no other spec pays:
// registrable 3 (Southern California's third medical account) for the journey, 4 and 5 (Hawaii's
// second and third) for the axe checks, and 7 (Colorado's third) where autopay is not offered.
//
// The journey moves the clock (POST /dev/clock) to see a notice and a charge come due, so it runs
// on a server of its own (support/own-server.ts).
function main(page: Page) {
  return page.getByRole('main');
}

/** The app's words with their {{placeholders}} filled in. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key] ?? ''));
}

/** Saves a card or bank account through the API, as the wallet page does (for the axe checks). */
async function saveMethod(page: Page, kind: 'card' | 'bank') {
  const session = await page.request.get('/api/v1/member/session');
  const csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  const tokenized = await page.request.post('/sandbox/v1/tokens', {
    data:
      kind === 'card'
        ? { type: 'card', card: { number: CARDS.visa, expMonth: 12, expYear: 2035, cvc: '123' } }
        : {
            type: 'bank',
            bank: { ...BANK, accountType: 'checking', holderName: 'Test Payer' },
          },
  });
  expect(tokenized.status()).toBe(201);
  const { token } = (await tokenized.json()) as { token: string };
  const saved = await page.request.post('/api/v1/member/payment-methods', {
    headers: { 'x-csrf-token': csrf },
    data: { paymentToken: token },
  });
  expect(saved.status()).toBe(201);
}

for (const [lang, index] of [
  ['en', 4],
  ['es', 5],
] as const) {
  test(`automatic payment pages and their error states have no axe violations (${lang}, 320px)`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const w = words(lang);
    const member = await registerMember(page.request, registrableMember(index), `autopay-axe-${lang}`);
    await page.setViewportSize({ width: 320, height: 640 });
    await useLanguage(page, lang);
    await page.goto('/sign-in');
    await signIn(page, member, lang);
    await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
    const account = fill(w.autopay.account.medical, { name: member.name });

    await page.goto('/account/autopay');
    await expect(page.getByRole('heading', { level: 2, name: account })).toBeVisible();
    await audit(page, 'automatic payments: off');
    await main(page)
      .getByRole('link', { name: new RegExp(`^${w.autopay.setUp}`) })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: w.autopay.setup.titleNew })).toBeVisible();
    await expect(main(page).getByText(w.autopay.setup.noMethods)).toBeVisible();
    await audit(page, 'set up: no saved methods');
    await page.getByRole('button', { name: w.autopay.setup.submitNew }).click();
    await expect(page.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
    await audit(page, 'set up: errors, no saved methods');

    // A card and a bank account in the wallet; the bank account needs its authorization.
    await saveMethod(page, 'card');
    await saveMethod(page, 'bank');
    await page.reload();
    await page.getByRole('radio', { name: w.autopay.setup.fixed }).check();
    await page.getByLabel(w.autopay.setup.fixedAmount).fill('ten');
    await page.getByRole('radio', { name: fill(w.review.bankChecking, { last4: '6789' }) }).check();
    await expect(
      page.getByRole('heading', { level: 2, name: w.autopay.setup.authorizationTitle }),
    ).toBeVisible();
    await page.getByRole('button', { name: w.autopay.setup.submitNew }).click();
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('link', { name: w.autopay.setup.errors.fixedAmount })).toBeVisible();
    await expect(summary.getByRole('link', { name: w.autopay.setup.errors.dayOfMonth })).toBeVisible();
    await expect(summary.getByRole('link', { name: w.autopay.setup.errors.authorize })).toBeVisible();
    await audit(page, 'set up: errors, fixed amount from a bank account');

    await page.getByLabel(w.autopay.setup.fixedAmount).fill('25.00');
    await page.getByLabel(w.autopay.setup.dayOfMonth).fill('15');
    await page.getByRole('checkbox', { name: w.autopay.setup.authorize }).check();
    await page.getByRole('button', { name: w.autopay.setup.submitNew }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.autopay.on.title })).toBeVisible();
    await audit(page, 'automatic payments are on');

    await main(page).getByRole('link', { name: w.autopay.on.seeAll }).click();
    await expect(
      main(page).getByRole('heading', { level: 3, name: w.autopay.facts.authorization }),
    ).toBeVisible();
    await audit(page, 'automatic payments: on, from a bank account');
    await page.goto('/account');
    await expect(page.getByRole('heading', { level: 2, name: w.autopay.dashboard.title })).toBeVisible();
    await audit(page, 'dashboard with automatic payments');

    // Turn them off (which also leaves nothing of this member's for the worker to charge).
    await page.goto('/account/autopay');
    await main(page)
      .getByRole('link', { name: new RegExp(`^${w.autopay.turnOff}`) })
      .click();
    const inSentence = account.charAt(0).toLowerCase() + account.slice(1);
    await expect(
      page.getByRole('heading', { level: 1, name: fill(w.autopay.off.title, { account: inSentence }) }),
    ).toBeVisible();
    await audit(page, 'turn off: are you sure?');
    await page.getByRole('button', { name: w.autopay.off.yes }).click();
    await expect(
      page.getByRole('status').filter({ hasText: fill(w.autopay.off.done, { account: inSentence }) }),
    ).toBeVisible();
    await expect(main(page).getByRole('link', { name: new RegExp(`^${w.autopay.setUp}`) })).toBeVisible();
    await audit(page, 'automatic payments: turned off');
  });
}

test('where automatic payments are not offered, the page says why and how to pay instead', async ({
  page,
}) => {
  const member = await registerMember(page.request, registrableMember(7), 'autopay-colorado');
  const org = (await (await page.request.get('/api/v1/organization')).json()) as {
    regions: { id: string; autopay: { explanation?: { en: string; es: string } } }[];
  };
  const explanation = org.regions.find((r) => r.id === 'colorado')?.autopay.explanation;
  expect(explanation).toBeDefined();
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: words('en').account.title })).toBeVisible();
  // Nothing to set up: the dashboard has no automatic payments section.
  await expect(
    page.getByRole('heading', { level: 2, name: words('en').autopay.dashboard.title }),
  ).toHaveCount(0);
  for (const lang of ['en', 'es'] as const) {
    const w = words(lang);
    // The language switch's choice, as the header keeps it.
    await page.evaluate((l) => localStorage.setItem('settle.lang', l), lang);
    await page.goto('/account/autopay');
    await expect(page.getByRole('heading', { level: 1, name: w.autopay.title })).toBeVisible();
    await expect(main(page).getByText(explanation?.[lang] ?? '')).toBeVisible();
    await expect(main(page).getByRole('link', { name: w.autopay.setUp })).toHaveCount(0);
    await main(page).getByRole('link', { name: w.autopay.unavailable.payInstead }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
    await page.goBack();
    await expect(main(page).getByText(explanation?.[lang] ?? '')).toBeVisible();
    await audit(page, `automatic payments not offered (${lang})`);
  }
});

test.describe('automatic payments over time', () => {
  let server: OwnServer | null = null;
  test.beforeAll(async () => {
    test.setTimeout(150_000);
    server = await startOwnServer('autopay');
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('set up with a saved card; we tell you 3 days before, pay the bill on its due date, and ask first above the limit', async ({
    browser,
  }) => {
    test.setTimeout(180_000);
    if (!server) throw new Error('no server');
    const context = await browser.newContext({
      baseURL: server.url,
      locale: 'en-US',
      timezoneId: TIME_ZONE,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const request = context.request;
    const w = words('en');
    const member = await registerMember(request, registrableMember(3), 'autopay');
    const account = fill(w.autopay.account.medical, { name: member.name });
    await page.goto('/sign-in');
    await signIn(page, member);
    await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();

    // The dashboard says automatic payments are off, and links to them.
    const dashboardSection = main(page).getByRole('region', { name: w.autopay.dashboard.title });
    await expect(dashboardSection.getByText(account)).toBeVisible();
    await expect(
      dashboardSection.getByText(`${w.autopay.status.label} ${w.autopay.status.off}`, { exact: true }),
    ).toBeVisible();
    await page
      .getByRole('navigation', { name: w.serviceNav.label })
      .getByRole('link', { name: w.autopay.nav })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: w.autopay.title })).toBeVisible();
    const accountSection = main(page).getByRole('region', { name: account });
    await expect(accountSection.getByText(w.autopay.offBody)).toBeVisible();
    await accountSection.getByRole('link', { name: new RegExp(`^${w.autopay.setUp}`) }).click();

    // No saved method yet: the page says so and links to the wallet; sending it anyway explains.
    await expect(page.getByRole('heading', { level: 1, name: w.autopay.setup.titleNew })).toBeVisible();
    await page.getByRole('button', { name: w.autopay.setup.submitNew }).click();
    const summary = page.getByRole('alert');
    await expect(summary.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
    await expect(summary.getByRole('link', { name: w.autopay.setup.errors.amountRule })).toBeVisible();
    await expect(summary.getByRole('link', { name: w.autopay.setup.errors.noMethods })).toBeVisible();
    await expect(page).toHaveTitle(new RegExp(`^${w.common.errorPrefix}`));

    await main(page).getByRole('link', { name: w.autopay.setup.addMethod, exact: true }).click();
    await page.getByRole('radio', { name: w.wallet.card }).check();
    await fillCard(page, { number: CARDS.visa, name: member.name });
    await page.getByRole('button', { name: w.wallet.save }).click();
    await expect(page.getByRole('status').getByText('Visa ending in 4242 is saved.')).toBeVisible();

    // Back to automatic payments: the full balance of each bill, on its due date, from the Visa.
    await page
      .getByRole('navigation', { name: w.serviceNav.label })
      .getByRole('link', { name: w.autopay.nav })
      .click();
    await main(page)
      .getByRole('region', { name: account })
      .getByRole('link', { name: new RegExp(`^${w.autopay.setUp}`) })
      .click();
    await page.getByRole('radio', { name: w.autopay.setup.statementBalance }).check();
    await page
      .getByRole('group', { name: w.autopay.setup.whenLegend })
      .getByRole('radio', { name: w.autopay.setup.dueDate })
      .check();
    await expect(page.getByRole('radio', { name: 'Visa ending in 4242' })).toBeChecked();
    // No confirmed mobile number: a hint to the profile instead of "Also text me".
    await expect(page.getByRole('checkbox', { name: w.autopay.setup.text })).toHaveCount(0);
    await expect(main(page).getByRole('link', { name: w.autopay.setup.profileLink })).toBeVisible();
    await page.getByRole('button', { name: w.autopay.setup.submitNew }).click();

    await expect(page.getByRole('heading', { level: 1, name: w.autopay.on.title })).toBeVisible();
    await expect(main(page).getByText(w.autopay.rule.statementBalance)).toBeVisible();
    await expect(main(page).getByText(w.autopay.when.dueDate)).toBeVisible();
    await mailTo(request, member.email, 'Your Evergreen Health Plan automatic payments are on');
    await main(page).getByRole('link', { name: w.autopay.on.seeAll }).click();
    const enrolled = main(page).getByRole('region', { name: account });
    await expect(
      enrolled.getByText(`${w.autopay.status.label} ${w.autopay.status.active}`, { exact: true }),
    ).toBeVisible();
    await expect(enrolled.getByText('Visa ending in 4242')).toBeVisible();
    await expect(enrolled.getByRole('link', { name: new RegExp(`^${w.autopay.change}`) })).toBeVisible();
    await expect(enrolled.getByRole('link', { name: new RegExp(`^${w.autopay.turnOff}`) })).toBeVisible();
    await page.goto('/account');
    await expect(
      dashboardSection.getByText(`${w.autopay.status.label} ${w.autopay.status.active}`, { exact: true }),
    ).toBeVisible();

    // The bill due first. Its notice is due 3 days before its due date, in the region's calendar.
    const dashboard = (await (await request.get('/api/v1/member/dashboard')).json()) as {
      people: { bills: { id: string; number: string; balanceCents: number; dueDate: string }[] }[];
    };
    const bill = dashboard.people
      .flatMap((p) => p.bills)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
    if (!bill) throw new Error('the demo member has no open bills');
    const amount = dollars(bill.balanceCents);

    try {
      const { today } = await serverToday(request);
      const daysToNotice = today.until(Temporal.PlainDate.from(bill.dueDate).subtract({ days: 3 })).days;
      if (daysToNotice > 0) {
        const moved = await request.post('/dev/clock', { data: { days: daysToNotice } });
        expect(moved.status()).toBe(200);
      }
      // The worker (every second) tells the member by email.
      const notice = await mailTo(request, member.email, `Your automatic payment of ${amount} is on `);
      expect(notice.subject).toBe(`Your automatic payment of ${amount} is on ${longDate(bill.dueDate)}`);
      expect(notice.text).toMatch(/Visa ending (in )?4242/);

      // Days later the session has ended: sign in again, and the payment is there, coming up.
      await openSignedIn(page, '/account/autopay', member, w.autopay.title);
      const itemHeading = fill(w.autopay.items.item, { amount, date: fullDate(bill.dueDate) });
      const item = main(page)
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { level: 3, name: itemHeading }) });
      await expect(item.getByText(w.autopay.items.status.noticed, { exact: true })).toBeVisible();
      await expect(item.getByRole('link', { name: bill.number })).toBeVisible();
      await expect(
        item.getByText(
          fill(w.autopay.items.noticed, {
            amount,
            method: 'Visa ending in 4242',
            date: fullDate(bill.dueDate),
          }),
        ),
      ).toBeVisible();

      // On the due date, after 5 am in the region, the worker charges it and emails the receipt.
      const sixAm = Temporal.PlainDate.from(bill.dueDate)
        .toZonedDateTime({ timeZone: TIME_ZONE, plainTime: '06:00' })
        .toInstant();
      await moveClockTo(request, sixAm);
      await mailTo(request, member.email, 'Your payment to Evergreen Health Plan: confirmation');
      await openSignedIn(page, '/account/autopay', member, w.autopay.title);
      await expect(main(page).getByRole('heading', { level: 2, name: w.autopay.items.past })).toBeVisible();
      const paid = main(page)
        .getByRole('listitem')
        .filter({ has: page.getByRole('heading', { level: 3, name: itemHeading }) });
      await expect(paid.getByText(w.autopay.items.status.paid, { exact: true })).toBeVisible();
      await paid.getByRole('link', { name: new RegExp(`^${w.autopay.items.seePayment}`) }).click();
      await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
      await expect(main(page).getByText(amount).first()).toBeVisible();
      const after = await request.get(`/api/v1/member/bills/${bill.id}`);
      expect(((await after.json()) as { balanceCents: number }).balanceCents).toBe(0);

      // A limit below the next bill: its payment waits for the member's approval.
      const next = dashboard.people
        .flatMap((p) => p.bills)
        .filter((b) => b.dueDate > bill.dueDate)
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
      if (!next) throw new Error('the demo member has no second bill');
      const nextAmount = dollars(next.balanceCents);
      const limit = Math.floor(next.balanceCents / 2);
      await page.goto('/account/autopay');
      await main(page)
        .getByRole('region', { name: account })
        .getByRole('link', { name: new RegExp(`^${w.autopay.change}`) })
        .click();
      await expect(page.getByRole('heading', { level: 1, name: w.autopay.setup.titleChange })).toBeVisible();
      await expect(page.getByRole('radio', { name: w.autopay.setup.statementBalance })).toBeChecked();
      await page.getByLabel(w.autopay.setup.limit).fill((limit / 100).toFixed(2));
      await page.getByRole('button', { name: w.autopay.setup.submitChange }).click();
      await expect(page.getByRole('heading', { level: 1, name: w.autopay.on.title })).toBeVisible();
      await expect(main(page).getByText(w.autopay.on.changed)).toBeVisible();
      await expect(
        main(page).getByText(fill(w.autopay.limit.some, { amount: dollars(limit) })),
      ).toBeVisible();

      const noonBefore = Temporal.PlainDate.from(next.dueDate)
        .subtract({ days: 3 })
        .toZonedDateTime({ timeZone: TIME_ZONE, plainTime: '12:00' })
        .toInstant();
      await moveClockTo(request, noonBefore);
      await mailTo(request, member.email, `Approve your automatic payment of ${nextAmount}`);
      await openSignedIn(page, '/account/autopay', member, w.autopay.title);
      const waiting = main(page)
        .getByRole('listitem')
        .filter({
          has: page.getByRole('heading', {
            level: 3,
            name: fill(w.autopay.items.item, { amount: nextAmount, date: fullDate(next.dueDate) }),
          }),
        });
      await expect(waiting.getByText(w.autopay.items.status.needs_approval, { exact: true })).toBeVisible();
      await expect(
        waiting.getByText(
          fill(w.autopay.items.needsApproval, {
            limit: dollars(limit),
            amount: nextAmount,
            date: fullDate(next.dueDate),
          }),
        ),
      ).toBeVisible();
      await waiting.getByRole('button', { name: new RegExp(`^${w.autopay.items.approve}`) }).click();
      await expect(
        page.getByRole('status').filter({
          hasText: fill(w.autopay.items.approved, { amount: nextAmount, date: fullDate(next.dueDate) }),
        }),
      ).toBeVisible();
      await expect(waiting.getByText(w.autopay.items.status.noticed, { exact: true })).toBeVisible();
    } finally {
      await request.delete('/dev/clock');
      await context.close();
    }
    expect(errors, 'errors in the browser console').toEqual([]);
  });
});
