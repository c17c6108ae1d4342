/**
 * The processor's events inbox (decision 0040).
 *
 * 1. Receiving: `/webhooks/stripe` verifies the `Stripe-Signature` with the SDK's own
 *    `webhooks.constructEvent` (the webhook secret, a 300 s tolerance on the signed timestamp) and
 *    stores the event by its id, once (`on conflict do nothing`: Stripe sends an event again until it
 *    gets a 2xx, and a replay stores nothing new). Nothing else happens in the request.
 * 2. Looking at them: the worker claims events still `received` (FOR UPDATE SKIP LOCKED) and marks
 *    those of types Settle does not act on `ignored`, with the reason. Events about payments, refunds
 *    and disputes stay `received` until the applying of them is built; one about a payment Settle does
 *    not know is counted and logged by event id and type (never its payload) and looked at again
 *    later, with a growing pause: it is never dropped.
 */
import Stripe from 'stripe';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { findUnstorable } from '../../http/input';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';

/** How old a signed timestamp may be, in seconds (Stripe's own default). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * Event types that move a payment, a refund or a dispute: Settle will apply these (issue 15), so they
 * are kept `received` until then. Every other type is marked `ignored`.
 */
export const PAYMENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'payment_intent.canceled',
  'payment_intent.requires_action',
  'charge.succeeded',
  'charge.failed',
  'charge.refunded',
  'charge.refund.updated',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
]);

/** What Settle needs of a Stripe event; the rest is kept as it came. */
const eventShape = z.object({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

function signatureProblem(detail: string): AppError {
  return new AppError('webhook_signature_invalid', {
    detail,
    errors: [{ field: 'Stripe-Signature', code: 'invalid_signature', message: detail }],
  });
}

/** The SDK's reason, in our words (its messages name no secret, but carry hints we do not repeat). */
function signatureDetail(message: string): string {
  if (message.includes('tolerance')) {
    return `The signed timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds old`;
  }
  if (message.includes('No stripe-signature header')) return 'The Stripe-Signature header is missing';
  if (message.includes('No webhook payload')) return 'The body is empty';
  if (message.includes('Unable to extract') || message.includes('expected scheme')) {
    return 'The Stripe-Signature header is not of the form t=…,v1=…';
  }
  return 'No signature in Stripe-Signature matches this body and the webhook secret';
}

export interface Received {
  id: string;
  type: string;
  /** False when the event was stored before (a replay). */
  stored: boolean;
}

/**
 * Verifies and stores one event sent to /webhooks/stripe. A missing, malformed, wrong or stale
 * signature is `webhook_signature_invalid`; a signed body that is not an event is `validation_failed`;
 * either way nothing is stored.
 */
export async function receiveStripeEvent(
  deps: Deps,
  raw: Buffer | undefined,
  header: string | undefined,
): Promise<Received> {
  const secret = deps.config.stripe?.webhookSecret;
  if (!secret) throw new AppError('not_found');
  if (!header) throw signatureProblem('The Stripe-Signature header is missing');
  if (!raw || raw.length === 0) throw signatureProblem('The body is empty');
  let parsed: unknown;
  try {
    const now = deps.clock.now().epochMilliseconds;
    parsed = Stripe.webhooks.constructEvent(raw, header, secret, SIGNATURE_TOLERANCE_SECONDS, undefined, now);
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw signatureProblem(signatureDetail(err.message));
    }
    // Signed, but not JSON (the SDK parses after verifying).
    throw new AppError('validation_failed', {
      detail: 'The body is not JSON',
      errors: [{ field: '(body)', code: 'invalid_json', message: 'The body is not JSON' }],
    });
  }
  const event = eventShape.safeParse(parsed);
  if (!event.success) {
    throw new AppError('validation_failed', {
      detail: 'The body is not a Stripe event',
      errors: event.error.issues.slice(0, 20).map((issue) => ({
        field: issue.path.join('.') || '(body)',
        code: 'invalid',
        message: issue.message,
      })),
    });
  }
  // jsonb cannot hold NUL or lone surrogates: refused here rather than failing in the insert.
  const unstorable = findUnstorable(parsed);
  if (unstorable.length > 0) {
    throw new AppError('validation_failed', {
      detail: 'Some characters cannot be stored',
      errors: unstorable,
    });
  }
  const now = toDate(deps.clock.now());
  const { id, type, created } = event.data;
  const inserted = await deps.db
    .insertInto('processor_events')
    .values({
      id,
      processor: 'stripe',
      type,
      created: new Date(created * 1000),
      received_at: now,
      payload: JSON.stringify(parsed),
      status: 'received',
      next_attempt_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return { id, type, stored: inserted !== undefined };
}

/** The PaymentIntent an event's object belongs to (Stripe's id for a Settle payment), if it says. */
export function paymentIntentOf(object: Record<string, unknown>): string | null {
  if (object.object === 'payment_intent' && typeof object.id === 'string') return object.id;
  const pi = object.payment_intent;
  if (typeof pi === 'string') return pi;
  if (pi && typeof pi === 'object' && 'id' in pi && typeof pi.id === 'string') return pi.id;
  return null;
}

/** The pause before a waiting event is looked at again: 1, 2, 4 … minutes, at most an hour. */
function pauseMs(attempts: number): number {
  return Math.min(60, 2 ** Math.min(attempts - 1, 6)) * 60_000;
}

export interface ProcessorEventsPass {
  ignored: number;
  /** About a payment Settle does not know: kept, reported, looked at again later. */
  unknownPayment: number;
  /** About a known payment: kept until applying them is built. */
  waiting: number;
}

async function claimWaiting(db: Db, now: Date, limit: number) {
  // processor_events_waiting_idx
  return db
    .selectFrom('processor_events')
    .select(['id', 'type', 'attempts', 'payload'])
    .where('status', '=', 'received')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * One pass over the inbox: claims waiting events a batch at a time (FOR UPDATE SKIP LOCKED, so two
 * workers never look at one event together) and decides on each in the claiming transaction.
 */
export async function applyProcessorEvents(
  deps: Deps,
  opts: { batch?: number; maxBatches?: number } = {},
): Promise<ProcessorEventsPass> {
  const batch = opts.batch ?? 100;
  const pass: ProcessorEventsPass = { ignored: 0, unknownPayment: 0, waiting: 0 };
  for (let i = 0; i < (opts.maxBatches ?? 10); i++) {
    const now = toDate(deps.clock.now());
    const claimed = await deps.db.transaction().execute(async (trx) => {
      const events = await claimWaiting(trx, now, batch);
      for (const event of events) {
        const attempts = event.attempts + 1;
        if (!PAYMENT_EVENT_TYPES.has(event.type)) {
          await trx
            .updateTable('processor_events')
            .set({ status: 'ignored', attempts, error: `Settle does not act on ${event.type} events` })
            .where('id', '=', event.id)
            .execute();
          pass.ignored++;
          deps.metrics?.processorEvents.inc({ outcome: 'ignored' });
          continue;
        }
        const data = event.payload.data;
        const object = data && typeof data === 'object' && 'object' in data ? data.object : null;
        const intent =
          object && typeof object === 'object' ? paymentIntentOf(object as Record<string, unknown>) : null;
        const payment = intent
          ? await trx
              .selectFrom('payments')
              .select('id')
              .where('processor', '=', 'stripe')
              .where('processor_charge_id', '=', intent)
              .executeTakeFirst()
          : undefined;
        const known = payment !== undefined;
        await trx
          .updateTable('processor_events')
          .set({
            attempts,
            next_attempt_at: new Date(now.getTime() + pauseMs(attempts)),
            error: known
              ? 'Not applied yet: applying Stripe events is not built yet'
              : 'No Settle payment for this event',
          })
          .where('id', '=', event.id)
          .execute();
        if (known) {
          pass.waiting++;
          deps.metrics?.processorEvents.inc({ outcome: 'waiting' });
        } else {
          pass.unknownPayment++;
          deps.metrics?.processorEvents.inc({ outcome: 'unknown_payment' });
          // The event id and type only: the payload (names, amounts, card details) is never logged.
          deps.logger.warn(
            { eventId: event.id, eventType: event.type, attempts },
            'processor event for an unknown payment kept in the inbox',
          );
        }
      }
      return events.length;
    });
    if (claimed < batch) break;
  }
  return pass;
}
