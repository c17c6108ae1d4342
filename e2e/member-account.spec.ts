import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP, generateTOTP } from '@oslojs/otp';
import type { Page } from '@playwright/test';
import { qrDrawing } from '../web/src/components/QrCode';
import { registeredMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { CARDS, fillCard, words } from './support/journey';
import { mailedLink, NEW_PASSWORD, otherCode, signIn, signOut, textedCode } from './support/member';

// Each test signs in as a registered member no other spec signs in as (without people: 4, 5, 7).

const w = words('en');

function main(page: Page) {
  return page.getByRole('main');
}

function serviceNav(page: Page, name: string) {
  return page.getByRole('navigation', { name: w.serviceNav.label }).getByRole('link', { name });
}

test('forgot password: the emailed link chooses a new password, which then signs in', async ({ page }) => {
  const member = registeredMember(7, { withPeople: false });
  await page.goto('/sign-in');
  await main(page).getByRole('link', { name: w.signIn.forgot }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.forgotPassword.title })).toBeVisible();
  await page.getByRole('button', { name: w.forgotPassword.submit }).click();
  await expect(
    page.getByRole('alert').getByRole('link', { name: w.forgotPassword.errors.emailRequired }),
  ).toBeVisible();
  await page.getByLabel(w.forgotPassword.email, { exact: true }).fill(member.email);
  await page.getByRole('button', { name: w.forgotPassword.submit }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.forgotPassword.sentTitle })).toBeVisible();
  await expect(main(page).getByText(member.email)).toBeVisible();

  const link = await mailedLink(page.request, member.email, '/reset-password');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: w.resetPassword.title })).toBeVisible();
  const password = page.getByLabel(w.resetPassword.password, { exact: true });
  await password.fill('too short');
  await page.getByRole('button', { name: w.resetPassword.submit }).click();
  const tooShort = w.register.errors.password.too_short.replace('{{min}}', '15');
  await expect(page.getByRole('alert').getByRole('link', { name: tooShort })).toBeVisible();
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await password.fill(NEW_PASSWORD);
  await page.getByRole('button', { name: w.resetPassword.submit }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.resetPassword.doneTitle })).toBeVisible();

  // The link worked once.
  await page.goto(link);
  await page.getByLabel(w.resetPassword.password, { exact: true }).fill(`${NEW_PASSWORD} again`);
  await page.getByRole('button', { name: w.resetPassword.submit }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.resetPassword.invalidTitle })).toBeVisible();

  // The old password no longer works; the new one does.
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('alert').getByRole('link', { name: w.signIn.errors.failed })).toBeVisible();
  await signIn(page, { email: member.email, password: NEW_PASSWORD });
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
});

test('two-step verification: turn it on, sign in with a code, a wallet change asks again, turn it off', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const member = registeredMember(4, { withPeople: false });
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  await serviceNav(page, w.serviceNav.settings).click();
  await expect(page.getByRole('heading', { level: 1, name: w.settings.title })).toBeVisible();
  await main(page).getByRole('link', { name: w.settings.twoStep.turnOn }).click();
  await page.getByRole('button', { name: w.settings.twoStep.start }).click();

  // A QR code of the same key the link opens, black on white, readable at 320 px too.
  const qr = main(page).getByRole('img', { name: w.settings.twoStep.qrLabel });
  await expect(qr).toBeVisible();
  const uri = await main(page).getByRole('link', { name: w.settings.twoStep.openApp }).getAttribute('href');
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  expect(await qr.locator('path').getAttribute('d')).toBe(qrDrawing(uri ?? '').path);
  await page.setViewportSize({ width: 320, height: 640 });
  const box = await qr.boundingBox();
  expect(box?.width).toBeGreaterThanOrEqual(200);
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
  ).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1280, height: 720 });

  // The key, in groups of 4, as someone would type it into their app (many people cannot scan).
  const secret = main(page).getByText(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  await expect(secret).toBeVisible();
  const shown = await secret.innerText();
  expect(shown).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  expect(new URL(uri ?? '').searchParams.get('secret')).toBe(shown.replace(/\s/g, ''));
  const key = decodeBase32IgnorePadding(shown.replace(/\s/g, ''));
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await expect(
    page.getByRole('alert').getByRole('link', { name: w.twoStep.errors.codeRequired }),
  ).toBeVisible();
  await page.getByLabel(w.settings.twoStep.codeLabel).fill(generateTOTP(key, 30, 6));
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.settings.twoStep.doneTitle })).toBeVisible();
  const codes = await main(page)
    .getByRole('list', { name: w.settings.twoStep.codesTitle })
    .getByRole('listitem')
    .allInnerTexts();
  expect(codes).toHaveLength(10);
  await main(page).getByRole('link', { name: w.settings.twoStep.savedCodes }).click();
  await expect(page.getByRole('status').getByText(w.settings.twoStep.turnedOn)).toBeVisible();

  // Sign out, and in again: the password, then a code (the next one: each code works once).
  await signOut(page);
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.twoStep.signIn.title })).toBeVisible();
  const code = page.getByLabel(w.twoStep.code);
  await expect(code).toHaveAttribute('inputmode', 'numeric');
  await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
  await code.fill('000000');
  await main(page).getByRole('button', { name: w.signIn.submit }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: w.twoStep.errors.wrongCode })).toBeVisible();
  const step = BigInt(Math.floor(Date.now() / 30_000) + 1);
  await code.fill(generateHOTP(key, step, 6));
  await main(page).getByRole('button', { name: w.signIn.submit }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();

  // A two-step sign-in counts as a fresh code for 10 minutes; the server answers as it would after
  // that, once, and the page asks for a code: a recovery code this time.
  let refused = false;
  await page.route('**/api/v1/member/payment-methods', (route) => {
    if (route.request().method() !== 'POST' || refused) return route.fallback();
    refused = true;
    return route.fulfill({
      status: 403,
      contentType: 'application/problem+json',
      json: { status: 403, code: 'step_up_required', title: 'Enter a code to continue' },
    });
  });
  await serviceNav(page, w.serviceNav.wallet).click();
  await main(page).getByRole('link', { name: w.wallet.add }).click();
  await page.getByRole('radio', { name: w.wallet.card }).check();
  await fillCard(page, { number: CARDS.visa, name: member.name });
  await page.getByRole('button', { name: w.wallet.save }).click();
  const dialog = page.getByRole('dialog', { name: w.stepUp.title });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: w.twoStep.useRecovery }).click();
  await dialog.getByLabel(w.twoStep.recoveryCode).fill(codes[0] ?? '');
  await dialog.getByRole('button', { name: w.common.continue }).click();
  await expect(page.getByRole('status').getByText('Visa ending in 4242 is saved.')).toBeVisible();

  // Turn it off with the password.
  await serviceNav(page, w.serviceNav.settings).click();
  await main(page).getByRole('link', { name: w.settings.twoStep.turnOff }).click();
  await page.getByLabel(w.settings.password.current, { exact: true }).fill('not my password at all');
  await main(page).getByRole('button', { name: w.settings.twoStep.turnOff }).click();
  await expect(
    page.getByRole('alert').getByRole('link', { name: w.settings.password.errors.wrongCurrent }),
  ).toBeVisible();
  await page.getByLabel(w.settings.password.current, { exact: true }).fill(member.password);
  await main(page).getByRole('button', { name: w.settings.twoStep.turnOff }).click();
  await expect(page.getByRole('status').getByText(w.settings.twoStep.turnedOff)).toBeVisible();
  await expect(main(page).getByText(w.settings.twoStep.off, { exact: true })).toBeVisible();
});

test('profile: mobile number, mailing address, language, and an email change confirmed by its link', async ({
  page,
}) => {
  test.setTimeout(90_000);
  const member = registeredMember(5, { withPeople: false });
  await page.goto('/sign-in');
  await signIn(page, member);
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
  await serviceNav(page, w.serviceNav.profile).click();
  await expect(page.getByRole('heading', { level: 1, name: w.profile.title })).toBeVisible();

  await main(page)
    .getByRole('link', { name: `${w.common.change} ${w.profile.changeMobile}` })
    .click();
  await page.getByLabel(w.profile.mobile, { exact: true }).fill('123');
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(
    page.getByRole('alert').getByRole('link', { name: w.profile.errors.mobileInvalid }),
  ).toBeVisible();
  await page.getByLabel(w.profile.mobile, { exact: true }).fill('510 555 0123');
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(page.getByRole('status').getByText(w.profile.mobileSaved)).toBeVisible();
  await expect(main(page).getByText('(510) 555-0123', { exact: true })).toBeVisible();

  // The new number is not confirmed until the code texted to it is entered here.
  await expect(main(page).getByText(w.profile.notConfirmed, { exact: true })).toBeVisible();
  const codeField = page.getByLabel(w.profile.codeLabel.replace('{{number}}', '(510) 555-0123'));
  await expect(codeField).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(codeField).toHaveAttribute('inputmode', 'numeric');
  const first = await textedCode(page.request, '+15105550123');
  await main(page).getByRole('button', { name: w.profile.confirmNumber }).click();
  await expect(
    page.getByRole('alert').getByRole('link', { name: w.profile.errors.codeRequired }),
  ).toBeVisible();
  await codeField.fill(otherCode(first.code));
  await main(page).getByRole('button', { name: w.profile.confirmNumber }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: w.profile.errors.codeWrong })).toBeVisible();
  await expect(codeField).toHaveAttribute('aria-invalid', 'true');
  await expect(main(page).locator('#mobile-code-error')).toContainText(w.profile.errors.codeWrong);
  await expect(page).toHaveTitle(/^Error: /);
  // A new code replaces the first one, which no longer works.
  await main(page).getByRole('button', { name: w.profile.resendCode }).click();
  await expect(
    page.getByRole('status').getByText(w.profile.codeSent.replace('{{number}}', '(510) 555-0123')),
  ).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  const second = await textedCode(page.request, '+15105550123', first.id);
  if (second.code !== first.code) {
    await codeField.fill(first.code);
    await main(page).getByRole('button', { name: w.profile.confirmNumber }).click();
    await expect(
      page.getByRole('alert').getByRole('link', { name: w.profile.errors.codeWrong }),
    ).toBeVisible();
  }
  await codeField.fill(`${second.code.slice(0, 3)} ${second.code.slice(3)}`);
  await main(page).getByRole('button', { name: w.profile.confirmNumber }).click();
  await expect(
    page.getByRole('status').getByText(w.profile.mobileConfirmed.replace('{{number}}', '(510) 555-0123')),
  ).toBeVisible();
  await expect(main(page).getByText(w.profile.confirmed, { exact: true })).toBeVisible();
  await expect(codeField).toHaveCount(0);

  await main(page)
    .getByRole('link', { name: `${w.common.change} ${w.profile.changeAddress}` })
    .click();
  await page.getByLabel(w.profile.line1).fill('12 Harbor Street');
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(page.getByRole('alert').getByRole('link', { name: w.profile.errors.city })).toBeVisible();
  await expect(page.getByRole('alert').getByRole('link', { name: w.profile.errors.zip })).toBeVisible();
  await page.getByLabel(w.profile.city).fill('Portland');
  await page.getByLabel(w.profile.state).fill('or');
  await page.getByLabel(w.profile.zip).fill('97201');
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(page.getByRole('status').getByText(w.profile.addressSaved)).toBeVisible();
  await expect(main(page).getByText('Portland, OR 97201')).toBeVisible();

  // The language is the member's and the pages'.
  await main(page)
    .getByRole('link', { name: `${w.common.change} ${w.profile.changeLanguage}` })
    .click();
  await page.getByRole('radio', { name: 'Español' }).check();
  await page.getByRole('button', { name: w.profile.save }).click();
  const es = words('es');
  await expect(page.getByRole('status').getByText(es.profile.languageSaved)).toBeVisible();
  await main(page)
    .getByRole('link', { name: `${es.common.change} ${es.profile.changeLanguage}` })
    .click();
  await page.getByRole('radio', { name: 'English' }).check();
  await page.getByRole('button', { name: es.profile.save }).click();
  await expect(page.getByRole('status').getByText(w.profile.languageSaved)).toBeVisible();

  // A new email address: a link goes to it, and it changes when the link is used.
  const newEmail = `${member.email.split('@')[0]}.new.${Date.now().toString(36)}@example.com`;
  await main(page)
    .getByRole('link', { name: `${w.common.change} ${w.profile.changeEmail}` })
    .click();
  await page.getByLabel(w.profile.newEmail).fill(member.email);
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(
    page.getByRole('alert').getByRole('link', { name: w.profile.errors.emailUnchanged }),
  ).toBeVisible();
  await page.getByLabel(w.profile.newEmail).fill(newEmail);
  await page.getByRole('button', { name: w.profile.save }).click();
  await expect(page.getByRole('status').getByText(newEmail)).toBeVisible();
  await expect(main(page).getByText(w.profile.pendingEmail.replace('{{email}}', newEmail))).toBeVisible();
  const link = await mailedLink(page.request, newEmail, '/verify-email');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: w.verifyEmail.doneTitle })).toBeVisible();
  await signOut(page);
  await page.goto('/sign-in');
  await signIn(page, { email: newEmail, password: member.password });
  await expect(page.getByRole('heading', { level: 1, name: w.account.title })).toBeVisible();
});
