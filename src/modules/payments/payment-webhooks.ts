/**
 * The webhook events a payment's changes write (modules/webhooks/webhook-events.ts), built from the
 * payment as the phase that changes it read it, and written by that phase's statement or transaction.
 */
import type { Insertable } from 'kysely';
import type { BillKind, Payment, WebhookEventsTable } from '../../db/schema';
import type { ChargeOutcome } from '../../platform/processors/processor';
import { ident, rowsTable, type Stmt, stmt } from '../../platform/statement';
import { type WebhookEventData, webhookEventRow } from '../webhooks/webhook-events';

/** What a payment takes off each bill, as a payment phase read it. */
export interface PaidBill {
  bill_id: string;
  amount_cents: number;
  number: string;
  kind: BillKind;
}

type PaymentFields = Pick<
  Payment,
  | 'id'
  | 'account_id'
  | 'confirmation_number'
  | 'amount_cents'
  | 'currency'
  | 'channel'
  | 'method_type'
  | 'method_brand'
  | 'method_last4'
  | 'represents_payment_id'
  | 'created_at'
>;

/** A payment as payment.* events show it, in the status it has after the change. */
export function paymentData(
  payment: PaymentFields,
  status: WebhookEventData<'payment.succeeded'>['status'],
  bills: readonly Pick<PaidBill, 'bill_id' | 'number' | 'amount_cents'>[],
): WebhookEventData<'payment.succeeded'> {
  return {
    paymentId: payment.id,
    accountId: payment.account_id,
    confirmationNumber: payment.confirmation_number,
    status,
    amountCents: payment.amount_cents,
    currency: payment.currency,
    channel: payment.channel,
    method: {
      type: payment.method_type,
      brand: payment.method_type === 'card' ? payment.method_brand : null,
      last4: payment.method_last4,
    },
    bills: bills.map((b) => ({ billId: b.bill_id, number: b.number, amountCents: b.amount_cents })),
    representsPaymentId: payment.represents_payment_id,
    createdAt: new Date(payment.created_at).toISOString(),
  };
}

/** A bill.paid event, written only if the payment's outcome leaves the bill paid (billPaidEventsPart). */
export type BillPaidCandidate = Insertable<WebhookEventsTable> & { bill_id: string };

/** The events a final processor outcome writes: payment.succeeded or payment.failed, and bill.paid candidates. */
export function outcomeWebhookEvents(
  payment: PaymentFields,
  bills: readonly PaidBill[],
  outcome: ChargeOutcome | null,
  at: Date,
): { events: Insertable<WebhookEventsTable>[]; billPaid: BillPaidCandidate[] } {
  if (!outcome) return { events: [], billPaid: [] };
  const opts = { accountId: payment.account_id, at };
  if (outcome.status === 'failed') {
    const data = {
      ...paymentData(payment, 'failed', bills),
      failure: { code: outcome.code, message: outcome.message, retryable: outcome.retryable },
    };
    return { events: [webhookEventRow('payment.failed', data, opts)], billPaid: [] };
  }
  return {
    events: [webhookEventRow('payment.succeeded', paymentData(payment, 'succeeded', bills), opts)],
    billPaid: bills.map((b) => ({
      ...webhookEventRow(
        'bill.paid',
        {
          billId: b.bill_id,
          accountId: payment.account_id,
          number: b.number,
          kind: b.kind,
          paymentId: payment.id,
          amountCents: b.amount_cents,
        },
        opts,
      ),
      bill_id: b.bill_id,
    })),
  };
}

/**
 * `insert into webhook_events` of the bill.paid candidates whose bill the statement's `collected`
 * part (its `returning id, status`) left paid. Read from that part, not from `bills`: a statement's
 * parts see the tables as they were before it, and a bill's state after the payment is what counts.
 */
export function billPaidEventsPart(candidates: readonly BillPaidCandidate[], collected: string): Stmt {
  const types = {
    id: 'uuid',
    bill_id: 'uuid',
    type: 'text',
    account_id: 'uuid',
    payload: 'jsonb',
    created_at: 'timestamp with time zone',
  } as const;
  return stmt`insert into webhook_events (id, type, account_id, payload, created_at)
    select r.id, r.type, r.account_id, r.payload, r.created_at
    from ${rowsTable<keyof typeof types>('r', types, candidates)}
    join ${ident(collected)} c on c.id = r.bill_id
    where c.status = 'paid'`;
}
