import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  nextTestAddress,
  signIn,
  tokenizeCard,
} from '../../../test/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The code an authenticator app shows for `secret` at the test clock's time, `offset` steps away. */
function codeFor(secret: string, offset = 0): string {
  const step = Math.floor(t.clock.now().epochMilliseconds / 30_000) + offset;
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), 6);
}

async function memberWithTwoStep() {
  const person = await createPerson(t.deps);
  const member = await createMember(t.deps, person);
  const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
  const headers = { cookie: s.cookie, 'x-csrf-token': s.csrfToken };
  const setup = await t.app.inject({ method: 'POST', url: '/api/v1/member/two-step/setup', headers });
  expect(setup.statusCode).toBe(200);
  const { secret, otpauthUri } = setup.json();
  expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
  const wrong = await t.app.inject({
    method: 'POST',
    url: '/api/v1/member/two-step/confirm',
    headers,
    payload: { code: '000000' === codeFor(secret) ? '111111' : '000000' },
  });
  expect(wrong.statusCode).toBe(400);
  const confirmed = await t.app.inject({
    method: 'POST',
    url: '/api/v1/member/two-step/confirm',
    headers,
    payload: { code: codeFor(secret) },
  });
  expect(confirmed.statusCode).toBe(200);
  const { recoveryCodes } = confirmed.json();
  expect(recoveryCodes).toHaveLength(10);
  return { member, secret, recoveryCodes: recoveryCodes as string[], headers };
}

function passwordStep(email: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/member/sessions',
    payload: { email, password: MEMBER_PASSWORD },
    remoteAddress: nextTestAddress(),
  });
}

function codeStep(challenge: string, factor: { code?: string; recoveryCode?: string }) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/member/sessions/two-step',
    payload: { challenge, ...factor },
    remoteAddress: nextTestAddress(),
  });
}

describe('two-step verification', () => {
  it('asks for a code after the password, accepts each code once, and takes a recovery code once', async () => {
    const { member, secret, recoveryCodes } = await memberWithTwoStep();
    const first = await passwordStep(member.email);
    expect(first.statusCode).toBe(202);
    expect(first.headers['set-cookie']).toBeUndefined();
    const { challenge } = first.json();

    // The code used to turn it on cannot be used again; the next step's code works.
    expect((await codeStep(challenge, { code: codeFor(secret) })).statusCode).toBe(400);
    t.clock.advance({ seconds: 30 });
    try {
      const ok = await codeStep(challenge, { code: codeFor(secret) });
      expect(ok.statusCode).toBe(201);
      expect(ok.json()).toMatchObject({ twoStepEnabled: true });
      expect(String(ok.headers['set-cookie'])).toMatch(/settle_session=/);
      expect((await codeStep(challenge, { code: codeFor(secret, 1) })).statusCode).toBe(401);

      const second = (await passwordStep(member.email)).json().challenge;
      expect((await codeStep(second, { recoveryCode: recoveryCodes[0] })).statusCode).toBe(201);
      const third = (await passwordStep(member.email)).json().challenge;
      expect((await codeStep(third, { recoveryCode: recoveryCodes[0] })).statusCode).toBe(400);
      expect((await codeStep(third, { recoveryCode: recoveryCodes[1]?.toLowerCase() })).statusCode).toBe(201);
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('gives up on a challenge after 5 wrong codes or 5 minutes', async () => {
    const { member } = await memberWithTwoStep();
    const { challenge } = (await passwordStep(member.email)).json();
    for (let i = 0; i < 5; i++) expect((await codeStep(challenge, { code: '999999' })).statusCode).toBe(400);
    expect((await codeStep(challenge, { code: '999999' })).statusCode).toBe(401);
    const late = (await passwordStep(member.email)).json().challenge;
    t.clock.advance({ minutes: 6 });
    try {
      expect((await codeStep(late, { code: '123456' })).statusCode).toBe(401);
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('asks for a fresh code before wallet changes, and rotates the session id on step-up', async () => {
    const { secret, headers } = await memberWithTwoStep();
    const add = async (h: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/member/payment-methods',
        headers: h,
        payload: { paymentToken: await tokenizeCard(t.app) },
      });
    // Turning it on proved the factor: changes are allowed for 10 minutes.
    expect((await add(headers)).statusCode).toBe(201);
    t.clock.advance({ minutes: 11 });
    try {
      const refused = await add(headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('step_up_required');
      const up = await t.app.inject({
        method: 'POST',
        url: '/api/v1/member/session/step-up',
        headers,
        payload: { code: codeFor(secret) },
      });
      expect(up.statusCode).toBe(200);
      const cookie = String(up.headers['set-cookie']).split(';')[0] ?? '';
      expect(cookie).not.toBe(headers.cookie);
      const stale = await t.app.inject({ method: 'GET', url: '/api/v1/member/session', headers });
      expect(stale.statusCode).toBe(401);
      expect((await add({ ...headers, cookie })).statusCode).toBe(201);
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('allows 8-character passwords once it is on, and turns off with the password', async () => {
    const { member, headers } = await memberWithTwoStep();
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/password',
      headers,
      payload: { currentPassword: MEMBER_PASSWORD, newPassword: 'violet42' },
    });
    expect(change.statusCode).toBe(200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/two-step/disable',
      headers,
      payload: { password: MEMBER_PASSWORD },
    });
    expect(wrong.statusCode).toBe(400);
    const off = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/two-step/disable',
      headers,
      payload: { password: 'violet42' },
    });
    expect(off.statusCode).toBe(204);
    const direct = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/sessions',
      payload: { email: member.email, password: 'violet42' },
      remoteAddress: nextTestAddress(),
    });
    expect(direct.statusCode).toBe(201);
  });

  it('keeps the secret sealed at rest', async () => {
    const { member, secret } = await memberWithTwoStep();
    const row = await t.deps.db
      .selectFrom('members')
      .select('totp_secret_enc')
      .where('id', '=', member.memberId)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret_enc).toMatch(/^v1\./);
    expect(row.totp_secret_enc).not.toContain(secret);
  });
});
