import type { PaymentView } from '@contract/payments/payments.schema';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, isApiError } from '../../api';
import type { FieldMsg } from '../../components/useFormErrors';
import type { SessionStore } from './session-store';

/** One submission of a review page. The key is reused for every resend of the same body. */
export interface PaymentAttempt<Body> {
  key: string;
  body: Body;
  /** True from just before the request is sent until an answer is recorded. */
  inFlight: boolean;
}

export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older browsers on plain http: a v4 UUID from getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Our own earlier request with this key is still running (double click, reload): wait for it. */
export async function waitWhileInFlight<T>(call: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries += 1) {
    try {
      return await call();
    } catch (err) {
      if (isApiError(err) && err.code === 'idempotency_in_flight' && tries < 15) {
        await sleep(1000);
        continue;
      }
      throw err;
    }
  }
}

/** What every journey's payment request has. */
export interface PaymentBodyBase {
  billIds: string[];
  amountCents: number;
  bankAuthorization?: { textVersion: string } | undefined;
  locale?: string | undefined;
}

/** What a problem means for the attempt: its message, and whether its key may be asked about again. */
export interface AttemptProblem {
  key: string;
  keepKey: boolean;
}

/**
 * What a payment journey passes to the review step's Pay: how to send one attempt and where the
 * attempt is kept. Guest, member and staff differ only here; the Idempotency-Key handling, the
 * resume after a reload and what each refusal means are the same for all.
 */
export interface PaymentSubmitAdapter<Body extends PaymentBodyBase> {
  /** Sends one attempt (wrapped in waitWhileInFlight, and in any step-up the caller needs). */
  pay(attempt: PaymentAttempt<Body>): Promise<PaymentView>;
  getAttempt(): PaymentAttempt<Body> | undefined;
  setAttempt(attempt: PaymentAttempt<Body> | undefined): void;
  /** What makes two bodies the same payment, beyond the bills, amount, ACH text and locale. */
  identity(body: Body): unknown[];
  onPaid(payment: PaymentView, attempt: PaymentAttempt<Body>): void;
  /** Nothing was charged: the journey goes back to the method page with this decline code. */
  onDeclined(code: string, err: ApiError, attempt: PaymentAttempt<Body>): void;
  /** The session ended: true when that was handled (the page moves on). */
  onExpired(err: unknown): boolean;
  /** Problems only this journey knows (e.g. a cancelled step-up); undefined falls to the common ones. */
  explain?(err: unknown): AttemptProblem | undefined;
}

/** The refusals every journey shares, and what each means for the attempt's key. */
export function commonProblem(err: unknown): AttemptProblem {
  if (!isApiError(err)) return { key: 'review.errors.unknownOutcome', keepKey: true };
  switch (err.code) {
    case 'payment_in_progress':
      return { key: 'review.errors.inProgress', keepKey: false };
    case 'bill_not_payable':
      return { key: 'review.errors.notPayable', keepKey: false };
    case 'amount_out_of_range':
      return { key: 'review.errors.amount', keepKey: false };
    case 'processor_unavailable':
      return { key: 'review.errors.unavailable', keepKey: false };
    case 'idempotency_mismatch':
    case 'validation_failed':
      return { key: 'common.errors.unexpected', keepKey: false };
    default:
      // No answer, or a server error: the outcome is unknown. Keep the key so pressing Pay
      // again asks about the same payment instead of making a second one.
      return {
        key: err.code === 'network' ? 'review.errors.network' : 'review.errors.unknownOutcome',
        keepKey: true,
      };
  }
}

/** Pay on a review page: one attempt at a time, resent with the same key, resumed after a reload. */
export function usePaymentSubmit<Body extends PaymentBodyBase>(
  adapter: PaymentSubmitAdapter<Body>,
  setErrors: (errors: FieldMsg[]) => void,
) {
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const latest = useRef(adapter);
  latest.current = adapter;

  const send = useCallback(
    async (attempt: PaymentAttempt<Body>) => {
      const a = latest.current;
      sending.current = true;
      setBusy(true);
      try {
        const payment = await a.pay(attempt);
        a.onPaid(payment, attempt);
      } catch (err) {
        sending.current = false;
        setBusy(false);
        if (a.onExpired(err)) return;
        if (isApiError(err) && (err.code === 'payment_declined' || err.code === 'payment_method_invalid')) {
          // Nothing was charged: the next try is a new attempt with a new key and a new method.
          a.onDeclined(err.problem.decline?.code ?? err.code, err, attempt);
          return;
        }
        const problem = a.explain?.(err) ?? commonProblem(err);
        const stored = a.getAttempt();
        a.setAttempt(problem.keepKey ? (stored ? { ...stored, inFlight: false } : undefined) : undefined);
        setErrors([{ id: '', key: problem.key }]);
      }
    },
    [setErrors],
  );

  // A reload while a payment was being sent: ask again with the same key to learn how it ended.
  const resumed = useRef(false);
  useEffect(() => {
    const attempt = latest.current.getAttempt();
    if (!resumed.current && attempt?.inFlight && !sending.current) {
      resumed.current = true;
      void send(attempt);
    }
  }, [send]);

  /** Pay with this body; false when a payment is already being sent. */
  const submit = useCallback(
    (body: Body): boolean => {
      if (sending.current) return false;
      const a = latest.current;
      const previous = a.getAttempt();
      const sameKey = (x: Body) =>
        JSON.stringify([
          [...x.billIds].sort(),
          x.amountCents,
          x.bankAuthorization?.textVersion ?? null,
          x.locale ?? null,
          ...a.identity(x),
        ]);
      // One key per submission of this page: a double click or a resend after a lost answer reuses it.
      const attempt: PaymentAttempt<Body> =
        previous && sameKey(previous.body) === sameKey(body)
          ? { ...previous, inFlight: true }
          : { key: newKey(), body, inFlight: true };
      sending.current = true;
      a.setAttempt(attempt);
      void send(attempt);
      return true;
    },
    [send],
  );

  return { busy, submit, sending };
}

/** The adapter's attempt handling for a journey kept in a SessionStore, and recording a decline. */
export function storedAttempts<J extends { attempt?: unknown; method?: unknown; decline?: unknown }>(
  store: SessionStore<J>,
) {
  type Attempt = NonNullable<J['attempt']>;
  return {
    getAttempt: () => store.get().attempt as Attempt | undefined,
    setAttempt: (attempt: Attempt | undefined) => {
      store.update((j) => {
        const { attempt: _a, ...rest } = j;
        return (attempt ? { ...rest, attempt } : rest) as J;
      });
    },
    /** Nothing was charged: the method is forgotten and the method page shows why. */
    declined: (decline: NonNullable<J['decline']>) => {
      store.update((j) => {
        const { attempt: _a, method: _m, ...rest } = j;
        return { ...rest, decline } as J;
      });
    },
  };
}
