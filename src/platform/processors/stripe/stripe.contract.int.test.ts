import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeFake, startStripeFake } from '../../../../test/stripe-fake/stripe-fake';
import { ProcessorError } from '../processor';
import { type ProcessorContractHarness, processorContract } from '../processor.contract';
import { declineCodeOf, StripeProcessor } from './stripe-processor';

const SECRET_KEY = 'sk_test_settlecontract0000000000';
const PUBLISHABLE_KEY = 'pk_test_settlecontract0000000000';

let fake: StripeFake;
let processor: StripeProcessor;
/** What Stripe.js does in the payer's browser: PaymentMethods made with the publishable key. */
let browser: Stripe;
/** The SDK with the secret key, to look at what the fake holds as a dashboard would. */
let dashboard: Stripe;

beforeAll(async () => {
  fake = await startStripeFake();
  const at = { host: fake.host, port: fake.port, protocol: 'http' as const };
  // No SDK retries here: a lost answer is lost at once (the SDK would retry it under the same key).
  processor = new StripeProcessor({ secretKey: SECRET_KEY, ...at, maxNetworkRetries: 0, timeoutMs: 5_000 });
  browser = new Stripe(PUBLISHABLE_KEY, { ...at, maxNetworkRetries: 0, telemetry: false });
  dashboard = new Stripe(SECRET_KEY, { ...at, maxNetworkRetries: 0, telemetry: false });
});
afterAll(async () => {
  await fake.close();
});

processorContract(
  'stripe',
  (): ProcessorContractHarness => ({
    processor,
    cardToken: async (number) =>
      (
        await browser.paymentMethods.create({
          type: 'card',
          card: { number, exp_month: 12, exp_year: 2030, cvc: '123' },
        })
      ).id,
    bankToken: async (accountNumber) =>
      (
        await browser.paymentMethods.create({
          type: 'us_bank_account',
          us_bank_account: {
            routing_number: '110000000',
            account_number: accountNumber,
            account_holder_type: 'individual',
            account_type: 'checking',
          },
          billing_details: { name: 'José Núñez' },
        })
      ).id,
    loseAnswers: (on) => {
      fake.faults.loseAnswers = on;
    },
    settleBankDebits: async () => {
      fake.settleBankDebits();
    },
  }),
);

describe('stripe adapter, beyond the contract', () => {
  it('sends our attempt id as the Idempotency-Key and in the PaymentIntent’s metadata', async () => {
    const key = crypto.randomUUID();
    await processor.charge({
      idempotencyKey: key,
      token: 'pm_card_visa',
      amountCents: 1_500,
      currency: 'USD',
      description: 'x',
    });
    const sent = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents').at(-1);
    expect(sent?.idempotencyKey).toBe(key);
    expect(sent?.form).toMatchObject({
      amount: '1500',
      currency: 'usd',
      confirm: 'true',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
      error_on_requires_action: 'true',
      metadata: { settle_attempt: key },
    });
  });

  it('takes Stripe’s test PaymentMethods (pm_card_…) and maps their declines', async () => {
    const charge = (token: string) =>
      processor.charge({
        idempotencyKey: crypto.randomUUID(),
        token,
        amountCents: 1_000,
        currency: 'USD',
        description: 'x',
      });
    expect(await charge('pm_card_mastercard')).toMatchObject({ status: 'succeeded' });
    expect(await charge('pm_card_chargeDeclinedLostCard')).toMatchObject({ code: 'card_declined' });
    expect(await charge('pm_card_chargeDeclinedInsufficientFunds')).toMatchObject({
      code: 'insufficient_funds',
      retryable: true,
    });
  });

  it('refunds with our refund id as the Idempotency-Key, Stripe’s reason where it has one, ours in metadata', async () => {
    const paid = await processor.charge({
      idempotencyKey: crypto.randomUUID(),
      token: 'pm_card_visa',
      amountCents: 4_000,
      currency: 'USD',
      description: 'x',
    });
    const key = crypto.randomUUID();
    await processor.refund({
      idempotencyKey: key,
      chargeId: paid.chargeId ?? '',
      amountCents: 1_000,
      currency: 'USD',
      reason: 'billing_error',
    });
    const sent = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds').at(-1);
    expect(sent?.idempotencyKey).toBe(key);
    expect(sent?.form).toEqual({
      payment_intent: paid.chargeId,
      amount: '1000',
      metadata: { settle_refund: key, settle_reason: 'billing_error' },
    });
  });

  it('lets the SDK retry a lost answer under the same Idempotency-Key: Stripe answers it again, one charge', async () => {
    const retrying = new StripeProcessor({
      secretKey: SECRET_KEY,
      host: fake.host,
      port: fake.port,
      protocol: 'http',
      maxNetworkRetries: 2,
      timeoutMs: 5_000,
    });
    const key = crypto.randomUUID();
    const before = fake.requests.length;
    fake.faults.loseNextAnswers = 1;
    const outcome = await retrying.charge({
      idempotencyKey: key,
      token: 'pm_card_visa',
      amountCents: 1_200,
      currency: 'USD',
      description: 'x',
    });
    expect(outcome).toEqual({ status: 'succeeded', chargeId: expect.any(String) });
    const creates = fake.requests
      .slice(before)
      .filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    expect(creates.map((r) => r.idempotencyKey)).toEqual([key, key]);
    expect(await processor.findCharge(key)).toEqual(outcome);
    const search = await dashboard.paymentIntents.search({
      query: `metadata['settle_attempt']:'${key}'`,
    });
    expect(search.data).toHaveLength(1);
  });

  it('turns a 5xx into a ProcessorError and charges nothing', async () => {
    const key = crypto.randomUUID();
    fake.faults.unavailable = true;
    try {
      await expect(
        processor.charge({
          idempotencyKey: key,
          token: 'pm_card_visa',
          amountCents: 900,
          currency: 'USD',
          description: 'x',
        }),
      ).rejects.toBeInstanceOf(ProcessorError);
    } finally {
      fake.faults.unavailable = false;
    }
    expect(await processor.findCharge(key)).toBeNull();
  });

  it('presents an R01 debit again only from a saved bank account', async () => {
    const pm = await browser.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: {
        routing_number: '110000000',
        account_number: '000222222227',
        account_holder_type: 'individual',
      },
      billing_details: { name: 'José Núñez' },
    });
    const saved = await processor.attachPaymentMethod(pm.id, `member-${crypto.randomUUID()}`);
    const returnedKey = crypto.randomUUID();
    await processor.charge({
      idempotencyKey: returnedKey,
      token: saved ?? '',
      amountCents: 5_000,
      currency: 'USD',
      description: 'x',
    });
    fake.settleBankDebits();
    expect(await processor.bankDebitState(returnedKey)).toEqual({ state: 'returned', returnCode: 'R01' });
    const again = {
      idempotencyKey: crypto.randomUUID(),
      returnedKey,
      amountCents: 5_000,
      currency: 'USD',
      description: 'RETRY PYMT',
    };
    expect(await processor.representBankDebit({ ...again, amountCents: 4_999 })).toMatchObject({
      status: 'failed',
      code: 'invalid_account',
    });
    const outcome = await processor.representBankDebit(again);
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(await processor.representBankDebit(again)).toEqual(outcome);
    expect(await processor.bankDebitState(again.idempotencyKey)).toEqual({ state: 'pending' });
  });

  it.each([
    ['000111111113', 'R02'],
    ['000111111116', 'R03'],
    ['000333333335', 'R10'],
  ])('reads the return of test account %s as %s', async (accountNumber, returnCode) => {
    const pm = await browser.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: { routing_number: '110000000', account_number: accountNumber },
      billing_details: { name: 'José Núñez' },
    });
    const key = crypto.randomUUID();
    const accepted = await processor.charge({
      idempotencyKey: key,
      token: pm.id,
      amountCents: 2_000,
      currency: 'USD',
      description: 'x',
    });
    expect(accepted).toMatchObject({ status: 'succeeded' });
    fake.settleBankDebits();
    expect(await processor.bankDebitState(key)).toEqual({ state: 'returned', returnCode });
    expect(await processor.findCharge(key)).toEqual(accepted);
  });

  it.each([
    ['card_declined', 'generic_decline', 'card_declined'],
    ['card_declined', 'insufficient_funds', 'insufficient_funds'],
    ['card_declined', 'lost_card', 'card_declined'],
    ['card_declined', 'try_again_later', 'processing_error'],
    ['expired_card', undefined, 'expired_card'],
    ['incorrect_cvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['processing_error', undefined, 'processing_error'],
    ['authentication_required', 'authentication_required', 'card_declined'],
    ['bank_account_unusable', undefined, 'invalid_account'],
  ])('maps Stripe code %s / decline_code %s to %s', (code, declineCode, ours) => {
    expect(declineCodeOf(code, declineCode)).toBe(ours);
  });

  it('refuses an ill-formed id before it reaches a search query', async () => {
    await expect(processor.findCharge("x' OR metadata['a']:'b")).rejects.toThrow(/not a Settle id/);
  });
});
