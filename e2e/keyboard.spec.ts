import type { Locator, Page } from '@playwright/test';
import { dollars, medicalAccount, registeredMember } from './support/demo';
import { expect, test } from './support/fixtures';
import { CARDS, futureExpiry } from './support/journey';

/** Presses Tab until `target` has focus (failing if it never does), then checks the focus is visible. */
async function tabTo(page: Page, target: Locator, max = 40): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    // The target itself, or the control that wraps it (a <summary> around its text).
    const reached = await target.evaluate((el) => {
      const active = document.activeElement;
      if (!active || active === document.body) return false;
      return active === el || active.contains(el);
    });
    if (reached) {
      await expectVisibleFocus(page);
      return;
    }
  }
  throw new Error(`Tab never reached ${target}`);
}

/** A thick outline, a focus shadow, or the yellow focus background, on the element or its drawn control. */
async function expectVisibleFocus(page: Page): Promise<void> {
  const visible = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return false;
    const drawn =
      el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox')
        ? getComputedStyle(el.nextElementSibling as Element, '::before')
        : getComputedStyle(el);
    const outline = drawn.outlineStyle !== 'none' && Number.parseFloat(drawn.outlineWidth) >= 2;
    const transparentOutline =
      drawn.outlineColor === 'rgba(0, 0, 0, 0)' || drawn.outlineColor === 'transparent';
    const shadow = drawn.boxShadow !== 'none';
    const yellow = drawn.backgroundColor === 'rgb(255, 221, 0)';
    return (outline && !transparentOutline) || shadow || yellow;
  });
  expect(visible, 'focus is visible').toBe(true);
}

async function type(page: Page, target: Locator, text: string): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.type(text);
}

test('the whole payment can be made with the keyboard alone', async ({ page }) => {
  test.setTimeout(120_000);
  const account = medicalAccount('northwest', 0);
  const bill = account.bills[0]!;
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Pay your bill' })).toBeVisible();

  // The skip link comes first.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();

  await tabTo(page, page.getByRole('link', { name: 'Make a one-time payment' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Which region are you in?' })).toBeFocused();

  // Radios: Tab into the group, arrows to choose.
  await tabTo(page, page.getByRole('radio', { name: 'Northern California' }));
  const target = page.getByRole('radio', { name: 'Oregon and Southwest Washington' });
  for (let i = 0; i < 10 && !(await target.isChecked()); i += 1) await page.keyboard.press('ArrowDown');
  await expect(target).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await expect(
    page.getByRole('heading', { level: 1, name: 'What kind of bill do you want to pay?' }),
  ).toBeVisible();
  await tabTo(page, page.getByRole('radio', { name: 'A medical bill' }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await expect(
    page.getByRole('heading', { level: 1, name: 'Enter the details from your bill' }),
  ).toBeVisible();
  await type(page, page.getByRole('textbox', { name: 'Account number' }), account.accountNumber);
  // The "Where do I find this?" hint opens from the keyboard too.
  await tabTo(page, page.getByText('Where do I find this?').first());
  await page.keyboard.press('Enter');
  await expect(page.getByText(/Look at the top right corner/)).toBeVisible();
  await type(page, page.getByRole('textbox', { name: 'ZIP code' }), account.postalCode);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'What you owe' })).toBeVisible();
  await tabTo(page, page.getByRole('checkbox', { name: new RegExp(bill.number) }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('radio', { name: /^The full balance/ }));
  await page.keyboard.press('Space');
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'How do you want to pay?' })).toBeVisible();
  await tabTo(page, page.getByRole('radio', { name: 'Debit or credit card' }));
  await page.keyboard.press('Space');
  await type(page, page.getByRole('textbox', { name: 'Card number' }), CARDS.visa);
  await type(page, page.getByRole('textbox', { name: 'Expiry date' }), futureExpiry().replace(/\D/g, ''));
  await type(page, page.getByRole('textbox', { name: 'Security code' }), '123');
  await type(page, page.getByRole('textbox', { name: 'Name on card' }), 'Kim Park');
  await type(page, page.getByRole('textbox', { name: 'Billing ZIP code' }), '97201');
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await expect(
    page.getByRole('heading', { level: 1, name: 'Check your answers before you pay' }),
  ).toBeVisible();
  const pay = page.getByRole('button', { name: `Pay ${dollars(bill.balanceCents)}` });
  await tabTo(page, pay);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
  await type(page, page.getByRole('textbox', { name: 'Email address' }), 'kim@example.com');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').getByText('We sent your receipt to kim@example.com.')).toBeVisible();

  // And the language switch.
  await tabTo(page, page.getByRole('button', { name: /Español/ }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Pago recibido' })).toBeVisible();
});

test('an error summary link moves focus to the field it is about', async ({ page }) => {
  await page.goto('/pay/region');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await tabTo(page, summary.getByRole('link', { name: 'Select the region where you get care' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('radio', { name: 'Northern California' })).toBeFocused();
});

test('a member signs in, sees their account and signs out with the keyboard alone', async ({ page }) => {
  const member = registeredMember(3, { withPeople: false });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Pay your bill' })).toBeVisible();
  await tabTo(page, page.getByRole('banner').getByRole('link', { name: 'Sign in' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused();

  await type(page, page.getByRole('textbox', { name: 'Email address' }), member.email);
  await type(page, page.getByLabel('Password', { exact: true }), member.password);
  // The Show button comes next, and shows the password.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Show password' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'text');
  await tabTo(page, page.getByRole('main').getByRole('button', { name: 'Sign in' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeFocused();
  // The header is above: Shift+Tab goes back past the account's page links and the language switch to "Sign out".
  const signOut = page.getByRole('banner').getByRole('button', { name: 'Sign out' });
  for (let i = 0; i < 10 && !(await signOut.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Shift+Tab');
  }
  await expect(signOut).toBeFocused();
  await expectVisibleFocus(page);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'You have signed out' })).toBeFocused();
});

test('a signed-in member pays a bill with a new card with the keyboard alone', async ({ page }) => {
  test.setTimeout(120_000);
  // The one member without people no other test signs in as.
  const member = registeredMember(0, { withPeople: false });
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await type(page, page.getByRole('textbox', { name: 'Email address' }), member.email);
  await type(page, page.getByLabel('Password', { exact: true }), member.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeFocused();

  // The first bill's "Pay this bill" (its bill is named for screen readers after a dash).
  const payThis = page
    .getByRole('main')
    .getByRole('link', { name: /^Pay this bill – / })
    .first();
  await tabTo(page, payThis);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'What do you want to pay?' })).toBeVisible();
  // The bill is already ticked; choose the full balance with the Space bar.
  await expect(page.getByRole('main').getByRole('checkbox', { checked: true })).toHaveCount(1);
  const full = page.getByRole('radio', { name: /^The full balance/ });
  await tabTo(page, full);
  await page.keyboard.press('Space');
  await expect(full).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'How do you want to pay?' })).toBeVisible();
  const card = page.getByRole('radio', { name: 'Debit or credit card' });
  await tabTo(page, card);
  await page.keyboard.press('Space');
  await expect(card).toBeChecked();
  // The processor's card fields, typed as a person would (the expiry formats itself).
  await type(page, page.getByRole('textbox', { name: 'Card number' }), CARDS.visa);
  await type(page, page.getByRole('textbox', { name: 'Expiry date' }), futureExpiry().replace(/\D/g, ''));
  await type(page, page.getByRole('textbox', { name: 'Security code' }), '123');
  await type(page, page.getByRole('textbox', { name: 'Name on card' }), member.name);
  await type(page, page.getByRole('textbox', { name: 'Billing ZIP code' }), '94612');
  const save = page.getByRole('checkbox', { name: 'Save this card for next time' });
  await tabTo(page, save);
  await page.keyboard.press('Space');
  await expect(save).toBeChecked();
  await type(page, page.getByRole('textbox', { name: 'A name for it (optional)' }), 'My Visa');
  // Shift+Tab back to the card number: the fields keep what was typed.
  const number = page.getByRole('textbox', { name: 'Card number' });
  for (let i = 0; i < 12 && !(await number.evaluate((el) => el === document.activeElement)); i += 1) {
    await page.keyboard.press('Shift+Tab');
  }
  await expect(number).toBeFocused();
  await expectVisibleFocus(page);
  await expect(number).toHaveValue('4242 4242 4242 4242');
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await expect(
    page.getByRole('heading', { level: 1, name: 'Check your answers before you pay' }),
  ).toBeVisible();
  await expect(
    page
      .getByRole('main')
      .getByText(/Visa ending (in )?4242/)
      .first(),
  ).toBeVisible();
  const pay = page.getByRole('button', { name: /^Pay \$/ });
  await tabTo(page, pay);
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Payment received' })).toBeVisible();
});
