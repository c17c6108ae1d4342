import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  lookupMedical,
  MEMBER_PASSWORD,
  pay,
  signIn,
} from '../../../../test/factories';
import { type StripeFake, startStripeFake } from '../../../../test/stripe-fake/stripe-fake';
import { checkIntegrity } from '../../../modules/integrity/integrity.service';
import { presentReturnedBankDebits } from '../../../modules/payments/bank-representment.service';
import { settleBankPayments } from '../../../modules/payments/bank-settlement.service';
import { reconcilePayments } from '../../../modules/payments/reconciliation.service';
import { StripeProcessor } from './stripe-processor';

/**
 * The app's own payment paths with Stripe behind them (the adapter on the local fake): what the
 * sandbox's tests show of a guest payment, a decline, a lost answer, a bank debit and a refund holds here too.
 */
let fake: StripeFake;
let t: TestApp;
let browser: Stripe;

beforeAll(async () => {
  fake = await startStripeFake();
  const at = { host: fake.host, port: fake.port, protocol: 'http' as const };
  browser = new Stripe('pk_test_settleapp000000000000', { ...at, maxNetworkRetries: 0, telemetry: false });
  t = await buildTestApp({
    config: {
      processor: 'stripe',
      stripe: {
        secretKey: 'sk_test_settleapp000000000000',
        publishableKey: 'pk_test_settleapp000000000000',
        webhookSecret: 'whsec_settleapp000000000000',
        mode: 'test',
      },
    },
    processor: new StripeProcessor({
      secretKey: 'sk_test_settleapp000000000000',
      ...at,
      maxNetworkRetries: 0,
      timeoutMs: 5_000,
    }),
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function card(number: string): Promise<string> {
  const pm = await browser.paymentMethods.create({
    type: 'card',
    card: { number, exp_month: 12, exp_year: 2030, cvc: '123' },
  });
  return pm.id;
}

async function expectClean() {
  expect((await checkIntegrity(t.deps)).violations).toEqual([]);
}

describe('the app on Stripe', () => {
  it('takes a guest card payment through a PaymentIntent keyed by the payment id', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [12_000, 4_550] });
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 16_550,
      paymentToken: await card('4242424242424242'),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'succeeded',
      method: { type: 'card', brand: 'visa', last4: '4242' },
    });
    const row = await t.deps.db
      .selectFrom('payments')
      .select(['processor', 'processor_charge_id'])
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ processor: 'stripe', processor_charge_id: expect.stringMatching(/^pi_/) });
    const sent = fake.requests.filter((r) => r.path === '/v1/payment_intents').at(-1);
    expect(sent?.idempotencyKey).toBe(res.json().id);
    await expectClean();
  });

  it('shows a decline in our words and leaves the bill owed', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 5_000,
      paymentToken: await card('4000000000009995'),
    });
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({
      code: 'payment_declined',
      decline: { code: 'insufficient_funds', retryable: true },
    });
    await expectClean();
  });

  it('settles a lost answer through the reconciler, once', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [9_000] });
    const session = await lookupMedical(t.app, account);
    const token = await card('4242424242424242');
    fake.faults.loseAnswers = true;
    let paymentId: string;
    try {
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 9_000,
        paymentToken: token,
      });
      expect(res.statusCode).toBe(202);
      expect(res.json().status).toBe('unknown');
      paymentId = res.json().id;
    } finally {
      fake.faults.loseAnswers = false;
    }
    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    const row = await t.deps.db
      .selectFrom('payments')
      .select('status')
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('succeeded');
    await expectClean();
  });

  it('takes a bank debit that settles when Stripe says so, and refunds a card payment through Stripe', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_000, 3_000] });
    const session = await lookupMedical(t.app, account);
    const bank = await browser.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: { routing_number: '110000000', account_number: '000123456789' },
      billing_details: { name: 'José Núñez' },
    });
    const debit = await pay(t.app, session.sessionToken, {
      billIds: [account.billIds[0]],
      amountCents: 7_000,
      paymentToken: bank.id,
      bankAuthorization: {
        accepted: true,
        textVersion: t.deps.config.organization.payments.achAuthorizationVersion,
      },
    });
    expect(debit.statusCode, debit.body).toBe(201);
    expect(debit.json().method).toMatchObject({ type: 'bank', last4: '6789' });
    t.clock.advance({ minutes: 2 });
    expect(await settleBankPayments(t.deps)).toMatchObject({ settled: 0, returned: 0 });
    fake.settleBankDebits();
    t.clock.advance({ hours: 72 });
    expect(await settleBankPayments(t.deps)).toMatchObject({ settled: 1 });

    const again = await lookupMedical(t.app, account);
    const paid = await pay(t.app, again.sessionToken, {
      billIds: [account.billIds[1]],
      amountCents: 3_000,
      paymentToken: await card('5555555555554444'),
    });
    expect(paid.statusCode).toBe(201);
    const key = await createApiKey(t.deps, { scopes: ['payments:refund', 'payments:read'] });
    const refund = await t.app.inject({
      method: 'POST',
      url: `/api/v1/payments/${paid.json().id}/refunds`,
      headers: { ...key.headers, 'idempotency-key': crypto.randomUUID() },
      payload: { amountCents: 1_000, reason: 'billing_error' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json()).toMatchObject({ status: 'succeeded', amountCents: 1_000 });
    const sent = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds').at(-1);
    expect(sent?.form).toMatchObject({ amount: '1000', metadata: { settle_reason: 'billing_error' } });
    await expectClean();
  });

  it('takes a member’s saved bank account through a Stripe Customer; an R01 return is presented again on it', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const member = await createMember(
      t.deps,
      await createPerson(t.deps, { accountsFor: [account.accountId] }),
    );
    const session = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrfToken,
          'idempotency-key': crypto.randomUUID(),
        },
        ...(payload ? { payload } : {}),
      });
    const pm = await browser.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: { routing_number: '110000000', account_number: '000222222227' },
      billing_details: { name: 'José Núñez' },
    });
    const saved = await call('POST', '/api/v1/member/payment-methods', { paymentToken: pm.id });
    expect(saved.statusCode, saved.body).toBe(201);
    const attach = fake.requests.filter((r) => r.path === `/v1/payment_methods/${pm.id}/attach`);
    expect(attach).toHaveLength(1);
    expect(attach[0]?.form.customer).toMatch(/^cus_/);

    const paid = await call('POST', '/api/v1/member/payments', {
      billIds: account.billIds,
      amountCents: 5_000,
      paymentMethodId: saved.json().id,
      bankAuthorization: {
        accepted: true,
        textVersion: t.deps.config.organization.payments.achAuthorizationVersion,
      },
    });
    expect(paid.statusCode, paid.body).toBe(201);
    fake.settleBankDebits();
    t.clock.advance({ hours: 72 });
    expect(await settleBankPayments(t.deps)).toMatchObject({ returned: 1 });
    const planned = await t.deps.db
      .selectFrom('bank_representments')
      .select(['present_on', 'returned_payment_id'])
      .where('returned_payment_id', '=', paid.json().id)
      .executeTakeFirstOrThrow();
    t.clock.set(`${String(planned.present_on)}T20:00:00Z`);
    await presentReturnedBankDebits(t.deps);
    const payments = await t.deps.db
      .selectFrom('payments')
      .select(['id', 'status', 'return_code', 'presentment', 'represents_payment_id', 'processor_charge_id'])
      .where('account_id', '=', account.accountId)
      .orderBy('presentment')
      .execute();
    expect(payments).toEqual([
      expect.objectContaining({ id: paid.json().id, status: 'returned', return_code: 'R01', presentment: 1 }),
      expect.objectContaining({
        status: 'succeeded',
        presentment: 2,
        represents_payment_id: paid.json().id,
        processor_charge_id: expect.stringMatching(/^pi_/),
      }),
    ]);
    const presented = fake.requests
      .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents')
      .at(-1);
    expect(presented?.form).toMatchObject({
      payment_method: pm.id,
      customer: attach[0]?.form.customer,
      metadata: { settle_attempt: payments[1]?.id, settle_represents: paid.json().id },
    });
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });
});
