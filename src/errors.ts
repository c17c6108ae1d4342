/**
 * Stable error codes. Services throw `AppError(code)`; the HTTP layer maps the code to a status and
 * answers RFC 9457 problem+json. Each code says when it is thrown.
 */
export const errorCodes = {
  /** The request body, query or parameters failed validation; `errors[]` names each field. */
  validation_failed: { status: 400, title: 'Some of the information is not valid' },
  /** A processor's webhook (/webhooks/stripe) without a valid signature: missing, malformed, wrong or too old. */
  webhook_signature_invalid: { status: 400, title: 'The webhook signature could not be verified' },
  /** A required Idempotency-Key header is missing or malformed. */
  idempotency_key_required: { status: 400, title: 'Idempotency-Key header required' },
  /** The guest session token is missing, expired or unknown. */
  unauthenticated: { status: 401, title: 'Your session has ended' },
  /** Sign-in refused: the same answer for an unknown email, a wrong password and a locked account. */
  sign_in_failed: { status: 401, title: 'We could not sign you in' },
  /** An integrator call without an API key, or with one that is unknown, revoked or replaced by a rotation. */
  api_key_invalid: { status: 401, title: 'The API key is not valid' },
  /** The API key is valid but lacks the scope this route needs; `scope` names it. */
  insufficient_scope: { status: 403, title: 'The API key does not have the scope this needs' },
  /** The member has not confirmed their email address yet; a new link was sent. */
  email_not_verified: { status: 403, title: 'Confirm your email address first' },
  /** Two-step verification is on and this change needs a fresh code (POST /api/v1/member/session/step-up). */
  step_up_required: { status: 403, title: 'Enter a code to continue' },
  /** A state-changing request without the session's X-CSRF-Token (or from another site). */
  csrf_failed: { status: 403, title: 'This request could not be checked' },
  /** An emailed link that is unknown, expired or already used. */
  token_invalid: { status: 400, title: 'This link has expired or was already used' },
  /** The processor declined the payment; `decline` says why and whether retrying can help. */
  payment_declined: { status: 402, title: 'The payment was declined' },
  /** The caller may not do this. */
  forbidden: { status: 403, title: 'You cannot do this' },
  /** The resource does not exist or is not visible to the caller (never distinguishes the two). */
  not_found: { status: 404, title: 'Not found' },
  /** Guest lookup found nothing matching; the same answer whether the account exists or not. */
  bill_not_found: { status: 404, title: 'We could not find a bill with those details' },
  /** A payment for one of the bills is already being processed. */
  payment_in_progress: { status: 409, title: 'A payment for this bill is already in progress' },
  /** A request with this Idempotency-Key is still being processed. */
  idempotency_in_flight: { status: 409, title: 'This request is still being processed' },
  /** The bill has no balance left to pay (paid by another payment, or void). */
  bill_not_payable: { status: 409, title: 'This bill has nothing left to pay' },
  /** The payment is not final yet (or failed), so there is no receipt. */
  payment_not_final: { status: 409, title: 'This payment is not complete' },
  /**
   * The payment cannot be refunded now: not collected, still in progress, returned by the bank, or a
   * bank debit not settled yet (`retryAfterSeconds` says when to ask again).
   */
  payment_not_refundable: { status: 409, title: 'This payment cannot be refunded' },
  /** The processor refused a refund (recorded as failed; `refundId` and `failure` say which and why). */
  refund_declined: { status: 409, title: 'The refund was refused' },
  autopay_unavailable: { status: 409, title: 'Automatic payments are not available here' },
  autopay_item_not_waiting: { status: 409, title: 'This automatic payment is not waiting for you' },
  scheduled_payment_locked: { status: 409, title: 'This scheduled payment can no longer be changed' },
  /** A delivery was asked of a webhook endpoint that is disabled (enable it first). */
  webhook_endpoint_disabled: { status: 409, title: 'This webhook endpoint is disabled' },
  /** The Idempotency-Key was used before with a different request body. */
  idempotency_mismatch: { status: 422, title: 'This Idempotency-Key was used for a different request' },
  /** An intake record names another by an externalId (a guarantor, an account) that does not exist; `errors[]` names the field. */
  reference_not_found: { status: 422, title: 'A record this refers to does not exist' },
  /** A number that must be unique (record number, account number, bill number) belongs to another record; `errors[]` names it. */
  duplicate_identifier: { status: 409, title: 'This number belongs to another record' },
  /** A correction, adjustment or void would leave the bill owing less than has already been paid on it. */
  bill_below_paid: { status: 422, title: 'The bill would owe less than has already been paid on it' },
  /** The bill is void: it cannot be corrected or adjusted. */
  bill_void: { status: 409, title: 'This bill is void' },
  /** A field that cannot change once the record is in use (an account's kind or region once it has bills, a bill's account). */
  change_not_allowed: { status: 409, title: 'This cannot be changed any more' },
  /**
   * The amount is below the minimum or above the selected balance; for a refund, not a positive whole
   * number of cents or above what is left to refund (`maximumCents`).
   */
  amount_out_of_range: { status: 422, title: 'The amount is not allowed' },
  /** A refund request that is well formed but asks for what cannot be (a reason missing or not in the list). */
  refund_invalid: { status: 422, title: 'This refund cannot be made as asked' },
  /** The payment method (token) is unknown, used, or of a kind the organization does not accept. */
  payment_method_invalid: { status: 422, title: 'This payment method cannot be used' },
  /** Too many attempts from this address or for this account; `Retry-After` says when to try again. */
  rate_limited: { status: 429, title: 'Too many attempts' },
  /** The payment processor could not be reached; nothing was charged. */
  processor_unavailable: { status: 503, title: 'We cannot take payments right now' },
  /** /readyz: the database does not answer or migrations are pending; `reason` says which. */
  not_ready: { status: 503, title: 'Not ready to serve requests' },
  /** An unexpected failure; never leaks details. */
  /** The database did not answer in time or refused the connection: try again shortly. */
  database_unavailable: { status: 503, title: 'We cannot answer right now' },
  internal: { status: 500, title: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldError {
  /** JSON pointer-ish dotted path to the field, e.g. `amountCents` or `card.number`. */
  field: string;
  code: string;
  message: string;
}

export interface AppErrorDetails {
  detail?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  [key: string]: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    readonly details: AppErrorDetails = {},
  ) {
    super(details.detail ?? errorCodes[code].title);
    this.name = 'AppError';
    this.status = errorCodes[code].status;
    this.title = errorCodes[code].title;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
