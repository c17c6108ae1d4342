import { Temporal } from 'temporal-polyfill';
import { audit } from './support/axe';
import { registrableMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { payButton, payWithBank, pressContinue, words } from './support/journey';
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

// A bank payment the bank returns because there was not enough money (R01): the member is told, by
// email and on the dashboard, the day we ask the bank again, and on that day the bill is paid. The
// clock moves past the sandbox's settlement delay and then to that day, so the journey runs on a
// server of its own (support/own-server.ts), as a registrable member (2) no other spec there uses.

/** Sandbox bank account: returned R01 the first time, settles when presented again. */
const SHORT_OF_MONEY_ONCE = '000222222235';

let server: OwnServer | null = null;
test.beforeAll(async () => {
  test.setTimeout(150_000);
  server = await startOwnServer('bank-return');
});
test.afterAll(async () => {
  await server?.stop();
});

test('a bank payment returned for lack of funds: we say when we ask the bank again, and then the bill is paid', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  if (!server) throw new Error('no server');
  const context = await browser.newContext({ baseURL: server.url, locale: 'en-US', timezoneId: TIME_ZONE });
  const page = await context.newPage();
  const request = context.request;
  const w = words('en');
  const main = page.getByRole('main');
  const member = await registerMember(request, registrableMember(2), 'bank-return');
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();

  // Pay the first bill in full from the bank account.
  await main
    .getByRole('link', { name: new RegExp(`^${w.account.payBill}`) })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
  const fullBalance = page.getByRole('radio', {
    name: new RegExp(`^${w.bills.fullBalanceOf.split('{{')[0]}`),
  });
  const label = await fullBalance.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '');
  const amount = /\$[\d,]+\.\d\d/.exec(label)?.[0];
  if (!amount) throw new Error('no full balance on the pay page');
  await fullBalance.check();
  await pressContinue(page);
  await payWithBank(page, { accountNumber: SHORT_OF_MONEY_ONCE, holder: member.name });
  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  await page.getByRole('checkbox', { name: /I agree to this authorization/ }).check();
  await payButton(page).click();
  await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
  const billsBefore = (await (await request.get('/api/v1/member/bills?status=open&limit=100')).json()) as {
    bills: unknown[];
  };

  // After the sandbox's settlement delay the bank returns it; we ask again 3 days later, or the
  // Monday after when that is a weekend.
  const { now, today } = await serverToday(request);
  await moveClockTo(request, now.add({ minutes: 2 }));
  let presentOn = today.add({ days: 3 });
  if (presentOn.dayOfWeek > 5) presentOn = presentOn.add({ days: 8 - presentOn.dayOfWeek });
  const returned = await mailTo(request, member.email, `Your bank returned your payment of ${amount}`);
  expect(returned.text).toContain('There was not enough money in the account.');
  expect(returned.text).toContain(
    `We will ask your bank for this payment again on ${longDate(presentOn.toString())}, for the same amount.`,
  );

  await openSignedIn(page, '/account', member, w.account.title);
  const notice = main.getByRole('region', { name: w.account.bankRetry.title });
  await expect(notice).toContainText(`Your bank returned ${amount} from your bank account ending in 2235`);
  await expect(notice).toContainText(fullDate(presentOn.toString()));
  await expect(notice).toContainText(w.account.bankRetry.payInstead);
  const payments = main.getByRole('table', { name: w.account.payments.title });
  await expect(payments.getByRole('cell', { name: w.account.payments.status.returned })).toBeVisible();
  await audit(page, 'dashboard with a bank retry');

  // On that day, from 5 am Pacific, the bank is asked again and the money is there this time.
  await moveClockTo(
    request,
    presentOn
      .toZonedDateTime({ timeZone: TIME_ZONE, plainTime: Temporal.PlainTime.from('05:10') })
      .toInstant(),
  );
  // The session ended while the days passed: sign in again, then wait for the worker's run.
  await openSignedIn(page, '/account', member, w.account.title);
  await expect
    .poll(
      async () => {
        const res = await request.get('/api/v1/member/dashboard');
        if (res.status() !== 200) return null;
        return ((await res.json()) as { bankRetries: unknown[] }).bankRetries.length;
      },
      { message: 'the debit presented again', timeout: 30_000 },
    )
    .toBe(0);
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: w.account.billsToPay })).toBeVisible();
  await expect(main.getByRole('region', { name: w.account.bankRetry.title })).toHaveCount(0);
  await expect(payments.getByRole('cell', { name: w.account.payments.status.succeeded })).toBeVisible();
  await expect(payments.getByRole('cell', { name: w.account.payments.status.returned })).toBeVisible();
  const billsAfter = (await (await request.get('/api/v1/member/bills?status=open&limit=100')).json()) as {
    bills: unknown[];
  };
  expect(billsAfter.bills.length).toBe(billsBefore.bills.length);
  await context.close();
});
