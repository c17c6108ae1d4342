import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ChargeOutcome,
  type ChargeRequest,
  type DeclineCode,
  declineMessages,
  type PaymentProcessor,
  ProcessorError,
  type RefundRequest,
} from './processor';

/**
 * What a processor's contract run needs besides the processor: ways to make the tokens a payer's
 * browser would make, and to make the processor misbehave and time pass as a real one does.
 */
export interface ProcessorContractHarness {
  readonly processor: PaymentProcessor;
  /** A fresh single-use token for one of the usual test card numbers (the sandbox's are Stripe's). */
  cardToken(number: string): Promise<string>;
  /** A fresh single-use token for a test bank account (routing 110000000). */
  bankToken(accountNumber: string): Promise<string>;
  /** While on, the processor records what it is asked, then the answer is lost (a timeout, a dropped connection). */
  loseAnswers(on: boolean): void;
  /** Lets the bank debits accepted so far settle or come back (the settlement delay passes). */
  settleBankDebits(): Promise<void>;
}

export const CONTRACT_CARDS = {
  visa: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
  processingError: '4000000000000119',
} as const;

export const CONTRACT_BANK_ACCOUNTS = {
  succeeds: '000123456789',
  /** Returned R01 (insufficient funds) after it was accepted. */
  insufficientFunds: '000222222227',
} as const;

/**
 * The behaviour every PaymentProcessor must show, whatever is behind it. `harness` is called inside
 * each test (so it can be made in a beforeAll of the caller's file).
 */
export function processorContract(name: string, harness: () => ProcessorContractHarness): void {
  const request = (token: string, amountCents = 10_000): ChargeRequest => ({
    idempotencyKey: randomUUID(),
    token,
    amountCents,
    currency: 'USD',
    description: 'contract test',
  });
  const refundOf = (chargeId: string, amountCents: number): RefundRequest => ({
    idempotencyKey: randomUUID(),
    chargeId,
    amountCents,
    currency: 'USD',
    reason: 'requested_by_customer',
  });
  async function paid(number: string = CONTRACT_CARDS.visa, amountCents = 10_000): Promise<string> {
    const h = harness();
    const outcome = await h.processor.charge(request(await h.cardToken(number), amountCents));
    if (outcome.status !== 'succeeded') throw new Error(`expected a success, got ${outcome.code}`);
    return outcome.chargeId;
  }
  /** A charge that must not go through: refused outright, or answered failed and not worth retrying. */
  async function expectRefused(r: ChargeRequest): Promise<void> {
    const h = harness();
    const outcome = await h.processor.charge(r).catch((err: unknown) => {
      expect(err).toBeInstanceOf(ProcessorError);
      return null;
    });
    if (outcome) expect(outcome).toMatchObject({ status: 'failed', retryable: false });
    expect((await h.processor.findCharge(r.idempotencyKey))?.status).not.toBe('succeeded');
  }

  describe(`${name} processor contract`, () => {
    describe('cards', () => {
      it('charges a card once and finds the charge by its idempotency key', async () => {
        const h = harness();
        const token = await h.cardToken(CONTRACT_CARDS.visa);
        expect(await h.processor.retrievePaymentMethod(token)).toEqual({
          kind: 'card',
          brand: 'visa',
          last4: '4242',
          expMonth: 12,
          expYear: 2030,
        });
        const r = request(token, 12_345);
        const outcome = await h.processor.charge(r);
        expect(outcome).toEqual({ status: 'succeeded', chargeId: expect.any(String) });
        expect(await h.processor.findCharge(r.idempotencyKey)).toEqual(outcome);
        expect(await h.processor.findCharge(randomUUID())).toBeNull();
      });

      it('knows no unknown token', async () => {
        const h = harness();
        expect(await h.processor.retrievePaymentMethod('pm_nobody_has_this')).toBeNull();
      });

      it.each<[string, DeclineCode]>([
        [CONTRACT_CARDS.declined, 'card_declined'],
        [CONTRACT_CARDS.expired, 'expired_card'],
        [CONTRACT_CARDS.insufficientFunds, 'insufficient_funds'],
        [CONTRACT_CARDS.incorrectCvc, 'incorrect_cvc'],
        [CONTRACT_CARDS.processingError, 'processing_error'],
      ])('declines %s as %s, retryable as declineMessages says', async (number, code) => {
        const h = harness();
        const r = request(await h.cardToken(number));
        const outcome = await h.processor.charge(r);
        expect(outcome).toEqual({
          status: 'failed',
          chargeId: expect.anything(),
          code,
          message: declineMessages[code].message,
          retryable: declineMessages[code].retryable,
        });
        expect(await h.processor.findCharge(r.idempotencyKey)).toEqual(outcome);
        // Asked again under the same key, the same decline comes back.
        expect(await h.processor.charge(r)).toEqual(outcome);
      });

      it('answers a retry under the same key with the first outcome, even when the retries race', async () => {
        const h = harness();
        const r = request(await h.cardToken(CONTRACT_CARDS.visa));
        const outcomes = await Promise.all([1, 2, 3].map(() => h.processor.charge(r)));
        expect(outcomes[0]?.status).toBe('succeeded');
        for (const o of outcomes) expect(o).toEqual(outcomes[0]);
        expect(await h.processor.charge(r)).toEqual(outcomes[0]);
        expect(await h.processor.findCharge(r.idempotencyKey)).toEqual(outcomes[0]);
      });

      it('loses an answer after charging: findCharge tells, and the retry does not charge twice', async () => {
        const h = harness();
        const r = request(await h.cardToken(CONTRACT_CARDS.visa));
        h.loseAnswers(true);
        try {
          await expect(h.processor.charge(r)).rejects.toBeInstanceOf(ProcessorError);
        } finally {
          h.loseAnswers(false);
        }
        const found = await h.processor.findCharge(r.idempotencyKey);
        expect(found).toEqual({ status: 'succeeded', chargeId: expect.any(String) });
        expect(await h.processor.charge(r)).toEqual(found);
        expect(await h.processor.findCharge(r.idempotencyKey)).toEqual(found);
      });

      it('does not charge a single-use token a second time under another key', async () => {
        const h = harness();
        const token = await h.cardToken(CONTRACT_CARDS.visa);
        expect((await h.processor.charge(request(token))).status).toBe('succeeded');
        await expectRefused(request(token));
      });
    });

    describe('saved methods', () => {
      it('saves a token for a customer, charges it again and again, and not once it is removed', async () => {
        const h = harness();
        const customer = `member-${randomUUID()}`;
        const methodId = await h.processor.attachPaymentMethod(
          await h.cardToken(CONTRACT_CARDS.visa),
          customer,
        );
        if (!methodId) throw new Error('not attached');
        expect(await h.processor.retrievePaymentMethod(methodId)).toMatchObject({
          kind: 'card',
          last4: '4242',
        });
        const first = await h.processor.charge(request(methodId, 1_000));
        const second = await h.processor.charge(request(methodId, 2_000));
        expect(first.status).toBe('succeeded');
        expect(second.status).toBe('succeeded');
        expect(second.chargeId).not.toBe(first.chargeId);

        await h.processor.detachPaymentMethod(methodId);
        await expectRefused(request(methodId, 3_000));
      });

      it('saves no unknown token', async () => {
        const h = harness();
        expect(
          await h.processor.attachPaymentMethod('pm_nobody_has_this', `member-${randomUUID()}`),
        ).toBeNull();
      });
    });

    describe('refunds', () => {
      it('refunds all of a card payment', async () => {
        const h = harness();
        const chargeId = await paid(CONTRACT_CARDS.visa, 2_500);
        const r = refundOf(chargeId, 2_500);
        const outcome = await h.processor.refund(r);
        expect(outcome).toEqual({ status: 'succeeded', refundId: expect.any(String) });
        expect(await h.processor.findRefund({ idempotencyKey: r.idempotencyKey, chargeId })).toEqual(outcome);
        expect(await h.processor.refund(refundOf(chargeId, 1))).toMatchObject({
          status: 'failed',
          code: 'amount_too_large',
        });
      });

      it('refunds in parts, answers a repeat from the first, and never beyond the payment', async () => {
        const h = harness();
        const chargeId = await paid(CONTRACT_CARDS.visa, 10_000);
        const first = refundOf(chargeId, 4_000);
        const outcome = await h.processor.refund(first);
        expect(outcome).toEqual({ status: 'succeeded', refundId: expect.any(String) });
        expect(await h.processor.refund(first)).toEqual(outcome);
        expect(await h.processor.findRefund({ idempotencyKey: first.idempotencyKey, chargeId })).toEqual(
          outcome,
        );
        const tooMuch = refundOf(chargeId, 6_001);
        const refused = await h.processor.refund(tooMuch);
        expect(refused).toEqual({
          status: 'failed',
          refundId: refused.status === 'failed' ? refused.refundId : null,
          code: 'amount_too_large',
          message: expect.any(String),
        });
        expect(await h.processor.refund(tooMuch)).toMatchObject({
          status: 'failed',
          code: 'amount_too_large',
        });
        const rest = await h.processor.refund(refundOf(chargeId, 6_000));
        expect(rest).toMatchObject({ status: 'succeeded' });
        expect(rest.refundId).not.toBe(outcome.refundId);
        expect(await h.processor.findRefund({ idempotencyKey: randomUUID(), chargeId })).toBeNull();
      });

      it('refuses to refund a declined charge', async () => {
        const h = harness();
        const declined = await h.processor.charge(request(await h.cardToken(CONTRACT_CARDS.declined)));
        if (!declined.chargeId) throw new Error('no charge id for the decline');
        expect(await h.processor.refund(refundOf(declined.chargeId, 100))).toMatchObject({
          status: 'failed',
          code: 'charge_not_refundable',
        });
      });

      it('loses a refund’s answer without refunding twice', async () => {
        const h = harness();
        const chargeId = await paid(CONTRACT_CARDS.visa, 3_000);
        const r = refundOf(chargeId, 3_000);
        h.loseAnswers(true);
        try {
          await expect(h.processor.refund(r)).rejects.toBeInstanceOf(ProcessorError);
        } finally {
          h.loseAnswers(false);
        }
        const found = await h.processor.findRefund({ idempotencyKey: r.idempotencyKey, chargeId });
        expect(found).toEqual({ status: 'succeeded', refundId: expect.any(String) });
        expect(await h.processor.refund(r)).toEqual(found);
      });
    });

    describe('bank debits', () => {
      it('accepts a debit that then settles', async () => {
        const h = harness();
        const token = await h.bankToken(CONTRACT_BANK_ACCOUNTS.succeeds);
        expect(await h.processor.retrievePaymentMethod(token)).toMatchObject({ kind: 'bank', last4: '6789' });
        const r = request(token, 8_000);
        const outcome = await h.processor.charge(r);
        expect(outcome).toEqual({ status: 'succeeded', chargeId: expect.any(String) });
        expect(await h.processor.bankDebitState(r.idempotencyKey)).toEqual({ state: 'pending' });
        await h.settleBankDebits();
        expect(await h.processor.bankDebitState(r.idempotencyKey)).toEqual({ state: 'settled' });
        expect(await h.processor.findCharge(r.idempotencyKey)).toEqual(outcome);
      });

      it('accepts a debit that the bank then returns R01', async () => {
        const h = harness();
        const r = request(await h.bankToken(CONTRACT_BANK_ACCOUNTS.insufficientFunds), 5_000);
        const accepted = await h.processor.charge(r);
        expect(accepted).toMatchObject({ status: 'succeeded' });
        expect(await h.processor.bankDebitState(r.idempotencyKey)).toEqual({ state: 'pending' });
        await h.settleBankDebits();
        expect(await h.processor.bankDebitState(r.idempotencyKey)).toEqual({
          state: 'returned',
          returnCode: 'R01',
        });
        // The charge was accepted; what became of it afterwards is bankDebitState's to tell.
        expect(await h.processor.findCharge(r.idempotencyKey)).toEqual(accepted);
        expect(await h.processor.bankDebitState(randomUUID())).toBeNull();
      });
    });

    describe('many charges at once', () => {
      it('charges each as charge would, answers earlier keys again, and null for an unknown token', async () => {
        const h = harness();
        const earlier = request(await h.cardToken(CONTRACT_CARDS.visa), 2_500);
        const first = await h.processor.charge(earlier);
        const requests = [
          request(await h.cardToken(CONTRACT_CARDS.visa)),
          request(await h.cardToken(CONTRACT_CARDS.declined)),
          earlier,
          request('pm_nobody_has_this'),
        ];
        const outcomes: (ChargeOutcome | null)[] = await h.processor.chargeMany(requests);
        expect(outcomes).toEqual([
          { status: 'succeeded', chargeId: expect.any(String) },
          expect.objectContaining({ status: 'failed', code: 'card_declined', retryable: false }),
          first,
          null,
        ]);
        expect(await h.processor.chargeMany(requests.slice(0, 2))).toEqual(outcomes.slice(0, 2));
        expect(await h.processor.chargeMany([])).toEqual([]);
      });
    });
  });
}
