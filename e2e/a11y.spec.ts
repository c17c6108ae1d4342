import { randomInt } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import type { Page } from '@playwright/test';
import { audit } from './support/axe';
import { type DemoRegistered, medicalAccount, premiumAccount, registeredMember } from './support/demo';
import { expect, test, useLanguage } from './support/fixtures';
import { BANK, CARDS, fillCard, futureExpiry, payButton, regionName, words } from './support/journey';
import {
  NEW_PASSWORD,
  openAccountAboutToTimeOut,
  otherCode,
  SESSION_ROUTE,
  signIn,
  textedCode,
} from './support/member';

const sizes = [
  { name: '320px', width: 320, height: 640 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

const combos = (['en', 'es'] as const).flatMap((lang) => sizes.map((size) => ({ lang, size })));

combos.forEach(({ lang, size }, index) => {
  test(`every page and error state has no axe violations (${lang}, ${size.name})`, async ({ page }) => {
    test.setTimeout(180_000);
    const w = words(lang);
    const pay = () => payButton(page, lang).click();
    const cont = () => page.getByRole('button', { name: w.common.continue, exact: true }).click();
    // Each combination pays one bill of its own Georgia demo account.
    const medical = medicalAccount('georgia', index);
    const premium = premiumAccount('georgia', index % 3);
    await page.setViewportSize({ width: size.width, height: size.height });
    await useLanguage(page, lang);

    await page.goto('/');
    await audit(page, 'start');
    await page.getByRole('link', { name: w.start.startButton }).click();
    await audit(page, 'region');
    await cont();
    await audit(page, 'region: error');
    await page
      .getByRole('radio', { name: await regionName(page.request, 'georgia', lang), exact: true })
      .check();
    await cont();
    await audit(page, 'kind of bill');
    await cont();
    await audit(page, 'kind of bill: error');

    // Premium coupon lookup.
    await page.getByRole('radio', { name: w.billType.premium.label }).check();
    await cont();
    await page.getByText(w.lookup.whereToFind).first().click();
    await audit(page, 'premium lookup with a hint open');
    await page.getByRole('button', { name: w.lookup.submit }).click();
    await audit(page, 'premium lookup: errors');
    await page.getByLabel(w.lookup.accountNumber, { exact: true }).fill(premium.accountNumber);
    await page.getByLabel(w.lookup.premium.invoice, { exact: true }).fill(premium.invoiceNumber);
    await page.getByLabel(w.lookup.premium.lastName, { exact: true }).fill(premium.lastName);
    await page.getByRole('button', { name: w.lookup.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.bills.title })).toBeVisible();
    await audit(page, 'premium bill');

    // Medical bill lookup, then the whole payment.
    await page.goto('/pay/bill-type');
    await page.getByRole('radio', { name: w.billType.medical.label }).check();
    await cont();
    await audit(page, 'medical lookup');
    await page.getByLabel(w.lookup.accountNumber, { exact: true }).fill(medical.accountNumber);
    await page.getByLabel(w.lookup.medical.zip, { exact: true }).fill('00000');
    await page.getByRole('button', { name: w.lookup.submit }).click();
    await expect(page.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
    await audit(page, 'medical lookup: not found');
    await page.getByLabel(w.lookup.medical.zip, { exact: true }).fill(medical.postalCode);
    await page.getByRole('button', { name: w.lookup.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.bills.title })).toBeVisible();
    const bill = medical.bills[0]!;
    await page.getByText(new RegExp(`(charges?|cargos?) .*${bill.number}$`)).click(); // open its charges
    await audit(page, 'bills');
    await cont();
    await audit(page, 'bills: errors');
    await page.getByRole('checkbox', { name: new RegExp(bill.number) }).check();
    await page.getByRole('radio', { name: w.bills.otherAmount }).check();
    await page.getByLabel(w.bills.otherAmountLabel).fill('99999');
    await cont();
    await audit(page, 'bills: amount too large');
    await page.getByLabel(w.bills.otherAmountLabel).fill('5.00');
    await cont();

    await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
    await audit(page, 'method');
    await cont();
    await audit(page, 'method: error');
    await page.getByRole('radio', { name: w.method.card }).check();
    await audit(page, 'card fields');
    await cont();
    await audit(page, 'card fields: errors');
    await page.getByLabel(w.card.number, { exact: true }).fill(CARDS.amex);
    await page.getByLabel(w.card.expiry, { exact: true }).focus();
    await audit(page, 'card fields: American Express refused');
    await page.getByRole('radio', { name: w.method.bank }).check();
    await cont();
    await audit(page, 'bank fields: errors');
    await page.getByLabel(w.bank.holderName, { exact: true }).fill('Test Payer');
    await page.getByRole('radio', { name: w.bank.checking, exact: true }).check();
    await page.getByLabel(w.bank.routing, { exact: true }).fill(BANK.routingNumber);
    await page.getByLabel(w.bank.account, { exact: true }).fill(BANK.accountNumber);
    await page.getByText(w.bank.whereToFind).click();
    await audit(page, 'bank fields with the check picture');
    await cont();

    await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
    await audit(page, 'review (bank)');
    await pay();
    await audit(page, 'review (bank): authorization missing');

    await page.getByRole('link', { name: new RegExp(w.review.changeMethod) }).click();
    await page.getByRole('radio', { name: w.method.card }).check();
    await page.getByLabel(w.card.number, { exact: true }).fill(CARDS.declined);
    await page.getByLabel(w.card.expiry, { exact: true }).fill(futureExpiry());
    await page.getByLabel(w.card.cvc, { exact: true }).fill('123');
    await page.getByLabel(w.card.name, { exact: true }).fill('Test Payer');
    await page.getByLabel(w.card.zip, { exact: true }).fill('30303');
    await cont();
    await audit(page, 'review (card)');
    await pay();
    await expect(page.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
    await audit(page, 'method: card declined');

    await page.getByLabel(w.card.number, { exact: true }).fill(CARDS.visa);
    await page.getByLabel(w.card.expiry, { exact: true }).fill(futureExpiry());
    await page.getByLabel(w.card.cvc, { exact: true }).fill('123');
    await page.getByLabel(w.card.name, { exact: true }).fill('Test Payer');
    await page.getByLabel(w.card.zip, { exact: true }).fill('30303');
    await cont();
    await pay();
    await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
    await audit(page, 'confirmation');
    await page.getByRole('button', { name: w.confirmation.emailButton }).click();
    await audit(page, 'confirmation: email missing');
    await page.getByLabel(w.confirmation.emailLabel, { exact: true }).fill('payer@example.com');
    await page.getByRole('button', { name: w.confirmation.emailButton }).click();
    await expect(page.getByRole('status').getByText('payer@example.com')).toBeVisible();
    await audit(page, 'confirmation: email sent');
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1, name: w.alreadyPaid.title })).toBeVisible();
    await audit(page, 'already paid');

    // The time-out warning, by pretending the session ends in 90 seconds.
    await page.evaluate(() => {
      const j = JSON.parse(sessionStorage.getItem('settle.guest-journey') ?? '{}');
      j.session.expiresAt = new Date(Date.now() + 90_000).toISOString();
      j.bills = j.bills ?? [];
      sessionStorage.setItem('settle.guest-journey', JSON.stringify(j));
    });
    await page.route('**/api/v1/guest/bills', (route) => route.abort());
    await page.goto('/pay/bills');
    await expect(page.getByRole('dialog', { name: w.timeout.title })).toBeVisible();
    await audit(page, 'session time-out warning');
    await page.unroute('**/api/v1/guest/bills');

    await page.goto('/pay/finish');
    await audit(page, 'signed out');
    await page.goto('/pay/session-ended');
    await audit(page, 'session ended');
    await page.goto('/no-such-page');
    await audit(page, 'page not found');
  });
});

combos.forEach(({ lang, size }, index) => {
  test(`member pages and their error states have no axe violations (${lang}, ${size.name})`, async ({
    page,
    browser,
    baseURL,
    consoleErrors,
  }) => {
    test.setTimeout(300_000);
    const w = words(lang);
    const main = page.getByRole('main');
    const summary = page.getByRole('alert');
    // Registered members who pay for other people, one per combination (member.spec.ts uses the first).
    const member = registeredMember(index + 1, { withPeople: true });
    await page.setViewportSize({ width: size.width, height: size.height });
    await useLanguage(page, lang);

    await page.goto('/sign-in');
    await audit(page, 'sign in');
    await main.getByRole('button', { name: w.signIn.submit }).click();
    await audit(page, 'sign in: errors');
    await signIn(page, { email: member.email, password: 'not the right password at all' }, lang);
    await expect(summary.getByRole('link', { name: w.signIn.errors.failed })).toBeVisible();
    await page.getByRole('button', { name: w.password.showLabel }).click();
    await audit(page, 'sign in: wrong password, password shown');
    await page.goto('/sign-in/forgot-password');
    await audit(page, 'forgot password');
    await page.getByRole('button', { name: w.forgotPassword.submit }).click();
    await audit(page, 'forgot password: error');
    await page.getByLabel(w.forgotPassword.email, { exact: true }).fill(`nobody.${index}@example.com`);
    await page.getByRole('button', { name: w.forgotPassword.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.forgotPassword.sentTitle })).toBeVisible();
    await audit(page, 'forgot password: check your email');
    await page.goto('/reset-password?token=pretend-token');
    await audit(page, 'reset password');
    await page.getByRole('button', { name: w.resetPassword.submit }).click();
    await audit(page, 'reset password: error');
    await page.route('**/api/v1/member/password-resets/complete', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        json: {
          status: 400,
          code: 'validation_failed',
          errors: [
            { field: 'password', code: 'too_short', message: 'Enter a password of at least 15 characters' },
          ],
        },
      }),
    );
    await page.getByLabel(w.resetPassword.password, { exact: true }).fill('short');
    await page.getByRole('button', { name: w.resetPassword.submit }).click();
    await expect(summary.getByRole('link', { name: /15/ })).toBeVisible();
    await audit(page, 'reset password: too short');
    await page.unroute('**/api/v1/member/password-resets/complete');
    await page.getByLabel(w.resetPassword.password, { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: w.resetPassword.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.resetPassword.invalidTitle })).toBeVisible();
    await audit(page, 'reset password: link expired');
    await page.route('**/api/v1/member/password-resets/complete', (route) =>
      route.fulfill({ status: 200, json: { reset: true } }),
    );
    await page.goto('/reset-password?token=pretend-token');
    await page.getByLabel(w.resetPassword.password, { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: w.resetPassword.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.resetPassword.doneTitle })).toBeVisible();
    await audit(page, 'reset password: done');
    await page.unroute('**/api/v1/member/password-resets/complete');

    // Two-step sign-in, with the server's answer to the password pretended.
    await page.route('**/api/v1/member/sessions', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 202, json: { status: 'two_step_required', challenge: 'pretend' } })
        : route.fallback(),
    );
    await page.goto('/sign-in');
    await signIn(page, member, lang);
    await expect(page.getByRole('heading', { level: 1, name: w.twoStep.signIn.title })).toBeVisible();
    await audit(page, 'two-step sign-in');
    await main.getByRole('button', { name: w.signIn.submit }).click();
    await audit(page, 'two-step sign-in: error');
    await main.getByRole('button', { name: w.twoStep.useRecovery }).click();
    await main.getByRole('button', { name: w.signIn.submit }).click();
    await audit(page, 'two-step sign-in: recovery code error');
    await main.getByLabel(w.twoStep.recoveryCode).fill('ABCDE-FGHJK');
    await main.getByRole('button', { name: w.signIn.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.twoStep.signIn.timedOutTitle })).toBeVisible();
    await audit(page, 'two-step sign-in: timed out');
    await page.unroute('**/api/v1/member/sessions');

    await page.goto('/register');
    await main.getByText(w.lookup.whereToFind).click();
    await audit(page, 'register with the MRN hint open');
    await page.getByRole('button', { name: w.register.submit }).click();
    await audit(page, 'register: errors');
    // Details that match nobody: the API answers as if they did (it never says which).
    const dob = page.getByRole('group', { name: w.register.birthDate });
    await page.getByLabel(w.register.firstName, { exact: true }).fill('Alex');
    await page.getByLabel(w.register.lastName, { exact: true }).fill('Nobody');
    await dob.getByLabel(w.dateInput.day, { exact: true }).fill('30');
    await dob.getByLabel(w.dateInput.month, { exact: true }).fill('2');
    await dob.getByLabel(w.dateInput.year, { exact: true }).fill('1980');
    await page.getByRole('button', { name: w.register.submit }).click();
    await audit(page, 'register: date not real');
    await dob.getByLabel(w.dateInput.day, { exact: true }).fill('3');
    await page
      .getByRole('radio', { name: await regionName(page.request, 'georgia', lang), exact: true })
      .check();
    await page.getByLabel(w.register.mrn, { exact: true }).fill(`9999999${index}`);
    await page.getByLabel(w.register.email, { exact: true }).fill(`alex.nobody.${index}@example.com`);
    await page.getByLabel(w.register.password, { exact: true }).fill('short');
    await page.getByRole('checkbox', { name: w.register.acceptTerms }).check();
    await page.getByRole('button', { name: w.register.submit }).click();
    await expect(summary.getByRole('link', { name: /15/ })).toBeVisible();
    await audit(page, 'register: password too short');
    await page.getByLabel(w.register.password, { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: w.register.submit }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.checkEmail.title })).toBeVisible();
    await audit(page, 'check your email');

    await page.goto('/verify-email?token=not-a-real-token');
    await expect(page.getByRole('heading', { level: 1, name: w.verifyEmail.invalidTitle })).toBeVisible();
    await audit(page, 'confirmation link expired');
    await page.route('**/api/v1/member/email-verifications', (route) =>
      route.fulfill({ status: 200, json: { verified: true } }),
    );
    await page.goto('/verify-email?token=pretend-this-one-works');
    await expect(page.getByRole('heading', { level: 1, name: w.verifyEmail.doneTitle })).toBeVisible();
    await audit(page, 'email confirmed');
    await page.unroute('**/api/v1/member/email-verifications');

    await page.goto('/sign-in');
    await signIn(page, member, lang);
    await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
    await audit(page, 'account');
    // The same member signed in on another device, before two-step verification is turned on.
    const openOtherDevice = async (): Promise<Page> => {
      const context = await browser.newContext({
        baseURL,
        viewport: { width: size.width, height: size.height },
        locale: 'en-US',
        timezoneId: 'America/Los_Angeles',
        extraHTTPHeaders: { 'x-forwarded-for': `10.250.${index}.${randomInt(1, 255)}` },
      });
      const other = await context.newPage();
      other.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
          consoleErrors.push(m.text());
      });
      other.on('pageerror', (e) => consoleErrors.push(e.message));
      await useLanguage(other, lang);
      await other.goto('/sign-in');
      await signIn(other, member, lang);
      await expect(other.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
      return other;
    };
    await auditMemberPages(page, lang, member, openOtherDevice);

    await openAccountAboutToTimeOut(page);
    await expect(page.getByRole('dialog', { name: w.memberTimeout.title })).toBeVisible();
    await audit(page, 'member time-out warning');
    await page.getByRole('button', { name: w.memberTimeout.stay }).click();
    await expect(page.getByRole('dialog')).toBeHidden();
    await page.unroute(SESSION_ROUTE);

    await page.getByRole('banner').getByRole('button', { name: w.accountNav.signOut }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.signedOut.title })).toBeVisible();
    await audit(page, 'signed out');
    await page.goto('/account/session-ended');
    await audit(page, 'member session ended');
  });
});

/** The setup key shown on the two-step page (groups of 4), as bytes for the TOTP. */
async function setupKey(page: Page): Promise<Uint8Array> {
  const shown = await page
    .getByRole('main')
    .getByText(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/)
    .innerText();
  return decodeBase32IgnorePadding(shown.replace(/\s/g, ''));
}

/**
 * Paying, bills, wallet, settings and profile, each page and its error states (signed in on the
 * account page). Two-step verification is turned on for real, so the recovery codes and the code
 * asked before a wallet change are the server's own; `openOtherDevice` signs the member in
 * elsewhere with the password alone, before that.
 */
async function auditMemberPages(
  page: Page,
  lang: 'en' | 'es',
  member: DemoRegistered,
  openOtherDevice: () => Promise<Page>,
): Promise<void> {
  const person = member.responsibleFor[0] ?? '';
  const w = words(lang);
  const main = page.getByRole('main');
  const summary = page.getByRole('alert');
  const cont = () => page.getByRole('button', { name: w.common.continue, exact: true }).click();
  const nav = (name: string) =>
    page.getByRole('navigation', { name: w.serviceNav.label }).getByRole('link', { name }).click();

  // Paying a bill of someone the member pays for (no guest test looks their bills up).
  await main
    .getByRole('region', { name: person, exact: true })
    .getByRole('link', { name: new RegExp(`^${w.account.payBill}`) })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: w.accountPay.title })).toBeVisible();
  await audit(page, 'pay: bills');
  const chosen = main.getByRole('checkbox', { checked: true });
  await chosen.uncheck();
  await cont();
  await audit(page, 'pay: bills errors');
  await main.getByRole('radio', { name: person }).check();
  await main.getByRole('checkbox').first().check();
  await page.getByRole('radio', { name: w.bills.otherAmount }).check();
  await page.getByLabel(w.bills.otherAmountLabel).fill('5.00');
  await cont();
  await expect(page.getByRole('heading', { level: 1, name: w.method.title })).toBeVisible();
  await audit(page, 'pay: method');
  await cont();
  await audit(page, 'pay: method error');
  await page.getByRole('radio', { name: w.method.card }).check();
  await fillCard(page, { number: CARDS.declined }, lang);
  await page.getByRole('checkbox', { name: w.accountPay.saveCard }).check();
  await page.getByLabel(w.wallet.nickname).fill('x'.repeat(45));
  await cont();
  await audit(page, 'pay: card with a name too long');
  await page.getByLabel(w.wallet.nickname).fill('Visa');
  await cont();
  await expect(page.getByRole('heading', { level: 1, name: w.review.title })).toBeVisible();
  await audit(page, 'pay: review');
  await payButton(page, lang).click();
  await expect(page.getByRole('heading', { name: w.common.errorSummaryTitle })).toBeVisible();
  await audit(page, 'pay: card declined');
  await fillCard(page, { number: CARDS.visa }, lang);
  await page.getByRole('checkbox', { name: w.accountPay.saveCard }).check();
  await cont();
  await payButton(page, lang).click();
  await expect(page.getByRole('heading', { level: 1, name: w.confirmation.title })).toBeVisible();
  await audit(page, 'pay: confirmation');
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: w.alreadyPaid.title })).toBeVisible();
  await audit(page, 'pay: already paid');

  // Bills.
  await nav(w.serviceNav.bills);
  await expect(page.getByRole('table').or(page.getByRole('list')).first()).toBeVisible();
  await expect(main.getByText(w.common.loading)).toHaveCount(0);
  await audit(page, 'bills list');
  await main
    .getByRole('link', { name: /\d{5,}/ })
    .filter({ visible: true })
    .first()
    .click();
  await expect(
    page.getByRole('heading', { level: 2, name: w.memberBills.detail.paymentsTitle }),
  ).toBeVisible();
  await audit(page, 'bill');
  await page.goBack();
  await page.getByRole('radio', { name: w.memberBills.status.paid }).check();
  await main.getByRole('button', { name: w.memberBills.apply }).click();
  await expect(page).toHaveURL(/status=paid/);
  await expect(main.getByText(w.common.loading)).toHaveCount(0);
  await audit(page, 'bills list: paid');

  // Wallet: the card saved with the payment.
  await nav(w.serviceNav.wallet);
  await expect(main.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await audit(page, 'payment methods');
  await main.getByRole('link', { name: w.wallet.add }).click();
  await audit(page, 'add a payment method');
  await page.getByRole('button', { name: w.wallet.save }).click();
  await audit(page, 'add a payment method: error');
  await page.getByRole('radio', { name: w.wallet.card }).check();
  await page.getByRole('button', { name: w.wallet.save }).click();
  await audit(page, 'add a card: errors');
  await page.getByRole('radio', { name: w.wallet.bank }).check();
  await audit(page, 'add a bank account');
  await page.goBack();
  await main
    .getByRole('link', { name: new RegExp(`^${w.wallet.rename}`) })
    .first()
    .click();
  await audit(page, 'rename a payment method');
  await page.getByLabel(w.wallet.nicknameLabel, { exact: true }).fill('y'.repeat(45));
  await page.getByRole('button', { name: w.wallet.saveName }).click();
  await audit(page, 'rename: name too long');
  await nav(w.serviceNav.wallet);
  await main
    .getByRole('link', { name: new RegExp(`^${w.wallet.remove}`) })
    .first()
    .click();
  await audit(page, 'remove a payment method');

  // Settings.
  await nav(w.serviceNav.settings);
  await audit(page, 'settings');
  await main.getByRole('link', { name: w.settings.password.change }).click();
  await audit(page, 'change password');
  await page.getByRole('button', { name: w.settings.password.submit }).click();
  await audit(page, 'change password: errors');
  // Signed in elsewhere with the password alone while two-step verification is still off: that
  // session has never proved a code, so after it is turned on the server asks it for one.
  const other = await openOtherDevice();
  await page.goto('/account/settings/two-step');
  await audit(page, 'two-step: start');
  await page.getByRole('button', { name: w.settings.twoStep.start }).click();
  await expect(main.getByRole('img', { name: w.settings.twoStep.qrLabel })).toBeVisible();
  await audit(page, 'two-step: QR code and setup key');
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await audit(page, 'two-step: setup key, code missing');
  await page.getByLabel(w.settings.twoStep.codeLabel).fill('000000');
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await expect(summary.getByRole('link', { name: w.twoStep.errors.wrongCode })).toBeVisible();
  await audit(page, 'two-step: setup key, wrong code');
  const key = await setupKey(page);
  await page.getByLabel(w.settings.twoStep.codeLabel).fill(generateTOTP(key, 30, 6));
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.settings.twoStep.doneTitle })).toBeVisible();
  await expect(
    main.getByRole('list', { name: w.settings.twoStep.codesTitle }).getByRole('listitem'),
  ).toHaveCount(10);
  await audit(page, 'two-step: recovery codes');
  await main.getByRole('link', { name: w.settings.twoStep.savedCodes }).click();
  await expect(page.getByRole('status').getByText(w.settings.twoStep.turnedOn)).toBeVisible();
  await audit(page, 'settings: two-step on');

  // The other device changes a payment method: the server's own 403 opens the code dialog.
  await other
    .getByRole('navigation', { name: w.serviceNav.label })
    .getByRole('link', { name: w.serviceNav.wallet })
    .click();
  await other
    .getByRole('main')
    .getByRole('link', { name: new RegExp(`^${w.wallet.rename}`) })
    .first()
    .click();
  await other.getByLabel(w.wallet.nicknameLabel, { exact: true }).fill('Everyday');
  await other.getByRole('button', { name: w.wallet.saveName }).click();
  const dialog = other.getByRole('dialog', { name: w.stepUp.title });
  await expect(dialog).toBeVisible();
  await audit(other, 'step-up code');
  await dialog.getByRole('button', { name: w.common.continue }).click();
  await audit(other, 'step-up code: error');
  await dialog.getByLabel(w.twoStep.code).fill('000000');
  await dialog.getByRole('button', { name: w.common.continue }).click();
  await expect(
    dialog.getByRole('alert').getByRole('link', { name: w.twoStep.errors.wrongCode }),
  ).toBeVisible();
  await audit(other, 'step-up code: wrong code');
  await dialog.getByRole('button', { name: w.stepUp.cancel }).click();
  await expect(other.getByRole('alert').getByText(w.wallet.errors.stepUpCancelled)).toBeVisible();
  await audit(other, 'rename: code not entered');
  await other.context().close();

  // Off again with the password, so the member signs in with the password alone next time.
  await page.goto('/account/settings/two-step/turn-off');
  await expect(page.getByRole('heading', { level: 1, name: w.settings.twoStep.offTitle })).toBeVisible();
  await audit(page, 'two-step: turn off');
  await main.getByRole('button', { name: w.settings.twoStep.turnOff }).click();
  await audit(page, 'two-step: turn off, password missing');
  await page.getByLabel(w.settings.password.current, { exact: true }).fill(member.password);
  await main.getByRole('button', { name: w.settings.twoStep.turnOff }).click();
  await expect(page.getByRole('status').getByText(w.settings.twoStep.turnedOff)).toBeVisible();

  // Profile.
  await page.goto('/account/profile');
  await expect(main.getByText(w.profile.email, { exact: true })).toBeVisible();
  await audit(page, 'profile');
  await page.goto('/account/profile/email');
  await page.getByRole('button', { name: w.profile.save }).click();
  await audit(page, 'profile: email, error');
  await page.goto('/account/profile/mobile');
  await page.getByLabel(w.profile.mobile, { exact: true }).fill('12');
  await page.getByRole('button', { name: w.profile.save }).click();
  await audit(page, 'profile: mobile, error');
  // A number of this member's own (a number gets 5 codes an hour), confirmed by the texted code.
  const digits = `415555${member.medicalRecordNumber.slice(-4)}`;
  const shown = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
  await page.getByLabel(w.profile.mobile, { exact: true }).fill(digits);
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(main.getByText(w.profile.notConfirmed, { exact: true })).toBeVisible();
  await audit(page, 'profile: mobile not confirmed');
  const codeField = page.getByLabel(w.profile.codeLabel.replace('{{number}}', shown));
  const confirmNumber = main.getByRole('button', { name: w.profile.confirmNumber });
  await confirmNumber.click();
  await expect(summary.getByRole('link', { name: w.profile.errors.codeRequired })).toBeVisible();
  await audit(page, 'profile: mobile code missing');
  const first = await textedCode(page.request, `+1${digits}`);
  await codeField.fill(otherCode(first.code));
  await confirmNumber.click();
  await expect(summary.getByRole('link', { name: w.profile.errors.codeWrong })).toBeVisible();
  await audit(page, 'profile: mobile code wrong');
  await main.getByRole('button', { name: w.profile.resendCode }).click();
  await expect(
    page.getByRole('status').getByText(w.profile.codeSent.replace('{{number}}', shown)),
  ).toBeVisible();
  await audit(page, 'profile: new code sent');
  const second = await textedCode(page.request, `+1${digits}`, first.id);
  await codeField.fill(second.code);
  await confirmNumber.click();
  await expect(main.getByText(w.profile.confirmed, { exact: true })).toBeVisible();
  await audit(page, 'profile: mobile confirmed');
  await page.goto('/account/profile/address');
  await page.getByLabel(w.profile.line1).fill('1 Main Street');
  await page.getByRole('button', { name: w.profile.save }).click();
  await audit(page, 'profile: address, errors');
  await page.goto('/account/profile/language');
  await audit(page, 'profile: language');
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 2, name: w.account.billsToPay })).toBeVisible();
}

test("the organization's accent colour is applied", async ({ page }) => {
  await page.goto('/');
  const accent = await page.evaluate(() =>
    getComputedStyle(document.documentElement).getPropertyValue('--accent').trim(),
  );
  expect(accent).toBe('#0b5e55');
});
