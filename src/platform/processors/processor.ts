/**
 * The boundary to a payment processor. It is shaped after Stripe PaymentIntents so a Stripe adapter
 * fits: tokens are PaymentMethods created in the browser, `charge` is a confirmed PaymentIntent
 * created with our attempt id as Stripe's Idempotency-Key, `findCharge` searches by that id in
 * metadata, `refund` is a Refund created with our refund id as its Idempotency-Key, and asynchronous
 * outcomes (ACH settlement, returns, refunds that complete later) arrive as webhooks into an inbox.
 */

export type AcceptedBrand = 'visa' | 'mastercard' | 'discover' | 'amex';

export interface CardMethod {
  kind: 'card';
  brand: AcceptedBrand;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface BankMethod {
  kind: 'bank';
  last4: string;
  accountType: 'checking' | 'savings';
  holderName: string;
}

export type PaymentMethodDetails = CardMethod | BankMethod;

/** Why a processor refused a charge, in the processor-neutral words our API and UI use. */
export type DeclineCode =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'processing_error'
  | 'invalid_account';

export interface ChargeRequest {
  /** Our attempt id. Never changes on retry, so the processor charges at most once for it. */
  idempotencyKey: string;
  token: string;
  amountCents: number;
  currency: string;
  description: string;
}

/** A bank debit returned for insufficient funds (R01), presented to the bank again. */
export interface RepresentRequest {
  /** Our id of the new presentment. Never changes on retry, so it is presented at most once. */
  idempotencyKey: string;
  /** The idempotency key of the debit the bank returned. */
  returnedKey: string;
  amountCents: number;
  currency: string;
  description: string;
}

export type ChargeOutcome =
  | { status: 'succeeded'; chargeId: string }
  | { status: 'failed'; chargeId: string | null; code: DeclineCode; message: string; retryable: boolean };

/** Where a bank debit stands after it was accepted: it settles, or comes back returned (NACHA R-code). */
export type BankDebitState =
  | { state: 'pending' }
  | { state: 'settled' }
  | { state: 'returned'; returnCode: string };

/** Why money is given back: Stripe's reasons where they match, with our own two besides. */
export type RefundReason = 'duplicate' | 'requested_by_customer' | 'billing_error' | 'other';

export interface RefundRequest {
  /** Our refund id. Never changes on retry, so the processor refunds at most once for it. */
  idempotencyKey: string;
  /** The processor's id of the charge to refund (ChargeOutcome.chargeId). */
  chargeId: string;
  amountCents: number;
  currency: string;
  reason: RefundReason;
}

/** Why a processor refused a refund. */
export type RefundFailureCode =
  /** No such charge, it did not succeed, a bank debit has not settled or came back, or it is disputed. */
  | 'charge_not_refundable'
  /** More than the charge less what was refunded of it before. */
  | 'amount_too_large';

/**
 * What became of a refund. `pending`: accepted, the money not sent back yet (an ACH credit takes days;
 * Stripe: a refund whose status is `pending`); `findRefund` tells later.
 */
export type RefundOutcome =
  | { status: 'succeeded' | 'pending'; refundId: string }
  | { status: 'failed'; refundId: string | null; code: RefundFailureCode; message: string };

export interface PaymentProcessor {
  readonly name: string;
  /** What a token stands for, or null when the processor does not know it or it was used up. */
  retrievePaymentMethod(token: string): Promise<PaymentMethodDetails | null>;
  /**
   * Charges a token. Idempotent on `idempotencyKey`: a repeat returns the first outcome.
   * Throws ProcessorError when the outcome is not known (timeout, lost response, 5xx).
   */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /**
   * Charges many tokens, each under its own idempotency key exactly as `charge` would: the outcome of
   * each request, in order, or null where it is not known (that answer was lost). Throws ProcessorError
   * when no answer came back at all. A processor without a batch endpoint (Stripe has none) makes the
   * calls one by one, a few at a time, answering null for each that threw ProcessorError.
   */
  chargeMany(requests: readonly ChargeRequest[]): Promise<(ChargeOutcome | null)[]>;
  /** The recorded outcome for an idempotency key, or null if the processor never received it. */
  findCharge(idempotencyKey: string): Promise<ChargeOutcome | null>;
  /**
   * Saves a single-use token as a reusable payment method of `customer` (Stripe: attach a
   * PaymentMethod to a Customer) and returns its id, or null when the token is unknown or used up.
   */
  attachPaymentMethod(token: string, customer: string): Promise<string | null>;
  /** Forgets a saved payment method; it can no longer be charged. */
  detachPaymentMethod(methodId: string): Promise<void>;
  /**
   * A succeeded bank debit's settlement (Stripe: the charge's later `succeeded` or `failed` event
   * with an ACH return code); null when the processor has no such charge.
   */
  bankDebitState(idempotencyKey: string): Promise<BankDebitState | null>;
  /**
   * Presents a debit the bank returned R01 again, for the same amount under the same authorization
   * (NACHA reinitiation, "RETRY PYMT"; Stripe: a new PaymentIntent on the same PaymentMethod and
   * mandate). Idempotent on `idempotencyKey` like `charge`; its settlement is read with
   * `bankDebitState`. Fails with invalid_account when the returned debit is not an R01 of this processor.
   */
  representBankDebit(request: RepresentRequest): Promise<ChargeOutcome>;
  /**
   * Gives back all or part of a succeeded charge to the method it was paid with (Stripe: a Refund of
   * the PaymentIntent, created with our refund id as its Idempotency-Key and in its metadata; reasons
   * Stripe does not have travel in metadata only). Idempotent on `idempotencyKey`: a repeat returns the
   * first outcome. Never takes the charge beyond its amount less its earlier refunds (`amount_too_large`).
   * Throws ProcessorError when the outcome is not known (timeout, lost response, 5xx).
   */
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /**
   * Where the refund asked for under `idempotencyKey` stands now, or null if the processor never
   * received it. `chargeId` is the charge it was asked for (Stripe lists that charge's refunds and
   * finds ours by its metadata).
   */
  findRefund(lookup: { idempotencyKey: string; chargeId: string }): Promise<RefundOutcome | null>;
}

export class ProcessorError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'unavailable',
  ) {
    super(message);
    this.name = 'ProcessorError';
  }
}

export const refundFailureMessages: Record<RefundFailureCode, string> = {
  charge_not_refundable: 'The processor cannot refund this payment.',
  amount_too_large: 'The processor refused an amount above what remains of the payment.',
};

export const declineMessages: Record<DeclineCode, { message: string; retryable: boolean }> = {
  card_declined: { message: 'Your card was declined. Try another card or a bank account.', retryable: false },
  insufficient_funds: {
    message: 'Your card does not have enough funds. Try a smaller amount or another card.',
    retryable: true,
  },
  expired_card: { message: 'Your card has expired. Try another card.', retryable: false },
  incorrect_cvc: {
    message: 'The security code (CVC) is not correct. Check the 3 digits on the back of your card.',
    retryable: true,
  },
  processing_error: {
    message: 'There was a problem processing your card. Nothing was charged. Try again in a moment.',
    retryable: true,
  },
  invalid_account: {
    message: 'The bank account could not be used. Check the numbers or try another method.',
    retryable: false,
  },
};
