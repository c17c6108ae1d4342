/**
 * A server of a spec's own, for journeys that move the clock (POST /dev/clock): the clock is a whole
 * server's, and the suite's server is serving the other worker's tests at the same time (moved days
 * ahead, their sessions would end and their scheduled payments run). The same app, started the same
 * way, with its own clock and in-memory database, stopped after the spec. Also the helpers such a
 * journey needs: registering a member through the API, the mailbox, the server's date, moving it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIRequestContext, Page } from '@playwright/test';
import { Temporal } from 'temporal-polyfill';
import { expect } from './fixtures';
import { type Lang, words } from './journey';
import { signIn } from './member';

/** The demo regions these journeys use are on Pacific time. */
export const TIME_ZONE = 'America/Los_Angeles';

export interface OwnServer {
  url: string;
  stop: () => Promise<void>;
}

/** The newest email to `to` whose subject starts with `subject`, from the dev mailbox. */
export async function mailTo(request: APIRequestContext, to: string, subject: string) {
  let found: { subject: string; text: string | null } | undefined;
  await expect
    .poll(
      async () => {
        const mails = (await (await request.get('/dev/mailbox.json')).json()) as {
          to: string;
          subject: string;
          text: string | null;
        }[];
        found = mails.find((m) => m.to.toLowerCase() === to.toLowerCase() && m.subject.startsWith(subject));
        return found?.subject ?? null;
      },
      { message: `an email to ${to}: "${subject}…"`, timeout: 20_000 },
    )
    .not.toBeNull();
  return found as { subject: string; text: string | null };
}

/** The server's "now" and today's date in the region. */
export async function serverToday(request: APIRequestContext) {
  const clock = (await (await request.get('/dev/clock')).json()) as { now: string };
  const now = Temporal.Instant.from(clock.now);
  return { now, today: now.toZonedDateTimeISO(TIME_ZONE).toPlainDate() };
}

/** Moves the server's clock forward to `to` (never back). */
export async function moveClockTo(request: APIRequestContext, to: Temporal.Instant) {
  const { now } = await serverToday(request);
  const minutes = Math.ceil(now.until(to).total({ unit: 'minutes' }));
  expect(minutes, 'the clock only moves forward').toBeGreaterThan(0);
  const res = await request.post('/dev/clock', {
    data: { hours: Math.floor(minutes / 60), minutes: minutes % 60 },
  });
  expect(res.status()).toBe(200);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * `settle start` on a free port with an in-memory database, from a directory of its own that holds
 * only the suite's built web app: with no web sources beside it, it never rebuilds web/dist under
 * the suite's server. Mail stays in its outbox and it needs no PostgreSQL: whatever the environment
 * says about those is left out.
 */
export async function startOwnServer(name: string): Promise<OwnServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), `settle-${name}-e2e-`));
  mkdirSync(path.join(dir, 'web'));
  symlinkSync(path.join(repoRoot, 'web/dist'), path.join(dir, 'web/dist'));
  const {
    DATABASE_URL: _db,
    SMTP_URL: _smtp,
    TWILIO_ACCOUNT_SID: _sid,
    TWILIO_AUTH_TOKEN: _token,
    TWILIO_FROM: _from,
    PUBLIC_URL: _url,
    ...env
  } = process.env;
  const log = process.env.E2E_LOG_FILE ? openSync(process.env.E2E_LOG_FILE, 'a') : 'ignore';
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), path.join(repoRoot, 'src/main.ts'), 'start'],
    {
      cwd: dir,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...env,
        DATA_DIR: 'memory://',
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
        TRUST_PROXY: '1',
        ORGANIZATION_FILE: path.join(repoRoot, 'config/organization.json'),
      },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const up = await fetch(`${url}/api/v1/organization`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await stop();
  throw new Error(`the spec's own server did not start on ${url}`);
}

/** How the pages write a date: 'Saturday, November 28, 2026'. */
export function fullDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
  );
}

/** How the emails write a date: 'November 28, 2026'. */
export function longDate(iso: string): string {
  return Temporal.PlainDate.from(iso).toLocaleString('en-US', { dateStyle: 'long' });
}

/** Opens `path`; when the session has ended (the clock moved past it), signs in again first. */
export async function openSignedIn(
  page: Page,
  path: string,
  member: { email: string; password: string },
  heading: string,
  lang: Lang = 'en',
) {
  const w = words(lang);
  await page.goto(path);
  const signInHeading = page.getByRole('heading', { level: 1, name: w.signIn.title });
  const target = page.getByRole('heading', { level: 1, name: heading });
  await expect(signInHeading.or(target)).toBeVisible();
  if (await signInHeading.isVisible()) await signIn(page, member, lang);
  await expect(target).toBeVisible();
}
