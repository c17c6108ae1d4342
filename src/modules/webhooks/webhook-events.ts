/**
 * The events Settle sends to integrators' webhook endpoints: the closed list of types, and the schema
 * of each one's `data`. An event is written in the transaction of the change it describes (as a part
 * of the change's statement, or with `recordWebhookEvent` inside its transaction), so one exists
 * exactly when its change does; the worker delivers it (webhook-delivery.service.ts).
 *
 * Payloads name things by id and carry amounts, statuses and the last four digits of a method: never
 * a card or bank account number, a medical record number or a date of birth, nor a person's name.
 */
import type { Insertable } from 'kysely';
import { z } from 'zod';
import type { WebhookEventsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';

const id = z.uuid();
const cents = z.number().int();
const instant = z.iso.datetime({ offset: true });
const date = z.iso.date();

const paymentMethod = z.object({
  type: z.enum(['card', 'bank']),
  /** visa, mastercard, discover, amex; null for a bank account. */
  brand: z.string().nullable(),
  last4: z.string().regex(/^\d{4}$/),
});

/** A payment as every payment.* event shows it. */
export const paymentEventData = z.object({
  paymentId: id,
  accountId: id,
  confirmationNumber: z.string(),
  status: z.enum(['succeeded', 'failed', 'returned', 'refunded', 'partially_refunded']),
  amountCents: cents,
  currency: z.string().length(3),
  channel: z.enum(['guest', 'member', 'staff', 'scheduled', 'autopay', 'api']),
  method: paymentMethod,
  /** What the payment takes off each bill. */
  bills: z.array(z.object({ billId: id, number: z.string(), amountCents: cents })),
  /** A returned bank debit this payment presents again (NACHA re-presentment), if it does. */
  representsPaymentId: id.nullable(),
  createdAt: instant,
});

const billEventData = z.object({
  billId: id,
  accountId: id,
  number: z.string(),
  kind: z.enum(['hospital', 'professional', 'premium']),
});

const autopayEventData = z.object({
  enrollmentId: id,
  accountId: id,
  status: z.enum(['active', 'paused', 'canceled']),
  amountRule: z.enum(['statement_balance', 'fixed']),
  billKinds: z.array(z.enum(['premium', 'medical'])),
});

const scheduledEventData = z.object({
  scheduledPaymentId: id,
  accountId: id,
  status: z.enum(['scheduled', 'processing', 'paid', 'failed', 'skipped', 'canceled']),
  amountCents: cents,
  payOn: date,
  billIds: z.array(id),
});

/** What every bill.* event that intake (the billing system's API) writes says of the bill after the change. */
const intakeBillEventData = billEventData.extend({
  /** The billing system's identifier of the bill (the `{externalId}` of PUT /api/v1/bills). */
  externalId: z.string(),
  /** The bill's version after the change (1 when created; each correction, adjustment and void adds one). */
  version: z.number().int().min(1),
  /** The total of its lines, as the billing system last sent it. */
  totalCents: cents,
  /** What the bill asks for: its total with the adjustments posted on it (a void bill keeps its last). */
  amountCents: cents,
  /** What is left to pay. */
  balanceCents: cents,
  status: z.enum(['open', 'paid', 'void']),
  dueDate: date,
});

/** What a change did to what the bill asks for: negative takes off, positive adds. */
const amountChange = { amountChangeCents: cents };

const accountEventData = z.object({
  accountId: id,
  /** The billing system's identifier of the account (the `{externalId}` of PUT /api/v1/accounts). */
  externalId: z.string(),
  kind: z.enum(['medical', 'premium']),
  regionId: z.string(),
});

/**
 * The `data` of each event type, each with its one-line description (GET /api/v1/webhook-event-types
 * answers them). Adding a type is adding a line here (and emitting it).
 */
export const webhookEventSchemas = {
  'payment.succeeded': paymentEventData.describe(
    'A payment was collected (card charged, or bank debit accepted; a debit may still be returned).',
  ),
  'payment.failed': paymentEventData
    .extend({ failure: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }) })
    .describe('A payment was declined or could not be made; nothing was collected.'),
  'payment.settled': paymentEventData.describe(
    'A bank debit that succeeded has settled: the bank will not return it any more.',
  ),
  'payment.returned': paymentEventData
    .extend({
      returnCode: z.string(),
      /** The date it will be presented again (R01), or null when it will not be. */
      presentAgainOn: date.nullable(),
    })
    .describe('A bank debit came back after it succeeded (NACHA return code); its bills owe it again.'),
  'payment.refunded': paymentEventData
    .extend({
      refund: z.object({ refundId: id, amountCents: cents, reason: z.string() }),
      refundedCents: cents,
    })
    .describe('Some or all of a payment was refunded to the method it was paid with.'),
  'bill.created': intakeBillEventData.describe('The billing system sent a new bill (version 1).'),
  'bill.corrected': intakeBillEventData
    .extend(amountChange)
    .describe(
      'The billing system sent different content for a bill: a new version, with its new total and balance.',
    ),
  'bill.adjusted': intakeBillEventData
    .extend(amountChange)
    .describe('An adjustment changed what a bill asks for (amountChangeCents), leaving the new balance.'),
  'bill.voided': intakeBillEventData
    .extend(amountChange)
    .describe('A bill was voided: what was left on it was taken off, and it asks for nothing more.'),
  'bill.paid': billEventData
    .extend({ paymentId: id, amountCents: cents })
    .describe('A bill has nothing left to pay.'),
  'bill.reopened': billEventData
    .extend({
      paymentId: id,
      amountCents: cents,
      reason: z.enum(['payment_returned', 'payment_refunded']),
    })
    .describe('A bill owes again what a returned or refunded payment had paid.'),
  'account.created': accountEventData.describe('The billing system sent a new account.'),
  'account.updated': accountEventData.describe(
    'The billing system changed an account (its details, or the people who pay it).',
  ),
  'autopay.enrolled': autopayEventData.describe('Automatic payments were turned on for an account.'),
  'autopay.updated': autopayEventData.describe(
    'Automatic payment settings changed (which also turns paused ones back on).',
  ),
  'autopay.paused': autopayEventData
    .extend({ reason: z.enum(['hard_decline', 'repeated_failure', 'bank_returned', 'method_removed']) })
    .describe(
      'Automatic payments stopped charging until the member fixes them (a hard decline, the last retry, a returned debit).',
    ),
  'autopay.canceled': autopayEventData.describe('Automatic payments were turned off.'),
  'scheduled_payment.created': scheduledEventData.describe('A payment was scheduled for a later date.'),
  'scheduled_payment.updated': scheduledEventData.describe('A scheduled payment was changed.'),
  'scheduled_payment.canceled': scheduledEventData.describe('A scheduled payment was canceled.'),
  'scheduled_payment.finished': scheduledEventData
    .extend({
      outcome: z.enum(['paid', 'failed', 'skipped']),
      paymentId: id.nullable(),
      code: z.string().nullable(),
    })
    .describe("A scheduled payment's day came: it was paid, failed, or skipped (nothing was owed any more)."),
  'import.finished': z
    .object({
      importId: id,
      status: z.enum(['completed', 'failed']),
      counts: z.object({ total: z.number().int(), done: z.number().int(), failed: z.number().int() }),
    })
    .describe('A bulk import finished: how many records it applied and how many it refused.'),
} as const;

export type WebhookEventType = keyof typeof webhookEventSchemas;
export const webhookEventTypes = Object.keys(webhookEventSchemas) as WebhookEventType[];
export type WebhookEventData<T extends WebhookEventType> = z.input<(typeof webhookEventSchemas)[T]>;

/** Each event type's one-line description. */
export function webhookEventDescription(type: WebhookEventType): string {
  return webhookEventSchemas[type].description ?? type;
}

export function isWebhookEventType(value: string): value is WebhookEventType {
  return Object.hasOwn(webhookEventSchemas, value);
}

/**
 * The row of one event, its data checked against its type's schema (which also drops any field the
 * schema does not name, so nothing more than the schema says can reach an endpoint). For a caller that
 * writes it as part of a statement (insertRows / insertUnitRows on `webhook_events`).
 */
export function webhookEventRow<T extends WebhookEventType>(
  type: T,
  data: WebhookEventData<T>,
  opts: { accountId: string | null; at: Date },
): Insertable<WebhookEventsTable> & { payload: Record<string, unknown> } {
  const payload = webhookEventSchemas[type].parse(data) as Record<string, unknown>;
  return { id: newId(), type, account_id: opts.accountId, payload, created_at: opts.at };
}

/** Writes events inside the caller's transaction. */
export async function recordWebhookEvents(
  trx: Db,
  rows: readonly Insertable<WebhookEventsTable>[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('webhook_events')
    .values(rows.map((r) => ({ ...r, payload: JSON.stringify(r.payload) })))
    .execute();
}
