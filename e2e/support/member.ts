import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { DemoRegistrable } from './demo';
import { type Lang, words } from './words';

export const NEW_PASSWORD = 'correct horse battery staple lamp';

/** The verification link emailed to `email`, as a path (/verify-email?token=…), from the dev mailbox. */
export async function verificationLink(request: APIRequestContext, email: string): Promise<string> {
  let link: string | null = null;
  await expect
    .poll(
      async () => {
        const res = await request.get('/dev/mailbox.json');
        const mails = (await res.json()) as { to: string; text: string | null }[];
        for (const m of mails) {
          if (m.to.toLowerCase() !== email.toLowerCase()) continue;
          const match = /https?:\/\/[^\s]+(\/verify-email\?token=[^\s]+)/.exec(m.text ?? '');
          if (match?.[1]) link = match[1];
        }
        return link;
      },
      { message: `verification email to ${email}`, timeout: 15_000 },
    )
    .not.toBeNull();
  return link as unknown as string;
}

/** Fills and sends the registration page (already open). */
export async function fillRegistration(
  page: Page,
  member: DemoRegistrable,
  options: { email: string; password: string; lang?: Lang; regionName: string },
): Promise<void> {
  const w = words(options.lang ?? 'en');
  const [year, month, day] = member.birthDate.split('-');
  await page.getByLabel(w.register.firstName, { exact: true }).fill(member.firstName);
  await page.getByLabel(w.register.lastName, { exact: true }).fill(member.lastName);
  const dob = page.getByRole('group', { name: w.register.birthDate });
  await dob.getByLabel(w.dateInput.day, { exact: true }).fill(String(Number(day)));
  await dob.getByLabel(w.dateInput.month, { exact: true }).fill(String(Number(month)));
  await dob.getByLabel(w.dateInput.year, { exact: true }).fill(year ?? '');
  await page.getByRole('radio', { name: options.regionName, exact: true }).check();
  await page.getByLabel(w.register.mrn, { exact: true }).fill(member.medicalRecordNumber);
  await page.getByLabel(w.register.email, { exact: true }).fill(options.email);
  await page.getByLabel(w.register.password, { exact: true }).fill(options.password);
  await page.getByRole('checkbox', { name: w.register.acceptTerms }).check();
  await page.getByRole('button', { name: w.register.submit }).click();
}

/** Fills and sends the sign-in page (already open). */
export async function signIn(
  page: Page,
  credentials: { email: string; password: string },
  lang: Lang = 'en',
): Promise<void> {
  const w = words(lang);
  await expect(page.getByRole('heading', { level: 1, name: w.signIn.title })).toBeVisible();
  await page.getByLabel(w.signIn.email, { exact: true }).fill(credentials.email);
  await page.getByLabel(w.signIn.password, { exact: true }).fill(credentials.password);
  await page.getByRole('main').getByRole('button', { name: w.signIn.submit }).click();
}

/** A unique email address for a test that registers. */
export function testEmail(member: DemoRegistrable, tag: string): string {
  const local = `${member.firstName}.${member.lastName}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  return `${local}.${tag}.${Date.now().toString(36)}@example.com`;
}

export const SESSION_ROUTE = '**/api/v1/member/session';

/**
 * Makes the page's session answers say the session ends `ms` from now (the real one lasts 30
 * minutes), to show the time-out warning. Undo with `page.unroute(SESSION_ROUTE)`.
 */
export async function sessionEndsIn(page: Page, ms: number): Promise<void> {
  await page.route(SESSION_ROUTE, async (route) => {
    if (route.request().method() !== 'GET') return route.fallback();
    const response = await route.fetch();
    if (response.status() !== 200) return route.fulfill({ response });
    const json = await response.json();
    json.idleExpiresAt = new Date(Date.now() + ms).toISOString();
    return route.fulfill({ response, json });
  });
}

/**
 * Opens the account page with the session ending in 90 seconds, and waits until the page has
 * asked about the session twice (on load, and after the dashboard), so no later answer can undo
 * what the test does next.
 */
export async function openAccountAboutToTimeOut(page: Page): Promise<void> {
  let answers = 0;
  page.on('response', (r) => {
    if (r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/v1/member/session')
      answers += 1;
  });
  await sessionEndsIn(page, 90_000);
  await page.goto('/account');
  await expect.poll(() => answers).toBeGreaterThanOrEqual(2);
}

/** The newest link to `path` (like '/reset-password') emailed to `email`, as a path, from the dev mailbox. */
export async function mailedLink(request: APIRequestContext, email: string, path: string): Promise<string> {
  let link: string | null = null;
  const pattern = new RegExp(`https?://[^\\s]+(${path.replace(/[/?]/g, '\\$&')}\\?token=[^\\s]+)`);
  await expect
    .poll(
      async () => {
        const res = await request.get('/dev/mailbox.json');
        const mails = (await res.json()) as { to: string; text: string | null }[];
        for (const m of mails) {
          if (m.to.toLowerCase() !== email.toLowerCase()) continue;
          const match = pattern.exec(m.text ?? '');
          if (match?.[1]) link = match[1];
        }
        return link;
      },
      { message: `email to ${email} with a link to ${path}`, timeout: 15_000 },
    )
    .not.toBeNull();
  return link as unknown as string;
}

/**
 * The newest 6-digit code texted to `number` (E.164, like +15105550123), from the development
 * texts (/dev/texts.json, newest first). With `newerThan`, waits for a text other than that one.
 */
export async function textedCode(
  request: APIRequestContext,
  number: string,
  newerThan?: string,
): Promise<{ id: string; code: string }> {
  let found: { id: string; code: string } | null = null;
  await expect
    .poll(
      async () => {
        const res = await request.get('/dev/texts.json');
        const texts = (await res.json()) as { id: string; to: string; body: string; kind: string }[];
        const text = texts.find((x) => x.to === number && x.kind === 'member_mobile_code');
        const code = /\b(\d{6})\b/.exec(text?.body ?? '')?.[1];
        found = text && code && text.id !== newerThan ? { id: text.id, code } : null;
        return found;
      },
      { message: `a code texted to ${number}`, timeout: 15_000 },
    )
    .not.toBeNull();
  return found as unknown as { id: string; code: string };
}

/** A 6-digit code that is not `code` (for a wrong try). */
export function otherCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/**
 * Signs out from the header and waits until the server has ended the session. The page drops the
 * session in the tab first, so "Signed out" shows before the server has answered; going to the
 * sign-in page before then would find the session still alive and be sent to the account.
 */
export async function signOut(page: Page, lang: Lang = 'en'): Promise<void> {
  const w = words(lang);
  const ended = page.waitForResponse(
    (res) => res.request().method() === 'DELETE' && new URL(res.url()).pathname === '/api/v1/member/session',
  );
  await page.getByRole('banner').getByRole('button', { name: w.accountNav.signOut }).click();
  await expect(page.getByRole('heading', { level: 1, name: w.signedOut.title })).toBeVisible();
  expect((await ended).status()).toBe(204);
}

/** Registers the demo member through the API with a fresh address and confirms it from the mailbox. */
export async function registerMember(request: APIRequestContext, member: DemoRegistrable, tag: string) {
  const email = testEmail(member, tag);
  const res = await request.post('/api/v1/member/registrations', {
    data: {
      language: 'en',
      firstName: member.firstName,
      lastName: member.lastName,
      birthDate: member.birthDate,
      regionId: member.regionId,
      medicalRecordNumber: member.medicalRecordNumber,
      email,
      password: NEW_PASSWORD,
      acceptTerms: true,
    },
  });
  expect(res.status()).toBe(202);
  const link = await verificationLink(request, email);
  const token = new URL(link, 'http://localhost').searchParams.get('token');
  const verified = await request.post('/api/v1/member/email-verifications', { data: { token } });
  expect(verified.status()).toBe(200);
  return { email, password: NEW_PASSWORD, name: `${member.firstName} ${member.lastName}` };
}
