import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
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

async function tokenize(app: FastifyInstance, number: string, expMonth: number, expYear: number) {
  const res = await app.inject({
    method: 'POST',
    url: '/sandbox/v1/tokens',
    remoteAddress: nextTestAddress(),
    payload: {
      type: 'card',
      card: { number, expMonth, expYear, cvc: number.length === 15 ? '1234' : '123' },
    },
  });
  expect(res.statusCode).toBe(201);
  return res.json().token as string;
}

async function signedInMember(amounts: number[] = [5_000, 3_000]) {
  const account = await createMedicalAccount(t.deps, { amounts });
  const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
  const member = await createMember(t.deps, person);
  const session = await signIn(t.app, member.email, MEMBER_PASSWORD);
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { ...headers, 'idempotency-key': randomUUID() },
      ...(payload ? { payload } : {}),
    });
  return { account, member, session, call };
}

describe('wallet', () => {
  it('adds, lists, renames, sets the default and removes cards, flagging one that expires soon', async () => {
    const { call, member } = await signedInMember();
    const first = await call('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenizeCard(t.app),
      nickname: 'Everyday card',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      kind: 'card',
      brand: 'visa',
      last4: '4242',
      isDefault: true,
      expiresSoon: false,
    });
    // Expires at the end of next month (the test clock is 2026-11-23).
    const soon = await call('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenize(t.app, '5555555555554444', 12, 2026),
      makeDefault: true,
    });
    expect(soon.json()).toMatchObject({
      brand: 'mastercard',
      isDefault: true,
      expiresSoon: true,
      expired: false,
    });

    const list = async () => (await call('GET', '/api/v1/member/payment-methods')).json().methods;
    expect((await list()).map((m: { last4: string; isDefault: boolean }) => [m.last4, m.isDefault])).toEqual([
      ['4444', true],
      ['4242', false],
    ]);
    const renamed = await call('PATCH', `/api/v1/member/payment-methods/${first.json().id}`, {
      nickname: 'Blue card',
      makeDefault: true,
    });
    expect(renamed.json()).toMatchObject({ nickname: 'Blue card', isDefault: true });
    expect((await call('DELETE', `/api/v1/member/payment-methods/${soon.json().id}`)).statusCode).toBe(204);
    expect((await list()).map((m: { last4: string }) => m.last4)).toEqual(['4242']);
    expect((await call('DELETE', `/api/v1/member/payment-methods/${soon.json().id}`)).statusCode).toBe(404);

    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_id', '=', member.memberId)
      .where('action', 'like', 'wallet.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'wallet.add',
      'wallet.add',
      'wallet.remove',
      'wallet.update',
    ]);
  });

  it('refuses a brand the organization does not accept, and a used token', async () => {
    const { call } = await signedInMember();
    const amex = await call('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenizeCard(t.app, '378282246310005'),
    });
    expect(amex.statusCode).toBe(422);
    expect(amex.json().errors[0]).toMatchObject({ field: 'paymentToken', code: 'brand_not_accepted' });
    const unknown = await call('POST', '/api/v1/member/payment-methods', {
      paymentToken: 'tok_nothing_here',
    });
    expect(unknown.statusCode).toBe(422);
  });

  it('saves a new card with the payment, then pays again with it; an expired saved card is refused', async () => {
    const { call, account, member } = await signedInMember([5_000, 3_000]);
    const first = await call('POST', '/api/v1/member/payments', {
      billIds: [account.billIds[0]],
      amountCents: 5_000,
      paymentToken: await tokenize(t.app, '4242424242424242', 1, 2027),
      saveMethod: { nickname: 'Visa for bills' },
    });
    expect(first.statusCode).toBe(201);
    const [saved] = (await call('GET', '/api/v1/member/payment-methods')).json().methods;
    expect(saved).toMatchObject({ nickname: 'Visa for bills', last4: '4242', isDefault: true });

    const again = await call('POST', '/api/v1/member/payments', {
      billIds: [account.billIds[1]],
      amountCents: 1_000,
      paymentMethodId: saved.id,
    });
    expect(again.statusCode).toBe(201);
    expect(again.json().method).toMatchObject({ brand: 'visa', last4: '4242' });

    t.clock.set('2027-02-01T18:00:00Z');
    try {
      const later = await signIn(t.app, member.email, MEMBER_PASSWORD);
      const expired = await t.app.inject({
        method: 'POST',
        url: '/api/v1/member/payments',
        headers: { cookie: later.cookie, 'x-csrf-token': later.csrfToken, 'idempotency-key': randomUUID() },
        payload: { billIds: [account.billIds[1]], amountCents: 1_000, paymentMethodId: saved.id },
      });
      expect(expired.statusCode).toBe(422);
      expect(expired.json().errors[0]).toMatchObject({ field: 'paymentMethodId', code: 'expired_card' });
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('keeps a card that can be saved but declines every charge, and shows the decline', async () => {
    const { call, account } = await signedInMember([5_000]);
    const saved = await call('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenizeCard(t.app, '4000000000000341'),
    });
    expect(saved.statusCode).toBe(201);
    const res = await call('POST', '/api/v1/member/payments', {
      billIds: [account.billIds[0]],
      amountCents: 5_000,
      paymentMethodId: saved.json().id,
    });
    expect(res.statusCode).toBe(402);
    expect(res.json().decline.code).toBe('card_declined');
  });

  it('asks for exactly one method', async () => {
    const { call, account } = await signedInMember([5_000]);
    const neither = await call('POST', '/api/v1/member/payments', {
      billIds: [account.billIds[0]],
      amountCents: 5_000,
    });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().errors[0]).toMatchObject({ field: 'paymentToken', code: 'one_method' });
  });
});
