import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  nextTestAddress,
  signIn,
} from '../../../test/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = 'blue kettle on a quiet morning';
let seq = 0;
const uniqueEmail = (name: string) => `${name}-${process.pid}-${++seq}@example.org`;

async function emailsTo(address: string) {
  return t.deps.db
    .selectFrom('outbox_emails')
    .select(['kind', 'subject', 'text_body'])
    .where('to_address', '=', address)
    .orderBy('created_at')
    .execute();
}

function signInRequest(email: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/member/sessions',
    payload: { email, password },
    remoteAddress: nextTestAddress(),
  });
}

function withSession(cookie: string, csrfToken?: string, extra: Record<string, string> = {}) {
  return { cookie, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}), ...extra };
}

describe('sign-in', () => {
  it('gives an unknown email and a wrong password the same answer', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const unknown = await signInRequest(uniqueEmail('nobody'), MEMBER_PASSWORD);
    const wrong = await signInRequest(member.email, 'not the password at all');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('pauses sign-in for 30 minutes after 10 wrong passwords in a row, and tells the member', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    for (let i = 0; i < 10; i++) {
      expect((await signInRequest(member.email, `wrong password number ${i}`)).statusCode).toBe(401);
    }
    const locked = await signInRequest(member.email, MEMBER_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect((await emailsTo(member.email)).map((m) => m.kind)).toEqual(['member_sign_in_paused']);
    t.clock.advance({ minutes: 31 });
    try {
      const session = await signIn(t.app, member.email, MEMBER_PASSWORD);
      expect(session.cookie).toMatch(/^settle_session=/);
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('sets a fresh HttpOnly SameSite=Lax session cookie at every sign-in', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const res = await signInRequest(member.email, MEMBER_PASSWORD);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/settle_session=[A-Za-z0-9_-]{22}/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const second = await signIn(t.app, member.email, MEMBER_PASSWORD);
    expect(second.cookie).not.toBe(cookie.split(';')[0]);
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'result', 'ip'])
      .where('resource_id', '=', member.memberId)
      .execute();
    expect(audit.filter((a) => a.action === 'member.sign_in' && a.result === 'success')).toHaveLength(2);
  });
});

describe('passwords', () => {
  const resetTokenIn = (text: string) => {
    const match = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(text);
    if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
    return match[1];
  };
  const requestReset = (email: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/member/password-resets', payload: { email } });
  const completeReset = (token: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/member/password-resets/complete',
      payload: { token, password },
    });

  it('resets a forgotten password with a single-use link, ending every session', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const old = await signIn(t.app, member.email, MEMBER_PASSWORD);

    const unknown = await requestReset(uniqueEmail('nobody'));
    const known = await requestReset(member.email);
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(Object.keys(unknown.json())).toEqual(Object.keys(known.json()));
    const [mail] = await emailsTo(member.email);
    const token = resetTokenIn(mail?.text_body ?? '');

    const weak = await completeReset(token, 'short one');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0]).toMatchObject({ field: 'password', code: 'too_short' });
    expect((await completeReset(token, PASSWORD)).statusCode).toBe(200);
    expect((await completeReset(token, PASSWORD)).json().code).toBe('token_invalid');

    const stale = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/session',
      headers: withSession(old.cookie),
    });
    expect(stale.statusCode).toBe(401);
    expect((await signInRequest(member.email, MEMBER_PASSWORD)).statusCode).toBe(401);
    await signIn(t.app, member.email, PASSWORD);
    expect((await emailsTo(member.email)).map((m) => m.kind)).toEqual([
      'member_reset_password',
      'member_password_changed',
    ]);
  });

  it('expires the reset link after an hour', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    await requestReset(member.email);
    const token = resetTokenIn((await emailsTo(member.email))[0]?.text_body ?? '');
    t.clock.advance({ minutes: 61 });
    try {
      expect((await completeReset(token, PASSWORD)).json().code).toBe('token_invalid');
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('changes the password with the current one, keeping this session and ending the others', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const here = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const there = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/member/password',
        headers: withSession(here.cookie, here.csrfToken),
        payload: { currentPassword, newPassword },
      });
    const wrong = await change('not my password', PASSWORD);
    expect(wrong.json().errors[0]).toMatchObject({ field: 'currentPassword', code: 'wrong_password' });
    expect((await change(MEMBER_PASSWORD, 'password')).json().errors[0]).toMatchObject({
      field: 'newPassword',
    });
    expect((await change(MEMBER_PASSWORD, PASSWORD)).statusCode).toBe(200);
    const session = (cookie: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/member/session', headers: withSession(cookie) });
    expect((await session(here.cookie)).statusCode).toBe(200);
    expect((await session(there.cookie)).statusCode).toBe(401);
  });
});

describe('sessions', () => {
  async function signedIn() {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    return signIn(t.app, member.email, MEMBER_PASSWORD);
  }
  const getSession = (cookie: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/member/session', headers: withSession(cookie) });

  it('ends after 30 idle minutes; activity keeps it alive, but never past 12 hours', async () => {
    const a = await signedIn();
    try {
      t.clock.advance({ minutes: 31 });
      expect((await getSession(a.cookie)).statusCode).toBe(401);

      t.clock.set('2026-11-23T18:00:00Z');
      const b = await signedIn();
      for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
        const at = Date.parse('2026-11-23T18:00:00Z') + minutes * 60_000;
        t.clock.set(new Date(at).toISOString());
        const res = await getSession(b.cookie);
        expect(res.statusCode).toBe(200);
        // The request that renewed the session answers with the renewed expiry, capped at 12 hours.
        const renewed = Math.min(at + 30 * 60_000, Date.parse('2026-11-24T06:00:00Z'));
        expect(Date.parse(res.json().idleExpiresAt)).toBe(renewed);
      }
      t.clock.set('2026-11-24T06:00:01Z');
      expect((await getSession(b.cookie)).statusCode).toBe(401);
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('needs the CSRF token and this site to change anything', async () => {
    const s = await signedIn();
    const refresh = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/member/session/refresh', headers });
    const missing = await refresh(withSession(s.cookie));
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('csrf_failed');
    expect((await refresh(withSession(s.cookie, 'wrong-token'))).statusCode).toBe(403);
    expect(
      (await refresh(withSession(s.cookie, s.csrfToken, { origin: 'https://evil.example' }))).statusCode,
    ).toBe(403);
    expect((await refresh(withSession(s.cookie, s.csrfToken, { origin: 'not a url' }))).statusCode).toBe(403);
    expect((await refresh(withSession(s.cookie, s.csrfToken))).statusCode).toBe(200);
  });

  it('signs out here, or everywhere', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const phone = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const laptop = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const tablet = await signIn(t.app, member.email, MEMBER_PASSWORD);

    const out = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/member/session',
      headers: withSession(phone.cookie, phone.csrfToken),
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/settle_session=;/);
    expect((await getSession(phone.cookie)).statusCode).toBe(401);
    expect((await getSession(laptop.cookie)).statusCode).toBe(200);

    const everywhere = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/member/sessions',
      headers: withSession(laptop.cookie, laptop.csrfToken),
    });
    expect(everywhere.statusCode).toBe(204);
    expect((await getSession(laptop.cookie)).statusCode).toBe(401);
    expect((await getSession(tablet.cookie)).statusCode).toBe(401);
  });
});

describe('sign-in under load', () => {
  it('counts wrong passwords sent in parallel one by one: once 10 are counted, even the right one is refused', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const paused = async () =>
      (
        await t.deps.db
          .selectFrom('members')
          .select('locked_until')
          .where('id', '=', member.memberId)
          .executeTakeFirstOrThrow()
      ).locked_until !== null;
    let settled = false;
    const wrong = Promise.all(
      Array.from({ length: 19 }, (_, i) => signInRequest(member.email, `wrong password number ${i}`)),
    ).finally(() => {
      settled = true;
    });
    // The right password goes in once the pause is on, while the wrong ones are still being checked.
    while (!settled && !(await paused())) await new Promise((resolve) => setTimeout(resolve, 2));
    const sentWhileInFlight = !settled;
    const right = await signInRequest(member.email, MEMBER_PASSWORD);
    const answers = await wrong;
    expect(sentWhileInFlight).toBe(true);
    expect([...answers, right].map((a) => a.statusCode)).toEqual(Array.from({ length: 20 }, () => 401));
    expect(right.json()).toEqual(answers[0]?.json());
    const row = await t.deps.db
      .selectFrom('members')
      .select(['failed_sign_ins', 'locked_until'])
      .where('id', '=', member.memberId)
      .executeTakeFirstOrThrow();
    expect(row.failed_sign_ins).toBe(10);
    expect(row.locked_until).not.toBeNull();
    // Only 10 passwords were judged at all; the rest met the pause.
    const reasons = await t.deps.db
      .selectFrom('audit_events')
      .select('detail')
      .where('resource_id', '=', member.memberId)
      .where('action', '=', 'member.sign_in')
      .execute();
    const judged = reasons.filter((r) =>
      String((r.detail as { reason?: string })?.reason).startsWith('wrong'),
    );
    expect(judged).toHaveLength(10);
    expect((await emailsTo(member.email)).map((m) => m.kind)).toEqual(['member_sign_in_paused']);
  });
});

describe('reset links', () => {
  const resetTokenIn = (text: string) => {
    const match = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(text);
    if (!match?.[1]) throw new Error(`no reset link in: ${text}`);
    return match[1];
  };
  const requestReset = (email: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/member/password-resets',
      payload: { email },
      remoteAddress: nextTestAddress(),
    });
  const completeReset = (token: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/member/password-resets/complete',
      payload: { token, password },
      remoteAddress: nextTestAddress(),
    });
  const resetLinks = async (email: string) =>
    (await emailsTo(email))
      .filter((m) => m.kind === 'member_reset_password')
      .map((m) => resetTokenIn(m.text_body ?? ''));

  it('ends every earlier reset link when the password is reset', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    await requestReset(member.email);
    await requestReset(member.email);
    const [first, second] = await resetLinks(member.email);
    expect((await completeReset(second ?? '', PASSWORD)).statusCode).toBe(200);
    const earlier = await completeReset(first ?? '', 'a third passphrase nobody knows');
    expect(earlier.statusCode).toBe(400);
    expect(earlier.json().code).toBe('token_invalid');
    await signIn(t.app, member.email, PASSWORD);
  });

  it('ends every outstanding reset link when the password is changed', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    await requestReset(member.email);
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/password',
      headers: withSession(s.cookie, s.csrfToken),
      payload: { currentPassword: MEMBER_PASSWORD, newPassword: PASSWORD },
    });
    expect(changed.statusCode).toBe(200);
    const [link] = await resetLinks(member.email);
    const late = await completeReset(link ?? '', 'a third passphrase nobody knows');
    expect(late.statusCode).toBe(400);
    expect(late.json().code).toBe('token_invalid');
    await signIn(t.app, member.email, PASSWORD);
  });
});

describe('caching', () => {
  it('tells browsers and proxies to keep no copy of any member answer', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
    const member = await createMember(t.deps, person);
    const signedIn = await signInRequest(member.email, MEMBER_PASSWORD);
    expect(signedIn.statusCode).toBe(201);
    expect(signedIn.headers['cache-control']).toBe('no-store');
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const openapi = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const reads = Object.entries(openapi.paths)
      .filter(([path, ops]) => path.startsWith('/api/v1/member/') && 'get' in ops)
      .map(([path]) => path.replace('{billId}', account.billIds[0] ?? ''));
    expect(reads).toEqual(
      expect.arrayContaining([
        '/api/v1/member/session',
        '/api/v1/member/dashboard',
        '/api/v1/member/bills',
        `/api/v1/member/bills/${account.billIds[0]}`,
        '/api/v1/member/profile',
      ]),
    );
    for (const url of reads.filter((u) => !u.includes('{'))) {
      const res = await t.app.inject({ method: 'GET', url, headers: withSession(s.cookie) });
      expect(res.statusCode, url).toBeLessThan(300);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/session/refresh',
      headers: withSession(s.cookie, s.csrfToken),
    });
    expect(refreshed.headers['cache-control']).toBe('no-store');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/member/dashboard' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['cache-control']).toBe('no-store');
  });
});
