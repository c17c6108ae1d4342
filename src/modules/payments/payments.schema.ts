import { z } from 'zod';
import { isoDate } from '../bills/bills.schema';

export const paymentStatus = z.enum([
  'pending',
  'processing',
  'succeeded',
  'failed',
  'unknown',
  'refunded',
  'partially_refunded',
  'returned',
]);

export const declineCode = z.enum([
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'invalid_account',
]);

export const createGuestPaymentBody = z.object({
  billIds: z.array(z.uuid()).min(1).max(50),
  /** Integer cents: at least $1 (or the whole balance if less), at most the selected balance. */
  amountCents: z.number().int().positive().max(100_000_000),
  /** Token from the processor's tokenization endpoint; never a card or bank number. */
  paymentToken: z.string().min(1).max(200),
  /** Receipt goes here when given. */
  email: z.email().max(254).optional(),
  /** Required for bank payments: the payer accepted the debit authorization text of this version. */
  bankAuthorization: z
    .object({ accepted: z.literal(true), textVersion: z.string().min(1).max(40) })
    .optional(),
  locale: z.enum(['en', 'es']).default('en'),
});
export type CreateGuestPaymentBody = z.infer<typeof createGuestPaymentBody>;

export const paymentView = z.object({
  id: z.uuid(),
  confirmationNumber: z.string(),
  status: paymentStatus,
  amountCents: z.number().int(),
  currency: z.string(),
  method: z.object({
    type: z.enum(['card', 'bank']),
    brand: z.string().nullable(),
    last4: z.string(),
    bankAccountType: z.enum(['checking', 'savings']).nullable(),
  }),
  createdAt: z.iso.datetime(),
  /** Calendar date of the payment in the account's region. */
  paidOn: isoDate,
  bills: z.array(
    z.object({
      billId: z.uuid(),
      number: z.string(),
      kind: z.enum(['hospital', 'professional', 'premium']),
      amountCents: z.number().int(),
    }),
  ),
  receiptEmail: z.string().nullable(),
  failure: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).nullable(),
});
export type PaymentView = z.infer<typeof paymentView>;

export const paymentIdParams = z.object({ paymentId: z.uuid() });

export const receiptEmailBody = z.object({
  email: z.email().max(254),
  locale: z.enum(['en', 'es']).default('en'),
});

export const receiptEmailView = z.object({ queued: z.literal(true), to: z.string() });
