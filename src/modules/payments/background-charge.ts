/**
 * A charge the worker makes on a member's behalf (a scheduled payment, an automatic payment): through
 * the payments core under the run's own idempotency key, read before anything is decided, so a
 * worker killed at any point leaves it to the next without a second charge or a wrong "nothing owed".
 */
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import {
  type IdempotencyScope,
  type IdempotentResponse,
  type IdempotentResult,
  type IdempotentWork,
  type KeyedWork,
  keyedWork,
  runIdempotent,
} from '../idempotency/idempotency.service';
import { getPaymentView } from './payment-views.service';

export type BackgroundOutcome =
  | { status: 'paid'; paymentId: string }
  | { status: 'declined'; code: string; message: string; paymentId: string | null }
  /** Nothing was charged, for the reason the work gave (e.g. nothing_owed, method_removed). */
  | { status: 'skipped'; code: string }
  /** The outcome is still being confirmed with the processor: look again on a later pass. */
  | { status: 'pending'; paymentId: string | null };

/** What the work answers when it decides not to charge. */
export function skip(code: string): IdempotentResult {
  return { status: 200, body: { skipped: code } };
}

/**
 * What a run's key stores: a payment's id and status code (all a later pass reads: no client ever
 * replays these keys), and a decline as plain data, so a later pass reads the same outcome.
 */
function render(response: IdempotentResponse): IdempotentResponse {
  const body = response.body;
  if (!(body instanceof AppError)) {
    const id = (body as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? { status: response.status, body: { id } } : response;
  }
  const decline = body.details.decline as { code?: string; message?: string } | undefined;
  return {
    status: response.status,
    body: {
      error: decline?.code ?? body.code,
      message: decline?.message ?? body.message,
      paymentId: (body.details.paymentId as string | undefined) ?? null,
    },
  };
}

function outcomeOf(response: IdempotentResponse): BackgroundOutcome {
  const body = response.body as {
    id?: string;
    skipped?: string;
    error?: string;
    message?: string;
    paymentId?: string | null;
  };
  if (response.status === 201 && body.id) return { status: 'paid', paymentId: body.id };
  if (response.status === 202) return { status: 'pending', paymentId: body.id ?? null };
  if (body.skipped) return { status: 'skipped', code: body.skipped };
  return {
    status: 'declined',
    code: body.error ?? 'other',
    message: body.message ?? 'The payment was declined.',
    paymentId: body.paymentId ?? null,
  };
}

/** Makes (or finds again) the charge of one run: `work` pays through payBills or answers skip(). */
export async function chargeInBackground(
  deps: Deps,
  target: IdempotencyScope,
  work: (idempotency: IdempotentWork) => Promise<IdempotentResult>,
): Promise<BackgroundOutcome> {
  return outcomeOf(await runIdempotent(deps, target, work, render, { lookupFirst: true }));
}

/**
 * The run's key for a payment made in a batch (payments.batch): stored as chargeInBackground stores
 * it, so a later pass with the same target reads the batch's answer, or resumes its payment.
 */
export function backgroundKey(deps: Deps, target: IdempotencyScope): KeyedWork {
  return keyedWork(deps, target, render);
}

/** The outcome of a run's payment that was still being confirmed. */
export async function backgroundPaymentOutcome(deps: Deps, paymentId: string): Promise<BackgroundOutcome> {
  const payment = await getPaymentView(deps, paymentId);
  if (payment.status === 'succeeded') return { status: 'paid', paymentId };
  if (payment.status === 'failed') {
    return {
      status: 'declined',
      code: payment.failure?.code ?? 'card_declined',
      message: payment.failure?.message ?? 'The payment was declined.',
      paymentId,
    };
  }
  return { status: 'pending', paymentId };
}
