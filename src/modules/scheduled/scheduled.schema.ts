import { z } from 'zod';
import { isoDate } from '../bills/bills.schema';
import { paymentMethodView } from '../wallet/wallet.schema';

export const scheduledPaymentStatus = z.enum([
  'scheduled',
  'processing',
  'paid',
  'failed',
  'skipped',
  'canceled',
]);

const bankAuthorization = z.object({ accepted: z.literal(true), textVersion: z.string().min(1).max(40) });

export const createScheduledPaymentBody = z.object({
  billIds: z.array(z.uuid()).min(1).max(50),
  /** Integer cents: at least $1 (or the whole balance if less), at most the selected balance today. */
  amountCents: z.number().int().positive().max(100_000_000),
  /** A saved method from the member's wallet: a one-time token would be gone by the payment date. */
  paymentMethodId: z.uuid(),
  /** The date to pay, in the account's region: from tomorrow to the earliest due date (at most 90 days). */
  payOn: isoDate,
  /** Required for a bank account: the member authorizes this future debit (WEB). */
  bankAuthorization: bankAuthorization.optional(),
});
export type CreateScheduledPaymentBody = z.infer<typeof createScheduledPaymentBody>;

export const updateScheduledPaymentBody = z
  .object({
    amountCents: z.number().int().positive().max(100_000_000).optional(),
    paymentMethodId: z.uuid().optional(),
    payOn: isoDate.optional(),
    bankAuthorization: bankAuthorization.optional(),
  })
  .refine((b) => b.amountCents !== undefined || b.paymentMethodId !== undefined || b.payOn !== undefined, {
    message: 'Change the amount, the date or the payment method',
  });
export type UpdateScheduledPaymentBody = z.infer<typeof updateScheduledPaymentBody>;

export const scheduledPaymentIdParams = z.object({ scheduledPaymentId: z.uuid() });

export const scheduledPaymentView = z.object({
  id: z.uuid(),
  status: scheduledPaymentStatus,
  payOn: isoDate,
  amountCents: z.number().int(),
  bills: z.array(
    z.object({
      billId: z.uuid(),
      number: z.string(),
      kind: z.enum(['hospital', 'professional', 'premium']),
      patientName: z.string(),
      dueDate: isoDate,
      balanceCents: z.number().int(),
    }),
  ),
  /** The saved method it pays with; null when it was removed from the wallet since. */
  method: paymentMethodView.nullable(),
  /** Until when it can be changed or cancelled (8 pm local the evening before); null once it cannot. */
  changeableUntil: z.iso.datetime().nullable(),
  /** The payment it made, once it ran. */
  paymentId: z.uuid().nullable(),
  /** Why a run failed or charged nothing, in plain words. */
  outcome: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
});
export type ScheduledPaymentView = z.infer<typeof scheduledPaymentView>;

export const scheduledPaymentListView = z.object({ scheduledPayments: z.array(scheduledPaymentView) });
