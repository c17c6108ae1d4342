/**
 * The webhook events intake writes, each in the transaction of the change it describes, and only when
 * something changed (an `unchanged` upsert writes none). Their data is what the change left: read in
 * that transaction, after the change.
 */
import type { Db } from '../../platform/db';
import { recordWebhookEvents, webhookEventRow } from '../webhooks/webhook-events';
import type { BillRecord } from './intake-bills.schema';

export interface BillEventOptions {
  type: 'bill.created' | 'bill.corrected' | 'bill.adjusted' | 'bill.voided';
  billId: string;
  accountId: string;
  /** The bill as the change left it. */
  bill: BillRecord;
  /** What the change did to what the bill asks for (not sent with bill.created: it is the amount). */
  amountChangeCents: number;
  at: Date;
}

export async function recordBillEvent(trx: Db, opts: BillEventOptions): Promise<void> {
  const { bill } = opts;
  const data = {
    billId: opts.billId,
    accountId: opts.accountId,
    number: bill.number,
    kind: bill.kind,
    externalId: bill.externalId,
    version: bill.version,
    totalCents: bill.totalCents,
    amountCents: bill.amountCents,
    balanceCents: bill.balanceCents,
    status: bill.status,
    dueDate: bill.dueDate,
    amountChangeCents: opts.amountChangeCents,
  };
  await recordWebhookEvents(trx, [
    webhookEventRow(opts.type, data, { accountId: opts.accountId, at: opts.at }),
  ]);
}

export async function recordAccountEvent(
  trx: Db,
  opts: {
    type: 'account.created' | 'account.updated';
    accountId: string;
    externalId: string;
    kind: 'medical' | 'premium';
    regionId: string;
    at: Date;
  },
): Promise<void> {
  const { type, at, ...data } = opts;
  await recordWebhookEvents(trx, [webhookEventRow(type, data, { accountId: opts.accountId, at })]);
}
