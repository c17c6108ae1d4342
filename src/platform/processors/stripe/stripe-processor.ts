import Stripe from 'stripe';
import {
  type AcceptedBrand,
  type BankDebitState,
  type ChargeOutcome,
  type ChargeRequest,
  type DeclineCode,
  declineMessages,
  type PaymentMethodDetails,
  type PaymentProcessor,
  ProcessorError,
  type RefundOutcome,
  type RefundReason,
  type RefundRequest,
  type RepresentRequest,
  refundFailureMessages,
} from '../processor';

/** The metadata keys by which Settle finds its own objects again in Stripe (decision 0039). */
export const STRIPE_METADATA = {
  /** On a PaymentIntent: our attempt id, also its Idempotency-Key. */
  attempt: 'settle_attempt',
  /** On a PaymentIntent presenting an R01 debit again: the attempt id of the returned one. */
  represents: 'settle_represents',
  /** On a Refund: our refund id, also its Idempotency-Key. */
  refund: 'settle_refund',
  /** On a Refund: our reason where Stripe has none like it (billing_error, other). */
  reason: 'settle_reason',
  /** On a Customer: the member it stands for. */
  member: 'settle_member',
} as const;

export interface StripeProcessorOptions {
  /** sk_test_… or sk_live_… (or a restricted rk_ key). Never logged. */
  secretKey: string;
  /** Where the API is; Stripe's own by default (tests point these at a local fake). */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** The SDK's own retries of connection errors and 5xx, under the same Idempotency-Key (default 2). */
  maxNetworkRetries?: number;
  /** How long one request may take before its answer counts as lost (default 30 s). */
  timeoutMs?: number;
  /** Charges chargeMany runs at once (default 4). */
  concurrency?: number;
}

const ACCEPTED_BRANDS: readonly string[] = ['visa', 'mastercard', 'discover', 'amex'];

/**
 * ACH return codes for the failure codes Stripe gives a us_bank_account charge that came back. A code
 * not listed travels as Stripe wrote it.
 */
const RETURN_CODES: Record<string, string> = {
  insufficient_funds: 'R01',
  account_closed: 'R02',
  no_account: 'R03',
  invalid_account_number: 'R04',
  debit_not_authorized: 'R10',
  account_frozen: 'R16',
  bank_account_restricted: 'R16',
};

/** Stripe's reasons; ours that Stripe does not have travel in metadata only. */
const STRIPE_REFUND_REASONS: Partial<Record<RefundReason, Stripe.RefundCreateParams.Reason>> = {
  duplicate: 'duplicate',
  requested_by_customer: 'requested_by_customer',
};

/**
 * The PaymentProcessor on Stripe, through the official SDK: a charge is a PaymentIntent created and
 * confirmed at once with our attempt id as its Idempotency-Key and in its metadata; `findCharge`
 * searches PaymentIntents by that metadata; saved methods are PaymentMethods attached to a Customer
 * per member; refunds are Refunds of the PaymentIntent keyed and tagged by our refund id; a bank debit
 * is a us_bank_account PaymentIntent whose `processing` means accepted, `succeeded` settled, and a
 * failed latest charge returned. See decision 0039.
 */
export class StripeProcessor implements PaymentProcessor {
  readonly name = 'stripe';
  private readonly stripe: Stripe;
  private readonly concurrency: number;

  constructor(options: StripeProcessorOptions) {
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: options.maxNetworkRetries ?? 2,
      timeout: options.timeoutMs ?? 30_000,
      telemetry: false,
      appInfo: { name: 'Settle' },
      ...(options.host ? { host: options.host } : {}),
      ...(options.port ? { port: options.port } : {}),
      ...(options.protocol ? { protocol: options.protocol } : {}),
    });
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  async retrievePaymentMethod(token: string): Promise<PaymentMethodDetails | null> {
    const pm = await this.paymentMethod(token);
    if (!pm) return null;
    if (pm.type === 'card' && pm.card && ACCEPTED_BRANDS.includes(pm.card.brand)) {
      return {
        kind: 'card',
        brand: pm.card.brand as AcceptedBrand,
        last4: pm.card.last4,
        expMonth: pm.card.exp_month,
        expYear: pm.card.exp_year,
      };
    }
    if (pm.type === 'us_bank_account' && pm.us_bank_account) {
      return {
        kind: 'bank',
        last4: pm.us_bank_account.last4 ?? '',
        accountType: pm.us_bank_account.account_type === 'savings' ? 'savings' : 'checking',
        holderName: pm.billing_details.name ?? '',
      };
    }
    // A card of a brand we do not take, or a kind of method Settle does not offer.
    return null;
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const pm = await this.paymentMethod(request.token);
    if (!pm) throw new ProcessorError('Stripe knows no such payment method', 'unavailable');
    // The token as given (a test PaymentMethod such as pm_card_visa stays itself), so a retry sends the same request.
    return this.confirm(request, request.token, pm, {});
  }

  async chargeMany(requests: readonly ChargeRequest[]): Promise<(ChargeOutcome | null)[]> {
    // Stripe has no batch endpoint: one PaymentIntent each, a few at a time.
    const outcomes: (ChargeOutcome | null)[] = new Array(requests.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const i = next++;
        try {
          outcomes[i] = await this.charge(requests[i] as ChargeRequest);
        } catch (err) {
          if (!(err instanceof ProcessorError)) throw err;
          outcomes[i] = null;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, requests.length) }, worker));
    return outcomes;
  }

  async findCharge(idempotencyKey: string): Promise<ChargeOutcome | null> {
    const pi = await this.intentFor(idempotencyKey);
    return pi ? outcomeOfIntent(pi) : null;
  }

  async attachPaymentMethod(token: string, customer: string): Promise<string | null> {
    const pm = await this.paymentMethod(token);
    if (!pm) return null;
    const customerId = await this.customerFor(customer);
    try {
      const attached = await this.stripe.paymentMethods.attach(token, { customer: customerId });
      return attached.id;
    } catch (err) {
      throwIfOutcomeUnknown(err);
      // Used up, detached before, or declined by the card's check: it cannot be saved.
      if (err instanceof Stripe.errors.StripeError && (err.statusCode === 400 || err.statusCode === 402))
        return null;
      throw err;
    }
  }

  async detachPaymentMethod(methodId: string): Promise<void> {
    try {
      await this.stripe.paymentMethods.detach(methodId);
    } catch (err) {
      throwIfOutcomeUnknown(err);
      // Unknown, or not attached any more: forgotten already.
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw err;
    }
  }

  async bankDebitState(idempotencyKey: string): Promise<BankDebitState | null> {
    const pi = await this.intentFor(idempotencyKey);
    if (!pi || !isBankDebit(pi)) return null;
    if (pi.status === 'processing') return { state: 'pending' };
    if (pi.status === 'succeeded') return { state: 'settled' };
    const charge = await this.latestCharge(pi);
    if (charge?.status === 'failed') {
      const code = charge.failure_code ?? 'unknown';
      return { state: 'returned', returnCode: RETURN_CODES[code] ?? code };
    }
    // Refused before it was accepted: not a debit that can settle.
    return null;
  }

  async representBankDebit(request: RepresentRequest): Promise<ChargeOutcome> {
    const earlier = await this.intentFor(request.idempotencyKey);
    if (earlier) return outcomeOfIntent(earlier);
    const returned = await this.intentFor(request.returnedKey);
    const state = returned ? await this.bankDebitState(request.returnedKey) : null;
    const charge = returned ? await this.latestCharge(returned) : null;
    const methodId = charge ? idOf(charge.payment_method) : null;
    const pm = methodId ? await this.paymentMethod(methodId) : null;
    // Only an R01 of the same amount, on a method Stripe lets us use again (saved to a Customer).
    if (
      !returned ||
      state?.state !== 'returned' ||
      state.returnCode !== 'R01' ||
      returned.amount !== request.amountCents ||
      !pm?.customer
    ) {
      return failed(null, 'invalid_account');
    }
    return this.confirm(request, pm.id, pm, { [STRIPE_METADATA.represents]: request.returnedKey });
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const reason = STRIPE_REFUND_REASONS[request.reason];
    try {
      const refund = await this.stripe.refunds.create(
        {
          ...(request.chargeId.startsWith('ch_')
            ? { charge: request.chargeId }
            : { payment_intent: request.chargeId }),
          amount: request.amountCents,
          ...(reason ? { reason } : {}),
          metadata: {
            [STRIPE_METADATA.refund]: request.idempotencyKey,
            ...(reason ? {} : { [STRIPE_METADATA.reason]: request.reason }),
          },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return outcomeOfRefund(refund);
    } catch (err) {
      throwIfOutcomeUnknown(err);
      if (err instanceof Stripe.errors.StripeInvalidRequestError) {
        const code =
          err.code === 'amount_too_large' || err.code === 'charge_already_refunded'
            ? 'amount_too_large'
            : 'charge_not_refundable';
        return { status: 'failed', refundId: null, code, message: refundFailureMessages[code] };
      }
      throw err;
    }
  }

  async findRefund(lookup: { idempotencyKey: string; chargeId: string }): Promise<RefundOutcome | null> {
    try {
      const refunds = this.stripe.refunds.list({
        ...(lookup.chargeId.startsWith('ch_')
          ? { charge: lookup.chargeId }
          : { payment_intent: lookup.chargeId }),
        limit: 100,
      });
      for await (const refund of refunds) {
        if (refund.metadata?.[STRIPE_METADATA.refund] === lookup.idempotencyKey)
          return outcomeOfRefund(refund);
      }
      return null;
    } catch (err) {
      throwIfOutcomeUnknown(err);
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing')
        return null;
      throw err;
    }
  }

  /** Creates and confirms the PaymentIntent of one attempt; a repeat is answered by Stripe's idempotency. */
  private async confirm(
    request: ChargeRequest | RepresentRequest,
    methodId: string,
    pm: Stripe.PaymentMethod,
    metadata: Record<string, string>,
  ): Promise<ChargeOutcome> {
    const bank = pm.type === 'us_bank_account';
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency.toLowerCase(),
          payment_method: methodId,
          ...(pm.customer ? { customer: idOf(pm.customer) ?? undefined } : {}),
          allowed_payment_method_types: [bank ? 'us_bank_account' : 'card'],
          confirm: true,
          // Nothing in Settle completes a required action (3-D Secure, bank verification) yet: such an
          // attempt fails at once rather than wait in requires_action (the Payment Element will, issue 15).
          error_on_requires_action: true,
          description: request.description,
          metadata: { [STRIPE_METADATA.attempt]: request.idempotencyKey, ...metadata },
          // Settle keeps the payer's bank authorization (its text and version) itself; online acceptance
          // with the payer's address and browser comes with the Payment Element (issue 15).
          ...(bank ? { mandate_data: { customer_acceptance: { type: 'offline' as const } } } : {}),
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return outcomeOfIntent(pi);
    } catch (err) {
      throwIfOutcomeUnknown(err);
      if (err instanceof Stripe.errors.StripeCardError) {
        return failed(err.payment_intent?.id ?? null, declineCodeOf(err.code, err.decline_code));
      }
      // Refused before anything was charged (a method used up or removed, a bad parameter): like the
      // sandbox with a token it cannot charge, no outcome is recorded under the key.
      if (err instanceof Stripe.errors.StripeError)
        throw new ProcessorError(`Stripe refused the charge (${err.code ?? err.type})`, 'unavailable');
      throw err;
    }
  }

  private async paymentMethod(id: string): Promise<Stripe.PaymentMethod | null> {
    try {
      return await this.stripe.paymentMethods.retrieve(id);
    } catch (err) {
      throwIfOutcomeUnknown(err);
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return null;
      throw err;
    }
  }

  /** The PaymentIntent made under one of our attempt ids, found by its metadata. */
  private async intentFor(idempotencyKey: string): Promise<Stripe.PaymentIntent | null> {
    try {
      const found = await this.stripe.paymentIntents.search({
        query: `metadata['${STRIPE_METADATA.attempt}']:'${searchValue(idempotencyKey)}'`,
        limit: 1,
      });
      return found.data[0] ?? null;
    } catch (err) {
      throwIfOutcomeUnknown(err);
      throw err;
    }
  }

  private async latestCharge(pi: Stripe.PaymentIntent): Promise<Stripe.Charge | null> {
    if (!pi.latest_charge) return null;
    if (typeof pi.latest_charge !== 'string') return pi.latest_charge;
    try {
      return await this.stripe.charges.retrieve(pi.latest_charge);
    } catch (err) {
      throwIfOutcomeUnknown(err);
      throw err;
    }
  }

  /** The Customer standing for a member: found by its metadata, or made once. */
  private async customerFor(member: string): Promise<string> {
    try {
      const found = await this.stripe.customers.search({
        query: `metadata['${STRIPE_METADATA.member}']:'${searchValue(member)}'`,
        limit: 1,
      });
      const existing = found.data[0];
      if (existing) return existing.id;
      const created = await this.stripe.customers.create(
        { metadata: { [STRIPE_METADATA.member]: member } },
        { idempotencyKey: `settle-customer-${member}` },
      );
      return created.id;
    } catch (err) {
      throwIfOutcomeUnknown(err);
      throw err;
    }
  }
}

/** Our ids are UUIDs; anything else is refused rather than let into a search query. */
function searchValue(value: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error(`not a Settle id: ${JSON.stringify(value)}`);
  return value;
}

function idOf(ref: string | { id: string } | null | undefined): string | null {
  if (!ref) return null;
  return typeof ref === 'string' ? ref : ref.id;
}

function isBankDebit(pi: Stripe.PaymentIntent): boolean {
  return pi.payment_method_types.length === 1 && pi.payment_method_types[0] === 'us_bank_account';
}

/** Connection errors, timeouts, 429 and 5xx: Stripe may or may not have acted, so the outcome is not known. */
function throwIfOutcomeUnknown(err: unknown): void {
  if (err instanceof Stripe.errors.StripeConnectionError)
    throw new ProcessorError(`Stripe did not answer: ${err.message}`, 'timeout');
  if (
    err instanceof Stripe.errors.StripeAPIError ||
    err instanceof Stripe.errors.StripeRateLimitError ||
    err instanceof Stripe.errors.StripeAuthenticationError ||
    err instanceof Stripe.errors.StripePermissionError ||
    (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 0) >= 500)
  ) {
    throw new ProcessorError(`Stripe could not be used (${err.statusCode ?? err.type})`, 'unavailable');
  }
}

/** Stripe's error and decline codes in the words our API and pages use (decision 0039). */
export function declineCodeOf(code: string | undefined, declineCode: string | undefined): DeclineCode {
  const codes = [code, declineCode];
  if (codes.includes('insufficient_funds')) return 'insufficient_funds';
  if (codes.includes('expired_card')) return 'expired_card';
  if (codes.includes('incorrect_cvc') || codes.includes('invalid_cvc')) return 'incorrect_cvc';
  if (codes.some((c) => c === 'processing_error' || c === 'try_again_later' || c === 'issuer_not_available'))
    return 'processing_error';
  if (
    codes.some(
      (c) =>
        c === 'account_closed' ||
        c === 'no_account' ||
        c === 'invalid_account_number' ||
        c === 'bank_account_unusable' ||
        c === 'bank_account_restricted' ||
        c === 'debit_not_authorized',
    )
  )
    return 'invalid_account';
  return 'card_declined';
}

function failed(chargeId: string | null, code: DeclineCode): ChargeOutcome {
  return { status: 'failed', chargeId, code, ...declineMessages[code] };
}

function outcomeOfIntent(pi: Stripe.PaymentIntent): ChargeOutcome {
  // A bank debit is accepted once it is processing; settlement or a return is bankDebitState's to tell.
  if (pi.status === 'succeeded' || pi.status === 'processing')
    return { status: 'succeeded', chargeId: pi.id };
  if (isBankDebit(pi) && pi.latest_charge) return { status: 'succeeded', chargeId: pi.id };
  const error = pi.last_payment_error;
  if (error) return failed(pi.id, declineCodeOf(error.code, error.decline_code));
  // requires_action (3-D Secure, bank verification) and the rest: completing them comes with the
  // Payment Element (issue 15); until then the attempt does not go through.
  return failed(pi.id, isBankDebit(pi) ? 'invalid_account' : 'card_declined');
}

function outcomeOfRefund(refund: Stripe.Refund): RefundOutcome {
  if (refund.status === 'succeeded') return { status: 'succeeded', refundId: refund.id };
  if (refund.status === 'failed' || refund.status === 'canceled') {
    return {
      status: 'failed',
      refundId: refund.id,
      code: 'charge_not_refundable',
      message: refundFailureMessages.charge_not_refundable,
    };
  }
  return { status: 'pending', refundId: refund.id };
}
