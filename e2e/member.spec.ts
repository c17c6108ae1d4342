import type { Page } from '@playwright/test';
import { dollars, registeredMember, registrableMember } from './support/demo';
import { expect, test, useLanguage } from './support/fixtures';
import { regionName, words } from './support/journey';
import {
  fillRegistration,
  NEW_PASSWORD,
  openAccountAboutToTimeOut,
  SESSION_ROUTE,
  sessionEndsIn,
  signIn,
  testEmail,
  verificationLink,
} from './support/member';

// Registrable members 0-3 belong to this file (a11y and the screenshots use others).

const w = words('en');

function main(page: Page) {
  return page.getByRole('main');
}

test('register, confirm the email, sign in, see what is due, sign out', async ({ page }) => {
  const member = registrableMember(0);
  const email = testEmail(member, 'journey');

  await page.goto('/');
  await page.getByRole('banner').getByRole('link', { name: w.accountNav.signIn }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.signIn.title })).toBeVisible();
  await main(page).getByRole('link', { name: w.signIn.register }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.register.title })).toBeVisible();
  await expect(page).toHaveTitle(/^Create an account/);

  // The "Where do I find this?" hint for the medical record number.
  await main(page).getByText(w.lookup.whereToFind).click();
  await expect(page.getByText(/front of your member ID card, labeled "MRN"/)).toBeVisible();

  await fillRegistration(page, member, {
    email,
    password: NEW_PASSWORD,
    regionName: await regionName(page.request, member.regionId, 'en'),
  });
  await expect(page.getByRole('heading', { level: 1, name: w.checkEmail.title })).toBeVisible();
  await expect(main(page).getByText(email)).toBeVisible();
  await expect(main(page).getByText(w.checkEmail.expires)).toBeVisible();

  // The emailed link confirms the address once.
  const link = await verificationLink(page.request, email);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: w.verifyEmail.doneTitle })).toBeVisible();
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: w.verifyEmail.invalidTitle })).toBeVisible();
  await main(page).getByRole('link', { name: w.verifyEmail.signIn }).click();

  await signIn(page, { email, password: NEW_PASSWORD });
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  await expect(main(page).getByText(`Hello, ${member.firstName}`)).toBeVisible();
  await expect(
    page.getByRole('banner').getByRole('link', { name: new RegExp(member.lastName) }),
  ).toBeVisible();

  // What is due, as the API says it.
  const res = await page.request.get('/api/v1/member/dashboard');
  expect(res.status()).toBe(200);
  const dashboard = (await res.json()) as { totalDueCents: number; people: { name: string }[] };
  if (dashboard.totalDueCents > 0) {
    await expect(main(page).getByText(w.bills.totalDue, { exact: true })).toBeVisible();
    await expect(
      main(page).getByText(dollars(dashboard.totalDueCents), { exact: true }).first(),
    ).toBeVisible();
  } else {
    await expect(main(page).getByText(w.account.nothingDue, { exact: true }).first()).toBeVisible();
  }
  await expect(page.getByRole('heading', { level: 2, name: w.account.billsToPay })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: w.account.payments.title })).toBeVisible();

  await page.getByRole('banner').getByRole('button', { name: w.accountNav.signOut }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.signedOut.title })).toBeVisible();
  await expect(page.getByRole('banner').getByRole('link', { name: w.accountNav.signIn })).toBeVisible();
  expect((await page.request.get('/api/v1/member/session')).status()).toBe(401);

  // The account page now asks to sign in again.
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1, name: w.signIn.title })).toBeVisible();
});

test('the account page asks to sign in, then comes back; people paid for are listed by name', async ({
  page,
}) => {
  const member = registeredMember(0, { withPeople: true });
  await page.goto('/account');
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, member);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: `${member.name} (you)` })).toBeVisible();
  for (const name of member.responsibleFor) {
    await expect(page.getByRole('heading', { level: 3, name })).toBeVisible();
  }

  // A bill's Pay button opens the payment with that bill chosen.
  const pay = main(page).getByRole('link', { name: /^Pay this bill/ });
  if ((await pay.count()) > 0) {
    await pay.first().click();
    await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
    await expect(main(page).getByRole('checkbox', { checked: true })).toHaveCount(1);
  }
});

test('the account page switches language with all its words, and so do the pages opened after', async ({
  page,
}) => {
  // The same member as the test above, and as read-only: nothing is paid or saved.
  const member = registeredMember(0, { withPeople: true });
  const es = words('es');
  const h1 = (name: string) => page.getByRole('heading', { level: 1, name });
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(h1(w.account.title)).toBeVisible();

  // The member area's words (and the payment and sign-in parts it uses) come in Spanish first.
  await page
    .getByRole('navigation', { name: w.layout.languageNav })
    .getByRole('button', { name: /Español/ })
    .click();
  await expect(h1(es.account.title)).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  const nav = page.getByRole('navigation', { name: es.serviceNav.label });
  await expect(nav.getByRole('link', { name: es.scheduled.nav })).toBeVisible();
  await expect(
    main(page).getByRole('link', { name: es.account.links.bills.title, exact: true }),
  ).toBeVisible();

  // Another member page, and one that reuses the sign-in area's password form.
  await nav.getByRole('link', { name: es.serviceNav.settings }).click();
  await expect(h1(es.settings.title)).toBeVisible();
  await main(page)
    .getByRole('link', { name: new RegExp(es.settings.password.change) })
    .click();
  await expect(page.getByLabel(es.resetPassword.password, { exact: true })).toBeVisible();

  await page
    .getByRole('navigation', { name: es.layout.languageNav })
    .getByRole('button', { name: /English/ })
    .click();
  await expect(page.getByLabel(w.resetPassword.password, { exact: true })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('a wrong password shows the error summary and the message by the field', async ({ page }) => {
  const member = registeredMember(1, { withPeople: false });
  await page.goto('/sign-in');
  await main(page).getByRole('button', { name: w.signIn.submit }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
  await expect(summary.getByRole('link', { name: w.signIn.errors.emailRequired })).toBeVisible();
  await expect(page).toHaveTitle(/^Error: Sign in/);

  await signIn(page, { email: member.email, password: 'not the right password at all' });
  await expect(summary.getByRole('link', { name: w.signIn.errors.failed })).toBeVisible();
  await expect(summary).toBeFocused();
  const password = page.getByLabel(w.signIn.password, { exact: true });
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator(`#${await password.getAttribute('aria-describedby')}`)).toContainText(
    w.signIn.errors.failed,
  );
  // The link in the summary moves to the field.
  await summary.getByRole('link', { name: w.signIn.errors.failed }).click();
  await expect(password).toBeFocused();

  // Show and hide the password.
  await password.fill('visible words here');
  await expect(password).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: w.password.showLabel }).click();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: w.password.hideLabel }).click();
  await expect(password).toHaveAttribute('type', 'password');
});

test('registration: required fields, a real date, and the API’s password rules', async ({ page }) => {
  const member = registrableMember(1);
  await page.goto('/register');
  await page.getByRole('button', { name: w.register.submit }).click();
  const summary = page.getByRole('alert');
  for (const message of [
    w.register.errors.firstName.required,
    w.register.errors.lastName.required,
    w.dateInput.errors.required,
    w.register.errors.regionId.required,
    w.register.errors.medicalRecordNumber.required,
    w.register.errors.email.required,
    w.register.errors.password.required,
    w.register.errors.acceptTerms.required,
  ]) {
    await expect(summary.getByRole('link', { name: message })).toBeVisible();
  }

  const dob = page.getByRole('group', { name: w.register.birthDate });
  await dob.getByLabel(w.dateInput.day, { exact: true }).fill('31');
  await dob.getByLabel(w.dateInput.month, { exact: true }).fill('2');
  await dob.getByLabel(w.dateInput.year, { exact: true }).fill('1980');
  await page.getByRole('button', { name: w.register.submit }).click();
  await expect(summary.getByRole('link', { name: w.dateInput.errors.real })).toBeVisible();

  // A short password is refused by the API, and said next to the field.
  await fillRegistration(page, member, {
    email: testEmail(member, 'short'),
    password: 'too short',
    regionName: await regionName(page.request, member.regionId, 'en'),
  });
  const message = w.register.errors.password.too_short.replace('{{min}}', '15');
  await expect(summary.getByRole('link', { name: message })).toBeVisible();
  const password = page.getByLabel(w.register.password, { exact: true });
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#password-error')).toContainText(message);
  // Everything else is kept.
  await expect(page.getByLabel(w.register.firstName, { exact: true })).toHaveValue(member.firstName);
});

test('signing in before confirming the email sends a new link and says so', async ({ page }) => {
  const member = registrableMember(2);
  const email = testEmail(member, 'unconfirmed');
  await page.goto('/register');
  await fillRegistration(page, member, {
    email,
    password: NEW_PASSWORD,
    regionName: await regionName(page.request, member.regionId, 'en'),
  });
  await expect(page.getByRole('heading', { level: 1, name: w.checkEmail.title })).toBeVisible();
  await page.goto('/sign-in');
  await signIn(page, { email, password: NEW_PASSWORD });
  await expect(
    page.getByRole('alert').getByText(w.signIn.errors.notVerified.replace('{{email}}', email)),
  ).toBeVisible();
});

test('in Spanish: sign in, and the time-out warning keeps or ends the session', async ({ page }) => {
  const es = words('es');
  const member = registeredMember(2, { withPeople: false });
  await useLanguage(page, 'es');
  await page.goto('/sign-in');
  await signIn(page, member, 'es');
  await expect(page.getByRole('heading', { level: 1, name: es.account.title })).toBeVisible();

  // Two minutes or less left: the dialog offers to stay signed in.
  await openAccountAboutToTimeOut(page);
  const dialog = page.getByRole('dialog', { name: es.memberTimeout.title });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: es.memberTimeout.stay })).toBeFocused();
  const refreshed = page.waitForResponse('**/api/v1/member/session/refresh');
  await dialog.getByRole('button', { name: es.memberTimeout.stay }).click();
  expect((await refreshed).status()).toBe(200);
  await expect(dialog).toBeHidden();
  await page.unroute(SESSION_ROUTE);

  // Left alone, it signs out when the time is up.
  await sessionEndsIn(page, 3_000);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: es.memberSessionEnded.title })).toBeVisible({
    timeout: 15_000,
  });
  await page.unroute(SESSION_ROUTE);
  await expect.poll(async () => (await page.request.get('/api/v1/member/session')).status()).toBe(401);
});

test('ten wrong passwords in a row pause sign-in, even with the right one, and the member is emailed', async ({
  page,
  request,
}) => {
  const member = registeredMember(6, { withPeople: false });
  await page.goto('/sign-in');
  const summary = page.getByRole('alert');
  for (let i = 0; i < 10; i++) {
    await signIn(page, { email: member.email, password: `wrong password number ${i}` });
    await expect(summary.getByRole('link', { name: w.signIn.errors.failed })).toBeVisible();
  }
  // The right password now gets the same answer, so the page tells nobody the account is locked.
  await signIn(page, { email: member.email, password: member.password });
  await expect(summary.getByRole('link', { name: w.signIn.errors.failed })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: w.signIn.title })).toBeVisible();
  await expect
    .poll(async () => {
      const mails = (await (await request.get('/dev/mailbox.json')).json()) as {
        to: string;
        subject: string;
      }[];
      return mails.filter((m) => m.to === member.email && /paused sign-in/i.test(m.subject)).length;
    })
    .toBe(1);
});
