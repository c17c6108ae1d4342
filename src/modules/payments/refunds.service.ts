/**
 * Refunds (DESIGN.md §4): all or part of a collected payment given back. Each refund is its own record,
 * committed (the payment locked, what it may still give back re-checked) before the processor is
 * called with the refund id as its idempotency key; the outcome is applied in a second transaction
 * (refund-outcome.service.ts). A lost answer leaves the refund `unknown` for the reconciler, never
 * `failed`. The organization decides where the money goes (organization file `refunds.afterRefund`):
 * back to the card or bank account, the bills owing it again, or kept as a credit on the account.
 */
import type { z } from 'zod';
import type { Payment, Refund, RefundDestination } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { formatMoney } from '../../domain/money';
import { refundability } from '../../domain/refunds';
import { AppError, type FieldError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { ProcessorError, type RefundOutcome } from '../../platform/processors/processor';
import { auditRow } from '../audit/audit.service';
import { getAccount } from '../bills/bills.service';
import type { IdempotentResult, IdempotentWork } from '../idempotency/idempotency.service';
import { formatPaidAt, regionTimeZone } from './payment-views.service';
import * as payments from './payments.store';
import {
  type AppliedOutcome,
  applyRefundOutcome,
  CREDITED,
  refundResponse,
  refundTotalsOf,
  toRefundViews,
} from './refund-outcome.service';
import { createRefundBody, type RefundList } from './refunds.schema';
import * as store from './refunds.store';

/** First reconciler look at a refund the API is still working on. */
const RECONCILE_GRACE_SECONDS = 60;
/** After this many sweeps with no record at the processor, the refund never arrived: it failed. */
const MAX_RECONCILE_ATTEMPTS = 10;

export interface RefundPaymentOptions {
  /** The API key asking (the audit trail's actor). */
  actor: Actor;
  ctx: RequestContext;
  paymentId: string;
  /**
   * The body as sent: checked here, after the payment is found, so that an amount or reason the schema
   * refuses is a 422 naming the field and saying the most that can be refunded.
   */
  body: unknown;
  idempotency: IdempotentWork;
}

function notFound(): AppError {
  return new AppError('not_found', { detail: 'Payment not found' });
}

/** Refuses a payment that cannot be refunded now, saying why (and for a bank debit, when to ask again). */
function checkRefundable(deps: Deps, payment: Payment, regionId: string): void {
  const state = refundability(payment);
  if (state === 'refundable' || state === 'refunded') return;
  if (state === 'settling') {
    const now = deps.clock.now().epochMilliseconds;
    const nextCheck = payment.settlement_check_at?.getTime() ?? now;
    const retryAfterSeconds = Math.max(60, Math.ceil((nextCheck - now) / 1000));
    const madeAt = formatPaidAt(payment.created_at, regionTimeZone(deps, regionId), 'en');
    throw new AppError('payment_not_refundable', {
      detail:
        `This bank payment (made ${madeAt}) has not settled yet, and the bank could still return it. ` +
        'It can be refunded once it settles, usually within 4 business days of the payment; ' +
        `ask again after ${new Date(now + retryAfterSeconds * 1000).toISOString()}.`,
      reason: 'settling',
      retryAfterSeconds,
    });
  }
  const detail = {
    returned: 'The bank returned this payment, so nothing was kept to refund.',
    not_collected: 'This payment was not collected, so there is nothing to refund.',
    in_progress: 'This payment is still being processed. Ask again once it has succeeded.',
  }[state];
  throw new AppError('payment_not_refundable', { detail, reason: state });
}

function amountProblem(maximumCents: number, code: string): AppError {
  const most =
    maximumCents > 0
      ? `The most that can be refunded is ${formatMoney(maximumCents)}.`
      : 'Nothing is left to refund on this payment.';
  return new AppError('amount_out_of_range', {
    detail: most,
    maximumCents,
    errors: [
      {
        field: 'amountCents',
        code,
        message:
          maximumCents > 0
            ? `Enter a whole number of cents from 1 to ${maximumCents}`
            : 'Nothing is left to refund on this payment',
      },
    ],
  });
}

/** The body checked against the contract; an amount problem names the most that can be refunded. */
function parseBody(body: unknown, maximumCents: number): z.infer<typeof createRefundBody> {
  const parsed = createRefundBody.safeParse(body);
  if (parsed.success) {
    if (parsed.data.amountCents > maximumCents) throw amountProblem(maximumCents, 'too_large');
    return parsed.data;
  }
  const errors: FieldError[] = parsed.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    code: issue.code,
    message:
      issue.path[0] === 'reason'
        ? 'Choose a reason: duplicate, requested_by_customer, billing_error or other'
        : issue.message,
  }));
  if (errors.every((e) => e.field === 'amountCents')) throw amountProblem(maximumCents, 'invalid_amount');
  throw new AppError('refund_invalid', { detail: 'Check the refund’s fields.', maximumCents, errors });
}

/**
 * Answers a refund request whose body the schema refused: 404 for an unknown payment, else a 422
 * naming each field (and for the amount, the most that can be refunded). Nothing is recorded, and the
 * body is never hashed for its idempotency key (it may be anything: a deeply nested array).
 */
export async function refuseRefundBody(deps: Deps, paymentId: string, body: unknown): Promise<never> {
  const payment = await payments.findPayment(deps.db, paymentId);
  if (!payment) throw notFound();
  const { held } = await store.refundTotals(deps.db, payment.id);
  parseBody(body, Math.max(0, payment.amount_cents - held));
  throw new Error('a body the route refused passed the refund schema');
}

/**
 * Refunds all or part of a payment (POST /api/v1/payments/{id}/refunds). The refund is recorded, with
 * the payment locked and its refunds re-read, before the processor is called with the refund's id as
 * its idempotency key; so two refunds racing for the same money cannot both be recorded (and the
 * database's refunds_within_payment trigger refuses it again). A lost answer is asked again once at
 * once (the key makes that safe), then left `unknown` for the reconciler.
 */
export async function refundPayment(deps: Deps, opts: RefundPaymentOptions): Promise<IdempotentResult> {
  if (opts.idempotency.resumeResourceId) {
    // A previous request with this key died after recording its refund: finish that one.
    await reconcileRefund(deps, opts.idempotency.resumeResourceId);
    return refundResponse(deps, opts.idempotency.resumeResourceId);
  }
  const payment = await payments.findPayment(deps.db, opts.paymentId);
  if (!payment) throw notFound();
  const account = await getAccount(deps.db, payment.account_id);
  const before = await store.refundTotals(deps.db, payment.id);
  const body = parseBody(opts.body, Math.max(0, payment.amount_cents - before.held));
  checkRefundable(deps, payment, account.region_id);
  const destination: RefundDestination =
    deps.config.organization.refunds.afterRefund === 'keep_credit' ? 'account_credit' : 'original_method';
  if (
    destination === 'original_method' &&
    (payment.processor !== deps.processor.name || !payment.processor_charge_id)
  ) {
    throw new AppError('payment_not_refundable', {
      detail: 'This payment was taken through another processor; refund it there.',
      reason: 'other_processor',
    });
  }

  const refundId = newId();
  const now = toDate(deps.clock.now());
  const refund: Refund = {
    id: refundId,
    payment_id: payment.id,
    account_id: payment.account_id,
    amount_cents: body.amountCents,
    currency: payment.currency,
    reason: body.reason,
    note: body.note?.trim() || null,
    destination,
    status: 'pending',
    processor: deps.processor.name,
    processor_refund_id: null,
    failure_code: null,
    failure_message: null,
    requested_by: opts.actor.type === 'api' ? opts.actor.keyId : opts.actor.type,
    reconcile_attempts: 0,
    next_reconcile_at: new Date(now.getTime() + RECONCILE_GRACE_SECONDS * 1000),
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    const locked = await store.lockPayment(trx, payment.id);
    if (!locked) throw notFound();
    checkRefundable(deps, locked, account.region_id);
    // Read after the lock is granted: every refund committed before it counts.
    const totals = await store.refundTotals(trx, payment.id);
    const maximum = Math.max(0, locked.amount_cents - totals.held);
    if (body.amountCents > maximum) throw amountProblem(maximum, 'too_large');
    await store.insertRefund(trx, refund);
    await trx.insertInto('idempotency_keys').values(opts.idempotency.claimRow(refundId)).execute();
    await trx
      .insertInto('audit_events')
      .values(
        auditRow({
          actor: opts.actor,
          ctx: opts.ctx,
          action: 'refund.requested',
          result: 'success',
          accountId: payment.account_id,
          resourceType: 'refund',
          resourceId: refundId,
          detail: { paymentId: payment.id, amountCents: body.amountCents, reason: body.reason, destination },
          at: now,
        }),
      )
      .execute();
  });

  const outcome = destination === 'account_credit' ? CREDITED : await sendRefund(deps, refund, payment, 2);
  const applied = await applyRefundOutcome(deps, refund, outcome, {
    actor: opts.actor,
    ctx: opts.ctx,
    idempotency: opts.idempotency,
  });
  return applied ?? refundResponse(deps, refundId);
}

/** Asks the processor to refund (up to `tries` times while its answer is lost); null when never known. */
async function sendRefund(
  deps: Deps,
  refund: Refund,
  payment: Payment,
  tries: number,
): Promise<RefundOutcome | null> {
  for (let attempt = 0; attempt < tries; attempt++) {
    try {
      return await deps.processor.refund({
        idempotencyKey: refund.id,
        chargeId: payment.processor_charge_id ?? '',
        amountCents: refund.amount_cents,
        currency: refund.currency,
        reason: refund.reason,
      });
    } catch (err) {
      if (!(err instanceof ProcessorError)) throw err;
      deps.logger.warn({ refundId: refund.id, kind: err.kind }, 'processor refund answer lost');
    }
  }
  return null;
}

const reconcilerActor: Actor = { type: 'system', name: 'refund-reconciler' };

/**
 * Asks the processor what became of a refund not final yet and applies it; sends the same key again if
 * the processor never received it (at most MAX_RECONCILE_ATTEMPTS sweeps, then it failed: nothing was
 * sent back). A refund kept as a credit only had its outcome left to write.
 */
export async function reconcileRefund(deps: Deps, refundId: string): Promise<void> {
  const refund = await store.findRefund(deps.db, refundId);
  if (!refund || !(store.LIVE_REFUND_STATUSES as readonly string[]).includes(refund.status)) return;
  let outcome: AppliedOutcome = null;
  if (refund.destination === 'account_credit') {
    outcome = CREDITED;
  } else {
    const payment = await payments.findPayment(deps.db, refund.payment_id);
    if (!payment) return;
    try {
      outcome = await deps.processor.findRefund({
        idempotencyKey: refund.id,
        chargeId: payment.processor_charge_id ?? '',
      });
      if (!outcome && refund.reconcile_attempts < MAX_RECONCILE_ATTEMPTS) {
        outcome = await sendRefund(deps, refund, payment, 1);
      } else if (!outcome) {
        outcome = {
          status: 'failed',
          refundId: null,
          code: 'charge_not_refundable',
          message: 'The refund never reached the processor; nothing was sent back.',
        };
      }
    } catch (err) {
      if (!(err instanceof ProcessorError)) throw err;
    }
  }
  await applyRefundOutcome(deps, refund, outcome, { actor: reconcilerActor, ctx: null });
}

/** A payment's refunds, oldest first, a page at a time, with where the payment stands (GET …/refunds). */
export async function listPaymentRefunds(
  deps: Deps,
  paymentId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<RefundList> {
  const payment = await payments.findPayment(deps.db, paymentId);
  if (!payment) throw notFound();
  const [rows, totals] = await Promise.all([
    store.listRefunds(deps.db, paymentId, page.limit + 1, page.cursor),
    store.refundTotals(deps.db, paymentId),
  ]);
  const shown = rows.slice(0, page.limit);
  return {
    payment: refundTotalsOf(payment, totals),
    data: await toRefundViews(deps.db, shown),
    nextCursor: rows.length > page.limit ? (shown.at(-1)?.id ?? null) : null,
  };
}
