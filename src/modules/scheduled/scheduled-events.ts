/** The webhook events of a scheduled payment's changes, written in each change's transaction. */
import type { ScheduledPayment } from '../../db/schema';
import { type WebhookEventData, webhookEventRow } from '../webhooks/webhook-events';

type Change = 'scheduled_payment.created' | 'scheduled_payment.updated' | 'scheduled_payment.canceled';
type Fields = Pick<ScheduledPayment, 'id' | 'account_id' | 'status' | 'amount_cents' | 'pay_on' | 'bill_ids'>;

function data(row: Fields): WebhookEventData<'scheduled_payment.created'> {
  return {
    scheduledPaymentId: row.id,
    accountId: row.account_id,
    status: row.status,
    amountCents: row.amount_cents,
    payOn: row.pay_on,
    billIds: [...row.bill_ids],
  };
}

/** A scheduled payment made, changed or canceled by its member, as it is after the change. */
export function scheduledChangeEvent(type: Change, row: Fields, at: Date) {
  return webhookEventRow(type, data(row), { accountId: row.account_id, at });
}

/** A scheduled payment's day came: what became of it. */
export function scheduledFinishedEvent(
  row: Fields,
  outcome: { status: 'paid' | 'failed' | 'skipped'; paymentId: string | null; code: string | null },
  at: Date,
) {
  return webhookEventRow(
    'scheduled_payment.finished',
    {
      ...data({ ...row, status: outcome.status }),
      outcome: outcome.status,
      paymentId: outcome.paymentId,
      code: outcome.code,
    },
    { accountId: row.account_id, at },
  );
}
