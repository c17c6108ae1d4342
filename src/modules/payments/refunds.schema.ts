import { z } from 'zod';
import { REFUND_NOTE_MAX, REFUND_REASONS } from '../../domain/refunds';
import { paymentStatus } from './payments.schema';

export const refundReason = z
  .enum(REFUND_REASONS)
  .describe('Why the money is given back (Stripe’s reasons, with billing_error and other besides)');

export const refundStatus = z
  .enum(['pending', 'succeeded', 'failed', 'unknown'])
  .describe(
    'pending: recorded, the processor still working on it (a bank refund takes days); unknown: the ' +
      'processor’s answer was lost and is being asked for again; succeeded and failed are final',
  );

export const createRefundBody = z
  .object({
    amountCents: z
      .number()
      .int()
      .positive()
      .max(100_000_000)
      .describe('Integer cents, at most what was paid less what is refunded or being refunded'),
    reason: refundReason,
    note: z
      .string()
      .max(REFUND_NOTE_MAX)
      .optional()
      .describe('Free text kept with the refund for your records; never sent to the payer'),
  })
  .meta({ examples: [{ amountCents: 5000, reason: 'billing_error', note: 'Lab line billed twice' }] });
export type CreateRefundBody = z.infer<typeof createRefundBody>;

export const refundView = z.object({
  id: z.uuid(),
  paymentId: z.uuid(),
  amountCents: z.number().int(),
  currency: z.string(),
  reason: refundReason,
  note: z.string().nullable(),
  status: refundStatus,
  destination: z
    .enum(['original_method', 'account_credit'])
    .describe(
      'original_method: back to the card or bank account through the processor, the bills owing it again; ' +
        'account_credit: kept as a credit on the account (the organization’s setting)',
    ),
  processorRefundId: z.string().nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The bills a refund to the original method opened again, once it succeeded, latest due first. */
  bills: z.array(z.object({ billId: z.uuid(), number: z.string(), amountCents: z.number().int() })),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
});
export type RefundView = z.infer<typeof refundView>;

/** Where a payment stands with its refunds. */
export const paymentRefundTotals = z.object({
  id: z.uuid(),
  status: paymentStatus,
  amountCents: z.number().int(),
  /** Refunds that succeeded. */
  refundedCents: z.number().int(),
  /** What can still be refunded: the amount less refunds that succeeded or are under way. */
  refundableCents: z.number().int(),
});
export type PaymentRefundTotals = z.infer<typeof paymentRefundTotals>;

export const createdRefundView = refundView.extend({ payment: paymentRefundTotals });
export type CreatedRefundView = z.infer<typeof createdRefundView>;

export const refundListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** The `nextCursor` of the page before. */
  cursor: z.uuid().optional(),
});

export const refundList = z.object({
  payment: paymentRefundTotals,
  /** Oldest first. */
  data: z.array(refundView),
  nextCursor: z.uuid().nullable(),
});
export type RefundList = z.infer<typeof refundList>;
