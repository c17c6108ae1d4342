/**
 * Screenshots of every guest-pay and member page and error state at 390×844 and 1280×800, in
 * English and Spanish, for people to look at. Needs a running server with fresh demo data:
 *
 *   npx tsx e2e/tools/screenshots.ts [baseUrl] [outDir] [--members-only]
 *
 * (defaults: http://127.0.0.1:3917 and /tmp/shots). Each language × size pays one demo bill in the
 * Washington region and registers one demo member, so run it against a freshly seeded database.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateTOTP } from '@oslojs/otp';
import { chromium, type Page } from 'playwright-core';
import {
  type DemoRegistered,
  medicalAccount,
  premiumAccount,
  registeredMember,
  registrableMember,
} from '../support/demo';
import { BANK, CARDS, futureExpiry, type Lang, words } from '../support/words';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const membersOnly = process.argv.includes('--members-only');
const baseUrl = args[0] ?? 'http://127.0.0.1:3917';
const outDir = args[1] ?? '/tmp/shots';

const sizes = [
  { name: 'mobile', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  if (overflow) console.warn(`  ! ${dir}/${name}: wider than the viewport (horizontal scroll)`);
}

async function regionLabel(page: Page, regionId: string, lang: Lang): Promise<string> {
  const org = (await (await page.request.get(`${baseUrl}/api/v1/organization`)).json()) as {
    regions: { id: string; name: Record<Lang, string> }[];
  };
  return org.regions.find((r) => r.id === regionId)?.name[lang] ?? regionId;
}

async function open(lang: Lang, size: (typeof sizes)[number], ipIndex: number) {
  const dir = path.join(outDir, `${lang}-${size.name}`);
  await mkdir(dir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    baseURL: baseUrl,
    extraHTTPHeaders: { 'x-forwarded-for': `10.99.${ipIndex}.${size.width % 250}` },
  });
  await context.addInitScript((l) => localStorage.setItem('settle.lang', l), lang);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      console.warn(`  console: ${m.text()}`);
  });
  return { browser, page, dir };
}

async function run(lang: Lang, size: (typeof sizes)[number], accountIndex: number): Promise<void> {
  const w = words(lang);
  const { browser, page, dir } = await open(lang, size, accountIndex);
  const cont = () => page.getByRole('button', { name: w.common.continue, exact: true }).click();
  const region = await regionLabel(page, 'washington', lang);
  const medical = medicalAccount('washington', accountIndex);
  const premium = premiumAccount('midatlantic', accountIndex % 3);

  await page.goto('/');
  await shoot(page, dir, '01-start');
  await page.getByRole('link', { name: w.start.startButton }).click();
  await shoot(page, dir, '02-region');
  await cont();
  await shoot(page, dir, '02-region-error');
  await page.getByRole('radio', { name: await regionLabel(page, 'midatlantic', lang), exact: true }).check();
  await cont();
  await shoot(page, dir, '03-bill-type');
  await cont();
  await shoot(page, dir, '03-bill-type-error');
  await page.getByRole('radio', { name: w.billType.premium.label }).check();
  await cont();
  await page.getByText(w.lookup.whereToFind).first().click();
  await shoot(page, dir, '04-find-premium');
  await page.getByRole('button', { name: w.lookup.submit }).click();
  await shoot(page, dir, '04-find-premium-error');
  await page.getByLabel(w.lookup.accountNumber, { exact: true }).fill(premium.accountNumber);
  await page.getByLabel(w.lookup.premium.invoice, { exact: true }).fill(premium.invoiceNumber);
  await page.getByLabel(w.lookup.premium.lastName, { exact: true }).fill(premium.lastName);
  await page.getByRole('button', { name: w.lookup.submit }).click();
  await page.getByRole('heading', { level: 1, name: w.bills.title }).waitFor();
  await shoot(page, dir, '05-bills-premium');

  // Medical bill in Washington.
  await page.goto('/pay/region');
  await page.getByRole('radio', { name: region, exact: true }).check();
  await cont();
  await page.getByRole('radio', { name: w.billType.medical.label }).check();
  await cont();
  await shoot(page, dir, '06-find-medical');
  await page.getByRole('button', { name: w.lookup.submit }).click();
  await shoot(page, dir, '06-find-medical-error');
  await page.getByLabel(w.lookup.accountNumber, { exact: true }).fill(medical.accountNumber);
  await page.getByLabel(w.lookup.medical.zip, { exact: true }).fill('00000');
  await page.getByRole('button', { name: w.lookup.submit }).click();
  await page.getByRole('heading', { name: w.common.errorSummaryTitle }).waitFor();
  await shoot(page, dir, '06-find-medical-not-found');
  await page.getByLabel(w.lookup.medical.zip, { exact: true }).fill(medical.postalCode);
  await page.getByRole('button', { name: w.lookup.submit }).click();
  await page.getByRole('heading', { level: 1, name: w.bills.title }).waitFor();
  await shoot(page, dir, '07-bills');
  await cont();
  await shoot(page, dir, '07-bills-error');
  const bill = medical.bills[0];
  if (!bill) throw new Error('demo account without bills');
  await page.getByRole('checkbox', { name: new RegExp(bill.number) }).check();
  await page.getByRole('radio', { name: w.bills.otherAmount }).check();
  await page.getByLabel(w.bills.otherAmountLabel).fill('999999');
  await cont();
  await shoot(page, dir, '07-bills-amount-error');
  await page.getByLabel(w.bills.otherAmountLabel).fill('25.00');
  await cont();

  await page.getByRole('heading', { level: 1, name: w.method.title }).waitFor();
  await shoot(page, dir, '08-method');
  await cont();
  await shoot(page, dir, '08-method-error');
  await page.getByRole('radio', { name: w.method.card }).check();
  await shoot(page, dir, '08-method-card');
  await cont();
  await shoot(page, dir, '08-method-card-errors');
  await page.getByLabel(w.card.number, { exact: true }).fill(CARDS.amex);
  await page.getByLabel(w.card.expiry, { exact: true }).focus();
  await shoot(page, dir, '08-method-card-amex');
  await page.getByRole('radio', { name: w.method.bank }).check();
  await cont();
  await shoot(page, dir, '08-method-bank-errors');
  await page.getByLabel(w.bank.holderName, { exact: true }).fill('Jordan Lee');
  await page.getByRole('radio', { name: w.bank.checking, exact: true }).check();
  await page.getByLabel(w.bank.routing, { exact: true }).fill(BANK.routingNumber);
  await page.getByLabel(w.bank.account, { exact: true }).fill(BANK.accountNumber);
  await page.getByText(w.bank.whereToFind).click();
  await shoot(page, dir, '08-method-bank');
  await cont();

  await page.getByRole('heading', { level: 1, name: w.review.title }).waitFor();
  await shoot(page, dir, '09-review-bank');
  await page.getByRole('button', { name: new RegExp(`^${lang === 'es' ? 'Pagar' : 'Pay'} \\$`) }).click();
  await shoot(page, dir, '09-review-bank-error');

  // Change to a card that is declined.
  await page.getByRole('link', { name: new RegExp(w.review.changeMethod) }).click();
  await page.getByRole('radio', { name: w.method.card }).check();
  await page.getByLabel(w.card.number, { exact: true }).fill(CARDS.declined);
  await page.getByLabel(w.card.expiry, { exact: true }).fill(futureExpiry());
  await page.getByLabel(w.card.cvc, { exact: true }).fill('123');
  await page.getByLabel(w.card.name, { exact: true }).fill('Jordan Lee');
  await page.getByLabel(w.card.zip, { exact: true }).fill('98101');
  await page.getByLabel(w.method.email).fill('jordan@example.com');
  await cont();
  await page.getByRole('heading', { level: 1, name: w.review.title }).waitFor();
  await shoot(page, dir, '09-review-card');
  await page.getByRole('button', { name: new RegExp(`^${lang === 'es' ? 'Pagar' : 'Pay'} \\$`) }).click();
  await page.getByRole('heading', { name: w.common.errorSummaryTitle }).waitFor();
  await shoot(page, dir, '10-method-declined');

  await page.getByRole('radio', { name: w.method.card }).check();
  await page.getByLabel(w.card.number, { exact: true }).fill(CARDS.visa);
  await page.getByLabel(w.card.expiry, { exact: true }).fill(futureExpiry());
  await page.getByLabel(w.card.cvc, { exact: true }).fill('123');
  await page.getByLabel(w.card.name, { exact: true }).fill('Jordan Lee');
  await page.getByLabel(w.card.zip, { exact: true }).fill('98101');
  await cont();
  await page.getByRole('button', { name: new RegExp(`^${lang === 'es' ? 'Pagar' : 'Pay'} \\$`) }).click();
  await page.getByRole('heading', { level: 1, name: w.confirmation.title }).waitFor();
  await shoot(page, dir, '11-confirmation');
  await page.getByRole('button', { name: w.confirmation.emailButton }).click();
  await shoot(page, dir, '11-confirmation-email-error');
  await page.getByLabel(w.confirmation.emailLabel, { exact: true }).fill('jordan@example.com');
  await page.getByRole('button', { name: w.confirmation.emailButton }).click();
  await page.getByText(w.confirmation.emailSent.replace('{{email}}', 'jordan@example.com')).waitFor();
  await shoot(page, dir, '11-confirmation-email-sent');

  await page.goBack();
  await page.getByRole('heading', { level: 1, name: w.alreadyPaid.title }).waitFor();
  await shoot(page, dir, '12-already-paid');

  // The time-out warning: pretend the session ends in 90 seconds.
  await page.evaluate(() => {
    const raw = sessionStorage.getItem('settle.guest-journey');
    if (!raw) return;
    const j = JSON.parse(raw);
    j.session.expiresAt = new Date(Date.now() + 90_000).toISOString();
    sessionStorage.setItem('settle.guest-journey', JSON.stringify(j));
  });
  // Keep the bills page from refreshing the real expiry while the warning is shown.
  await page.route('**/api/v1/guest/bills', (route) => route.abort());
  await page.goto('/pay/bills');
  await page.getByRole('dialog').waitFor();
  await shoot(page, dir, '13-timeout-warning');
  await page.unroute('**/api/v1/guest/bills');
  await page.getByRole('button', { name: w.timeout.stay }).click();

  await page.goto('/pay/finish');
  await shoot(page, dir, '14-finish');
  await page.goto('/pay/session-ended');
  await shoot(page, dir, '15-session-ended');
  await page.goto('/no-such-page');
  await shoot(page, dir, '16-not-found');

  await browser.close();
}

/** The verification link emailed to `email`, as a path, from the development mailbox. */
async function verificationLink(page: Page, email: string): Promise<string> {
  for (let i = 0; i < 30; i += 1) {
    const mails = (await (await page.request.get(`${baseUrl}/dev/mailbox.json`)).json()) as {
      to: string;
      text: string | null;
    }[];
    const mail = mails.find((m) => m.to === email && /\/verify-email\?token=/.test(m.text ?? ''));
    const match = /(\/verify-email\?token=[^\s]+)/.exec(mail?.text ?? '');
    if (match?.[1]) return match[1];
    await page.waitForTimeout(500);
  }
  throw new Error(`No verification email to ${email}`);
}

/** The newest code texted to `number` (E.164), from the development texts; with `newerThan`, another text. */
async function textedCode(
  page: Page,
  number: string,
  newerThan?: string,
): Promise<{ id: string; code: string }> {
  for (let i = 0; i < 30; i += 1) {
    const texts = (await (await page.request.get(`${baseUrl}/dev/texts.json`)).json()) as {
      id: string;
      to: string;
      body: string;
      kind: string;
    }[];
    const text = texts.find((x) => x.to === number && x.kind === 'member_mobile_code');
    const code = /\b(\d{6})\b/.exec(text?.body ?? '')?.[1];
    if (text && code && text.id !== newerThan) return { id: text.id, code };
    await page.waitForTimeout(500);
  }
  throw new Error(`No code texted to ${number}`);
}

/** Makes the next GET of the member session say it ends `ms` from now. */
async function sessionEndsIn(page: Page, ms: number): Promise<void> {
  await page.route('**/api/v1/member/session', async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const response = await route.fetch();
    if (response.status() !== 200) return route.fulfill({ response });
    const json = await response.json();
    json.idleExpiresAt = new Date(Date.now() + ms).toISOString();
    return route.fulfill({ response, json });
  });
}

/**
 * Paying, bills, wallet, settings and profile, each page and its error states (signed in, on the
 * account page). `openOtherDevice` signs the same member in elsewhere (for the step-up dialog).
 */
async function shootMemberPages(
  page: Page,
  dir: string,
  lang: Lang,
  member: DemoRegistered,
  openOtherDevice: () => Promise<Page>,
): Promise<void> {
  const person = member.responsibleFor[0] ?? '';
  const w = words(lang);
  const main = page.getByRole('main');
  const cont = () => page.getByRole('button', { name: w.common.continue, exact: true }).click();
  const pay = () =>
    page.getByRole('button', { name: new RegExp(`^${lang === 'es' ? 'Pagar' : 'Pay'} \\$`) }).click();
  const nav = (name: string) =>
    page.getByRole('navigation', { name: w.serviceNav.label }).getByRole('link', { name }).click();
  const fillCard = async (number: string) => {
    await page.getByLabel(w.card.number, { exact: true }).fill(number);
    await page.getByLabel(w.card.expiry, { exact: true }).fill(futureExpiry());
    await page.getByLabel(w.card.cvc, { exact: true }).fill('123');
    await page.getByLabel(w.card.name, { exact: true }).fill('Jordan Lee');
    await page.getByLabel(w.card.zip, { exact: true }).fill('98101');
  };

  await main
    .getByRole('region', { name: person, exact: true })
    .getByRole('link', { name: new RegExp(`^${w.account.payBill}`) })
    .first()
    .click();
  await page.getByRole('heading', { level: 1, name: w.accountPay.title }).waitFor();
  await shoot(page, dir, '26-pay-bills');
  await main.getByRole('checkbox', { checked: true }).uncheck();
  await cont();
  await shoot(page, dir, '26-pay-bills-errors');
  await main.getByRole('checkbox').first().check();
  await main.getByRole('checkbox').nth(1).check();
  await page.getByRole('radio', { name: new RegExp(`^${w.bills.fullBalanceOf.split('{{')[0]}`) }).check();
  await cont();
  await page.getByRole('heading', { level: 1, name: w.method.title }).waitFor();
  await shoot(page, dir, '26-pay-method');
  await cont();
  await shoot(page, dir, '26-pay-method-error');
  await page.getByRole('radio', { name: w.method.card }).check();
  await fillCard(CARDS.declined);
  await page.getByRole('checkbox', { name: w.accountPay.saveCard }).check();
  await page.getByLabel(w.wallet.nickname).fill('Family Visa');
  await shoot(page, dir, '26-pay-method-new-card');
  await cont();
  await page.getByRole('heading', { level: 1, name: w.review.title }).waitFor();
  await shoot(page, dir, '26-pay-review');
  await pay();
  await page.getByRole('heading', { name: w.common.errorSummaryTitle }).waitFor();
  await shoot(page, dir, '26-pay-declined');
  await fillCard(CARDS.visa);
  await page.getByRole('checkbox', { name: w.accountPay.saveCard }).check();
  await page.getByLabel(w.wallet.nickname).fill('Family Visa');
  await cont();
  await pay();
  await page.getByRole('heading', { level: 1, name: w.confirmation.title }).waitFor();
  await shoot(page, dir, '26-pay-confirmation');
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: w.alreadyPaid.title }).waitFor();
  await shoot(page, dir, '26-pay-already-paid');
  // The saved card on the next payment.
  await page.goto('/account/pay');
  await page.getByRole('heading', { level: 1, name: w.accountPay.title }).waitFor();
  await main.getByRole('radio').first().check();
  await main.getByRole('checkbox').first().check();
  await page.getByRole('radio', { name: w.bills.otherAmount }).check();
  await page.getByLabel(w.bills.otherAmountLabel).fill('10.00');
  await cont();
  await page.getByRole('heading', { level: 1, name: w.method.title }).waitFor();
  await shoot(page, dir, '26-pay-method-saved');

  await nav(w.serviceNav.bills);
  await main.getByRole('button', { name: w.memberBills.apply }).waitFor();
  await page.waitForTimeout(500);
  await shoot(page, dir, '30-bills');
  await main
    .getByRole('link', { name: /\d{5,}/ })
    .filter({ visible: true })
    .first()
    .click();
  await page.getByRole('heading', { level: 2, name: w.memberBills.detail.paymentsTitle }).waitFor();
  await shoot(page, dir, '31-bill');

  await nav(w.serviceNav.wallet);
  await main.getByRole('heading', { level: 2 }).first().waitFor();
  await shoot(page, dir, '32-wallet');
  await main.getByRole('link', { name: w.wallet.add }).click();
  await shoot(page, dir, '33-wallet-add');
  await page.getByRole('button', { name: w.wallet.save }).click();
  await shoot(page, dir, '33-wallet-add-error');
  await page.getByRole('radio', { name: w.wallet.card }).check();
  await page.getByRole('button', { name: w.wallet.save }).click();
  await shoot(page, dir, '33-wallet-add-card-errors');
  await page.getByRole('radio', { name: w.wallet.bank }).check();
  await page.getByLabel(w.bank.holderName, { exact: true }).fill('Jordan Lee');
  await page.getByRole('radio', { name: w.bank.savings, exact: true }).check();
  await page.getByLabel(w.bank.routing, { exact: true }).fill(BANK.routingNumber);
  await page.getByLabel(w.bank.account, { exact: true }).fill(BANK.accountNumber);
  await page.getByRole('button', { name: w.wallet.save }).click();
  await main.getByRole('heading', { level: 2, name: /6789/ }).waitFor();
  await shoot(page, dir, '32-wallet-saved');
  await main
    .getByRole('link', { name: new RegExp(`^${w.wallet.rename}`) })
    .first()
    .click();
  await shoot(page, dir, '34-wallet-rename');
  await page.getByLabel(w.wallet.nicknameLabel, { exact: true }).fill('z'.repeat(45));
  await page.getByRole('button', { name: w.wallet.saveName }).click();
  await shoot(page, dir, '34-wallet-rename-error');
  await nav(w.serviceNav.wallet);
  await main
    .getByRole('link', { name: new RegExp(`^${w.wallet.remove}`) })
    .first()
    .click();
  await shoot(page, dir, '36-wallet-remove');

  await nav(w.serviceNav.settings);
  await shoot(page, dir, '40-settings');
  await main.getByRole('link', { name: w.settings.password.change }).click();
  await page.getByRole('button', { name: w.settings.password.submit }).click();
  await shoot(page, dir, '41-change-password-errors');
  // Two-step verification turned on for real. Another device signed in with the password alone
  // before that has never proved a code, so the server asks it for one before a wallet change.
  const other = await openOtherDevice();
  await page.goto('/account/settings/two-step');
  await shoot(page, dir, '42-two-step-start');
  await page.getByRole('button', { name: w.settings.twoStep.start }).click();
  await main.getByRole('img', { name: w.settings.twoStep.qrLabel }).waitFor();
  await shoot(page, dir, '42-two-step-setup');
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await shoot(page, dir, '42-two-step-setup-error');
  await page.getByLabel(w.settings.twoStep.codeLabel).fill('000000');
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await page.getByRole('alert').getByRole('link', { name: w.twoStep.errors.wrongCode }).waitFor();
  await shoot(page, dir, '42-two-step-setup-wrong-code');
  const shownKey = await main.getByText(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/).innerText();
  const key = decodeBase32IgnorePadding(shownKey.replace(/\s/g, ''));
  await page.getByLabel(w.settings.twoStep.codeLabel).fill(generateTOTP(key, 30, 6));
  await page.getByRole('button', { name: w.settings.twoStep.confirm }).click();
  await page.getByRole('heading', { level: 1, name: w.settings.twoStep.doneTitle }).waitFor();
  await shoot(page, dir, '42-two-step-recovery-codes');
  await main.getByRole('link', { name: w.settings.twoStep.savedCodes }).click();
  await page.getByRole('status').getByText(w.settings.twoStep.turnedOn).waitFor();
  await shoot(page, dir, '40-settings-two-step-on');

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
  await dialog.waitFor();
  await shoot(other, dir, '35-step-up');
  await dialog.getByRole('button', { name: w.common.continue }).click();
  await shoot(other, dir, '35-step-up-error');
  await dialog.getByLabel(w.twoStep.code).fill('000000');
  await dialog.getByRole('button', { name: w.common.continue }).click();
  await dialog.getByRole('alert').getByRole('link', { name: w.twoStep.errors.wrongCode }).waitFor();
  await shoot(other, dir, '35-step-up-wrong-code');
  await dialog.getByRole('button', { name: w.stepUp.cancel }).click();
  await shoot(other, dir, '35-step-up-cancelled');
  await other.context().close();

  // Off again with the password (the next run signs in with the password alone).
  await page.goto('/account/settings/two-step/turn-off');
  await page.getByRole('heading', { level: 1, name: w.settings.twoStep.offTitle }).waitFor();
  await main.getByRole('button', { name: w.settings.twoStep.turnOff }).click();
  await shoot(page, dir, '43-two-step-off-error');
  await page.getByLabel(w.settings.password.current, { exact: true }).fill(member.password);
  await main.getByRole('button', { name: w.settings.twoStep.turnOff }).click();
  await page.getByRole('status').getByText(w.settings.twoStep.turnedOff).waitFor();

  await page.goto('/account/profile');
  await main.getByText(w.profile.email, { exact: true }).waitFor();
  await shoot(page, dir, '45-profile');
  await page.goto('/account/profile/email');
  await page.getByRole('button', { name: w.profile.save }).click();
  await shoot(page, dir, '46-profile-email-error');
  // A new mobile number, confirmed by the code texted to it (read from /dev/texts.json).
  const digits = `415555${member.medicalRecordNumber.slice(-4)}`;
  const shown = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
  await page.goto('/account/profile/mobile');
  await page.getByLabel(w.profile.mobile, { exact: true }).fill('12');
  await page.getByRole('button', { name: w.profile.save }).click();
  await shoot(page, dir, '46-profile-mobile-error');
  await page.getByLabel(w.profile.mobile, { exact: true }).fill(digits);
  await page.getByRole('button', { name: w.profile.save }).click();
  await main.getByText(w.profile.notConfirmed, { exact: true }).waitFor();
  await shoot(page, dir, '45-profile-mobile-not-confirmed');
  const codeField = page.getByLabel(w.profile.codeLabel.replace('{{number}}', shown));
  const confirmNumber = main.getByRole('button', { name: w.profile.confirmNumber });
  await confirmNumber.click();
  await page.getByRole('alert').waitFor();
  await shoot(page, dir, '45-profile-mobile-code-missing');
  const first = await textedCode(page, `+1${digits}`);
  await codeField.fill(first.code === '000000' ? '111111' : '000000');
  await confirmNumber.click();
  await page.getByRole('alert').getByRole('link', { name: w.profile.errors.codeWrong }).waitFor();
  await shoot(page, dir, '45-profile-mobile-code-wrong');
  await main.getByRole('button', { name: w.profile.resendCode }).click();
  await page.getByRole('status').getByText(w.profile.codeSent.replace('{{number}}', shown)).waitFor();
  await shoot(page, dir, '45-profile-mobile-code-sent');
  const second = await textedCode(page, `+1${digits}`, first.id);
  await codeField.fill(second.code);
  await confirmNumber.click();
  await main.getByText(w.profile.confirmed, { exact: true }).waitFor();
  await shoot(page, dir, '45-profile-mobile-confirmed');
  await page.goto('/account/profile/address');
  await page.getByLabel(w.profile.line1).fill('1 Main Street');
  await page.getByRole('button', { name: w.profile.save }).click();
  await shoot(page, dir, '47-profile-address-errors');
  await page.goto('/account/profile/language');
  await shoot(page, dir, '48-profile-language');

  // Automatic payments: the accounts, and setting one up (its errors, then the choices made).
  await nav(w.autopay.nav);
  await page.getByRole('heading', { level: 1, name: w.autopay.title }).waitFor();
  await main.getByRole('heading', { level: 2 }).first().waitFor();
  await shoot(page, dir, '50-autopay');
  // Where the member's region offers them (some demo members live where it does not).
  const setUp = main.getByRole('link', { name: new RegExp(`^${w.autopay.setUp}`) });
  if ((await setUp.count()) > 0) {
    await setUp.first().click();
    await page.getByRole('heading', { level: 1, name: w.autopay.setup.titleNew }).waitFor();
    await shoot(page, dir, '51-autopay-setup');
    await page.getByRole('button', { name: w.autopay.setup.submitNew }).click();
    await page.getByRole('alert').waitFor();
    await shoot(page, dir, '51-autopay-setup-errors');
  }

  // A bank payment the bank returns for lack of funds: the dashboard says when we ask the bank again.
  // The server's development clock moves past the sandbox's settlement delay (60 s) for the worker.
  await bankPaymentReturned(page);
  await page.goto('/account');
  await main.getByRole('region', { name: w.account.bankRetry.title }).waitFor();
  await shoot(page, dir, '25-account-bank-retry');
}

/** Pays the member's first open bill from a sandbox account that returns R01 once, and lets it return. */
async function bankPaymentReturned(page: Page): Promise<void> {
  const api = (p: string) => `${baseUrl}${p}`;
  const session = (await (await page.request.get(api('/api/v1/member/session'))).json()) as {
    csrfToken: string;
  };
  const dashboard = (await (await page.request.get(api('/api/v1/member/dashboard'))).json()) as {
    people: { bills: { id: string; balanceCents: number }[] }[];
  };
  const bill = dashboard.people.flatMap((p) => p.bills)[0];
  if (!bill) throw new Error('no open bill to pay from the bank');
  const tokenized = await page.request.post(api('/sandbox/v1/tokens'), {
    data: {
      type: 'bank',
      bank: { ...BANK, accountNumber: '000222222235', accountType: 'checking', holderName: 'Jordan Lee' },
    },
  });
  const { token } = (await tokenized.json()) as { token: string };
  const org = (await (await page.request.get(api('/api/v1/organization'))).json()) as {
    payments: { achAuthorization: { version: string } };
  };
  const paid = await page.request.post(api('/api/v1/member/payments'), {
    headers: { 'x-csrf-token': session.csrfToken, 'idempotency-key': crypto.randomUUID() },
    data: {
      billIds: [bill.id],
      amountCents: bill.balanceCents,
      paymentToken: token,
      bankAuthorization: { accepted: true, textVersion: org.payments.achAuthorization.version },
    },
  });
  if (paid.status() !== 201) throw new Error(`bank payment: ${paid.status()} ${await paid.text()}`);
  await page.request.post(api('/dev/clock'), { data: { minutes: 2 } });
  for (let i = 0; i < 30; i++) {
    const now = (await (await page.request.get(api('/api/v1/member/dashboard'))).json()) as {
      bankRetries: unknown[];
    };
    if (now.bankRetries.length > 0) {
      // Back to real time: the next run's two-step codes are computed from this machine's clock.
      await page.request.delete(api('/dev/clock'));
      return;
    }
    await page.waitForTimeout(500);
  }
  throw new Error('the bank payment did not come back returned');
}

async function runMember(lang: Lang, size: (typeof sizes)[number], index: number): Promise<void> {
  const w = words(lang);
  const { browser, page, dir } = await open(lang, size, 50 + index);
  const main = page.getByRole('main');
  const signInButton = () => main.getByRole('button', { name: w.signIn.submit });
  const fillSignIn = async (email: string, password: string) => {
    await page.getByLabel(w.signIn.email, { exact: true }).fill(email);
    await page.getByLabel(w.signIn.password, { exact: true }).fill(password);
    await signInButton().click();
  };
  // The last four registrable members: the e2e specs use the first ones.
  const newMember = registrableMember(12 + index);
  const email = `${newMember.firstName}.${newMember.lastName}.${lang}${size.width}@example.com`
    .normalize('NFD')
    .replace(/[^A-Za-z0-9.@]/g, '')
    .toLowerCase();
  const password = 'maple river lantern quietly';
  const member = registeredMember(4 + index, { withPeople: true });

  await page.goto('/sign-in');
  await shoot(page, dir, '20-sign-in');
  await signInButton().click();
  await shoot(page, dir, '20-sign-in-errors');
  await fillSignIn(member.email, 'not the right password');
  await page.getByRole('alert').waitFor();
  await page.getByRole('button', { name: w.password.showLabel }).click();
  await shoot(page, dir, '20-sign-in-wrong-password');
  await page.goto('/sign-in/forgot-password');
  await shoot(page, dir, '21-forgot-password');
  await page.getByRole('button', { name: w.forgotPassword.submit }).click();
  await shoot(page, dir, '21-forgot-password-error');
  await page.getByLabel(w.forgotPassword.email, { exact: true }).fill(member.email);
  await page.getByRole('button', { name: w.forgotPassword.submit }).click();
  await page.getByRole('heading', { level: 1, name: w.forgotPassword.sentTitle }).waitFor();
  await shoot(page, dir, '21-forgot-password-sent');
  await page.goto('/reset-password?token=pretend-token');
  await shoot(page, dir, '21-reset-password');
  await page.getByRole('button', { name: w.resetPassword.submit }).click();
  await shoot(page, dir, '21-reset-password-error');
  await page.getByLabel(w.resetPassword.password, { exact: true }).fill('a new password that is long');
  await page.getByRole('button', { name: w.resetPassword.submit }).click();
  await page.getByRole('heading', { level: 1, name: w.resetPassword.invalidTitle }).waitFor();
  await shoot(page, dir, '21-reset-password-link-expired');
  await page.route('**/api/v1/member/password-resets/complete', (route) =>
    route.fulfill({ status: 200, json: { reset: true } }),
  );
  await page.goto('/reset-password?token=pretend-token');
  await page.getByLabel(w.resetPassword.password, { exact: true }).fill('a new password that is long');
  await page.getByRole('button', { name: w.resetPassword.submit }).click();
  await page.getByRole('heading', { level: 1, name: w.resetPassword.doneTitle }).waitFor();
  await shoot(page, dir, '21-reset-password-done');
  await page.unroute('**/api/v1/member/password-resets/complete');
  // Two-step sign-in, with the server's answer to the password pretended.
  await page.route('**/api/v1/member/sessions', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({ status: 202, json: { status: 'two_step_required', challenge: 'pretend' } })
      : route.fallback(),
  );
  await page.goto('/sign-in');
  await fillSignIn(member.email, member.password);
  await page.getByRole('heading', { level: 1, name: w.twoStep.signIn.title }).waitFor();
  await shoot(page, dir, '21-two-step-sign-in');
  await signInButton().click();
  await shoot(page, dir, '21-two-step-sign-in-error');
  await main.getByRole('button', { name: w.twoStep.useRecovery }).click();
  await shoot(page, dir, '21-two-step-sign-in-recovery');
  await page.unroute('**/api/v1/member/sessions');

  await page.goto('/register');
  await shoot(page, dir, '22-register');
  await main.getByText(w.lookup.whereToFind).click();
  await shoot(page, dir, '22-register-mrn-hint');
  await page.getByRole('button', { name: w.register.submit }).click();
  await shoot(page, dir, '22-register-errors');
  const [year, month, day] = newMember.birthDate.split('-');
  const dob = page.getByRole('group', { name: w.register.birthDate });
  await page.getByLabel(w.register.firstName, { exact: true }).fill(newMember.firstName);
  await page.getByLabel(w.register.lastName, { exact: true }).fill(newMember.lastName);
  await dob.getByLabel(w.dateInput.day, { exact: true }).fill(String(Number(day)));
  await dob.getByLabel(w.dateInput.month, { exact: true }).fill(String(Number(month)));
  await dob.getByLabel(w.dateInput.year, { exact: true }).fill(year ?? '');
  await page
    .getByRole('radio', { name: await regionLabel(page, newMember.regionId, lang), exact: true })
    .check();
  await page.getByLabel(w.register.mrn, { exact: true }).fill(newMember.medicalRecordNumber);
  await page.getByLabel(w.register.email, { exact: true }).fill(email);
  await page.getByLabel(w.register.password, { exact: true }).fill('too short');
  await page.getByRole('checkbox', { name: w.register.acceptTerms }).check();
  await page.getByRole('button', { name: w.register.submit }).click();
  await page.getByRole('alert').waitFor();
  await shoot(page, dir, '22-register-password-error');
  await page.getByLabel(w.register.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: w.register.submit }).click();
  await page.getByRole('heading', { level: 1, name: w.checkEmail.title }).waitFor();
  await shoot(page, dir, '23-check-email');

  await page.goto('/sign-in');
  await fillSignIn(email, password);
  await page.getByRole('alert').waitFor();
  await shoot(page, dir, '20-sign-in-email-not-confirmed');

  const link = await verificationLink(page, email);
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: w.verifyEmail.doneTitle }).waitFor();
  await shoot(page, dir, '24-email-confirmed');
  await page.goto(link);
  await page.getByRole('heading', { level: 1, name: w.verifyEmail.invalidTitle }).waitFor();
  await shoot(page, dir, '24-email-link-used');

  await page.goto('/sign-in');
  await fillSignIn(email, password);
  await page.getByRole('heading', { level: 1, name: w.account.title }).waitFor();
  await main.getByRole('heading', { level: 2, name: w.account.billsToPay }).waitFor();
  await shoot(page, dir, '25-account-new-member');
  await page.getByRole('banner').getByRole('button', { name: w.accountNav.signOut }).click();
  await page.getByRole('heading', { level: 1, name: w.signedOut.title }).waitFor();
  await shoot(page, dir, '28-signed-out');

  await page.goto('/account');
  await page.getByRole('heading', { level: 1, name: w.signIn.title }).waitFor();
  await fillSignIn(member.email, member.password);
  await page.getByRole('heading', { level: 1, name: w.account.title }).waitFor();
  await main.getByRole('heading', { level: 2, name: w.account.billsToPay }).waitFor();
  await shoot(page, dir, '25-account-with-people');
  const openOtherDevice = async (): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: size.width, height: size.height },
      baseURL: baseUrl,
      extraHTTPHeaders: { 'x-forwarded-for': `10.98.${index}.${size.width % 250}` },
    });
    await context.addInitScript((l) => localStorage.setItem('settle.lang', l), lang);
    const other = await context.newPage();
    other.on('console', (m) => {
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        console.warn(`  console (other device): ${m.text()}`);
    });
    await other.goto('/sign-in');
    await other.getByLabel(w.signIn.email, { exact: true }).fill(member.email);
    await other.getByLabel(w.signIn.password, { exact: true }).fill(member.password);
    await other.getByRole('main').getByRole('button', { name: w.signIn.submit }).click();
    await other.getByRole('heading', { level: 1, name: w.account.title }).waitFor();
    return other;
  };
  await shootMemberPages(page, dir, lang, member, openOtherDevice);

  await sessionEndsIn(page, 90_000);
  await page.goto('/account');
  await main.getByRole('heading', { level: 2, name: w.account.billsToPay }).waitFor();
  await page.getByRole('dialog').waitFor();
  await page.waitForTimeout(500);
  await shoot(page, dir, '27-timeout-warning');
  await page.getByRole('button', { name: w.memberTimeout.stay }).click();
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  await page.unroute('**/api/v1/member/session');
  await sessionEndsIn(page, 2_000);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: w.memberSessionEnded.title }).waitFor();
  await page.unroute('**/api/v1/member/session');
  await shoot(page, dir, '29-session-ended');

  await browser.close();
}

let index = 0;
for (const lang of ['en', 'es'] as const) {
  for (const size of sizes) {
    console.log(`${lang} ${size.width}×${size.height}`);
    if (!membersOnly) await run(lang, size, index);
    await runMember(lang, size, index);
    index += 1;
  }
}
console.log(`Screenshots in ${outDir}`);
