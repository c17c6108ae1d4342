/**
 * A refund's outcome, applied in one transaction with the payment locked: the refund's new state, and
 * for one that succeeded the payment's status (succeeded → partially_refunded → refunded), the bills
 * it opens again (a refund to the original method, latest due first), its ledger posting, its
 * allocations, the payer's email and the audit row. Its views and the API's answer are here too.
 */
import type { Updateable } from 'kysely';
import type { Payment, Refund, RefundStatus, RefundsTable } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { allocateRefund, statusAfterRefunds } from '../../domain/refunds';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { refundEmail } from '../../platform/email-templates';
import { recordRefundOutcome } from '../../platform/metrics';
import type { RefundOutcome } from '../../platform/processors/processor';
import { runStmt, stmt } from '../../platform/statement';
import { auditRow } from '../audit/audit.service';
import { billKindLabel, getAccount, reopenBillsForRefund } from '../bills/bills.service';
import type {
  IdempotentResponse,
  IdempotentResult,
  IdempotentWork,
} from '../idempotency/idempotency.service';
import { postRefund } from '../ledger/ledger.service';
import { queueEmail } from '../notifications/notifications.service';
import { recordWebhookEvents, webhookEventRow } from '../webhooks/webhook-events';
import { formatPaidAt, type Locale, methodLabel, regionTimeZone } from './payment-views.service';
import { type PaidBill, paymentData } from './payment-webhooks';
import * as payments from './payments.store';
import type { CreatedRefundView, PaymentRefundTotals, RefundView } from './refunds.schema';
import * as store from './refunds.store';

/** A credit kept on the account needs nothing from the processor: it succeeds as soon as it is recorded. */
export const CREDITED = { status: 'succeeded', refundId: null } as const;

/** A refund's outcome: the processor's, a kept credit's, or null when not known. */
export type AppliedOutcome = RefundOutcome | typeof CREDITED | null;

export interface ApplyRefundOptions {
  /** Who applies it: the API key in the request, the reconciler afterwards. */
  actor: Actor;
  ctx: RequestContext | null;
  /** Given in the request: a final answer is stored with the key in the same transaction. */
  idempotency?: IdempotentWork;
}

function isLive(status: RefundStatus): boolean {
  return (store.LIVE_REFUND_STATUSES as readonly string[]).includes(status);
}

/**
 * Applies an outcome (null: not known) to a refund not final yet, as it was seen; a no-op when it is
 * final or another process moved it first. Returns the API's answer when it was applied here (stored
 * with the idempotency key in the same transaction when final), null otherwise.
 */
export async function applyRefundOutcome(
  deps: Deps,
  refund: Refund,
  outcome: AppliedOutcome,
  opts: ApplyRefundOptions,
): Promise<IdempotentResult | null> {
  const seen = refund.status;
  if (!isLive(seen)) return null;
  // Nothing new: still not known, or still pending at the processor under the same refund.
  if (!outcome && seen === 'unknown') return null;
  if (
    outcome?.status === 'pending' &&
    seen === 'pending' &&
    refund.processor_refund_id === outcome.refundId
  ) {
    return null;
  }
  const now = toDate(deps.clock.now());
  const status: RefundStatus = outcome ? outcome.status : 'unknown';
  const final = status === 'succeeded' || status === 'failed';
  const patch: Updateable<RefundsTable> = {
    status,
    updated_at: now,
    ...(outcome?.refundId ? { processor_refund_id: outcome.refundId } : {}),
    ...(final ? { completed_at: now, next_reconcile_at: null } : {}),
    ...(outcome?.status === 'failed' ? { failure_code: outcome.code, failure_message: outcome.message } : {}),
  };
  const applied = await deps.db.transaction().execute(async (trx) => {
    const payment = await store.lockPayment(trx, refund.payment_id);
    if (!payment) throw new Error(`refund ${refund.id} has no payment`);
    if (!(await store.updateRefundFrom(trx, refund.id, seen, patch))) return null;
    const after = { ...refund, ...patch } as Refund;
    const paymentAfter = status === 'succeeded' ? await succeed(deps, trx, payment, after, now) : payment;
    if (final) {
      await trx
        .insertInto('audit_events')
        .values(
          auditRow({
            actor: opts.actor,
            ctx: opts.ctx,
            action: status === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
            result: status === 'succeeded' ? 'success' : 'failure',
            accountId: refund.account_id,
            resourceType: 'refund',
            resourceId: refund.id,
            detail: {
              paymentId: refund.payment_id,
              amountCents: refund.amount_cents,
              destination: refund.destination,
              ...(outcome?.status === 'failed' ? { code: outcome.code } : {}),
            },
            at: now,
          }),
        )
        .execute();
    }
    const totals = await store.refundTotals(trx, payment.id);
    const [view] = await toRefundViews(trx, [after]);
    if (!view) throw new Error(`refund ${refund.id} has no view`);
    const response = responseOf(view, refundTotalsOf(paymentAfter, totals));
    if (final && opts.idempotency) {
      // A completion part is written for a guarded statement: this transaction is its guard.
      await runStmt(trx, stmt`with guard as (select 1) ${opts.idempotency.completionPart(response)}`);
    }
    return response;
  });
  if (!applied) return null;
  if (status !== 'pending') recordRefundOutcome(deps.metrics, status, refund.destination);
  return { ...applied, stored: final && !!opts.idempotency };
}

/**
 * What a succeeded refund changes besides itself, with the payment locked: the payment's status, the
 * bills it opens again and their shares (to the original method), the ledger, and the payer's email.
 * Returns the payment as it is now.
 */
async function succeed(deps: Deps, trx: Db, payment: Payment, refund: Refund, now: Date): Promise<Payment> {
  // Read after the refund was marked succeeded (and with the payment locked): it counts.
  const { refunded } = await store.refundTotals(trx, payment.id);
  const status = statusAfterRefunds(payment.amount_cents, refunded);
  if (status !== payment.status) {
    await trx.updateTable('payments').set({ status, updated_at: now }).where('id', '=', payment.id).execute();
    await payments.insertEvent(trx, {
      paymentId: payment.id,
      accountId: payment.account_id,
      from: payment.status,
      to: status,
      detail: { refundId: refund.id, amountCents: refund.amount_cents },
      at: now,
    });
  }
  const allocations = await payments.listAllocations(trx, payment.id);
  let shares: { billId: string; amountCents: number }[] = [];
  if (refund.destination === 'original_method') {
    const opened = await store.refundedPerBill(trx, payment.id);
    // The payment paid its bills oldest due first (listAllocations' order); the refund opens them in reverse.
    shares = allocateRefund(
      refund.amount_cents,
      allocations.map((a) => ({
        billId: a.bill_id,
        remainingCents: a.amount_cents - (opened.get(a.bill_id) ?? 0),
      })),
    );
    await reopenBillsForRefund(trx, shares, now);
    await store.insertRefundAllocations(
      trx,
      shares.map((s) => ({
        refund_id: refund.id,
        bill_id: s.billId,
        account_id: payment.account_id,
        amount_cents: s.amountCents,
      })),
    );
  }
  await postRefund(trx, {
    accountId: payment.account_id,
    paymentId: payment.id,
    refundId: refund.id,
    destination: refund.destination,
    amountCents: refund.amount_cents,
    bills: shares,
    at: now,
  });
  await recordWebhookEvents(trx, refundEvents(payment, status, refund, refunded, allocations, shares, now));
  if (payment.payer_email) {
    const locale: Locale = payment.locale === 'es' ? 'es' : 'en';
    const account = await getAccount(trx, payment.account_id);
    const byId = new Map(allocations.map((a) => [a.bill_id, a]));
    const email = refundEmail({
      locale,
      organizationName: deps.config.organization.name,
      confirmationNumber: payment.confirmation_number,
      amountCents: refund.amount_cents,
      destination: refund.destination,
      methodLabel: methodLabel(payment, locale),
      refundedAt: formatPaidAt(now, regionTimeZone(deps, account.region_id), locale),
      bills: shares.map((s) => {
        const bill = byId.get(s.billId);
        return {
          description: bill ? billKindLabel(bill.kind, locale) : '',
          number: bill?.number ?? '',
          amountCents: s.amountCents,
        };
      }),
      supportPhone: deps.config.organization.support.phone,
    });
    await queueEmail(trx, {
      accountId: payment.account_id,
      kind: 'payment_refunded',
      to: payment.payer_email,
      subject: email.subject,
      text: email.text,
      html: email.html,
      now,
    });
  }
  return { ...payment, status };
}

/** payment.refunded, and bill.reopened for each bill the refund opens again (none when kept as a credit). */
function refundEvents(
  payment: Payment,
  status: 'succeeded' | 'refunded' | 'partially_refunded',
  refund: Refund,
  refundedCents: number,
  allocations: readonly PaidBill[],
  shares: readonly { billId: string; amountCents: number }[],
  at: Date,
) {
  const opts = { accountId: payment.account_id, at };
  const byId = new Map(allocations.map((a) => [a.bill_id, a]));
  return [
    webhookEventRow(
      'payment.refunded',
      {
        ...paymentData(payment, status, allocations),
        refund: { refundId: refund.id, amountCents: Number(refund.amount_cents), reason: refund.reason },
        refundedCents,
      },
      opts,
    ),
    ...shares.flatMap((share) => {
      const bill = byId.get(share.billId);
      if (!bill) return [];
      return [
        webhookEventRow(
          'bill.reopened',
          {
            billId: bill.bill_id,
            accountId: payment.account_id,
            number: bill.number,
            kind: bill.kind,
            paymentId: payment.id,
            amountCents: share.amountCents,
            reason: 'payment_refunded' as const,
          },
          opts,
        ),
      ];
    }),
  ];
}

export function refundTotalsOf(
  payment: Payment,
  totals: { held: number; refunded: number },
): PaymentRefundTotals {
  return {
    id: payment.id,
    status: payment.status,
    amountCents: payment.amount_cents,
    refundedCents: totals.refunded,
    refundableCents: Math.max(0, payment.amount_cents - totals.held),
  };
}

/** Refunds as the API shows them, with the bills each opened again. */
export async function toRefundViews(db: Db, refunds: readonly Refund[]): Promise<RefundView[]> {
  const allocations = await store.listRefundAllocations(
    db,
    refunds.map((r) => r.id),
  );
  return refunds.map((r) => ({
    id: r.id,
    paymentId: r.payment_id,
    amountCents: Number(r.amount_cents),
    currency: r.currency,
    reason: r.reason,
    note: r.note,
    status: r.status,
    destination: r.destination,
    processorRefundId: r.processor_refund_id,
    failure:
      r.status === 'failed' && r.failure_code
        ? { code: r.failure_code, message: r.failure_message ?? '' }
        : null,
    bills: allocations
      .filter((a) => a.refund_id === r.id)
      .map((a) => ({ billId: a.bill_id, number: a.number, amountCents: Number(a.amount_cents) })),
    createdAt: new Date(r.created_at).toISOString(),
    completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null,
  }));
}

/** 201 for a refund that succeeded, 202 while it is pending or its outcome is being confirmed, 409 problem when refused. */
function responseOf(view: RefundView, payment: PaymentRefundTotals): IdempotentResponse {
  if (view.status === 'failed' && view.failure) {
    const err = new AppError('refund_declined', {
      detail: view.failure.message,
      refundId: view.id,
      failure: view.failure,
    });
    return { status: err.status, body: err };
  }
  const body: CreatedRefundView = { ...view, payment };
  return { status: view.status === 'succeeded' ? 201 : 202, body };
}

/** The API's answer for a refund as it stands now. */
export async function refundResponse(deps: Deps, refundId: string): Promise<IdempotentResult> {
  const refund = await store.findRefund(deps.db, refundId);
  if (!refund) throw new AppError('not_found', { detail: 'Refund not found' });
  const payment = await payments.findPayment(deps.db, refund.payment_id);
  if (!payment) throw new AppError('not_found', { detail: 'Payment not found' });
  const [[view], totals] = await Promise.all([
    toRefundViews(deps.db, [refund]),
    store.refundTotals(deps.db, payment.id),
  ]);
  if (!view) throw new Error(`refund ${refundId} has no view`);
  return responseOf(view, refundTotalsOf(payment, totals));
}
