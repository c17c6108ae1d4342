import { z } from 'zod';

export const paymentMethodView = z.object({
  id: z.uuid(),
  kind: z.enum(['card', 'bank']),
  nickname: z.string().nullable(),
  brand: z.string().nullable(),
  last4: z.string(),
  expMonth: z.number().int().nullable(),
  expYear: z.number().int().nullable(),
  bankAccountType: z.enum(['checking', 'savings']).nullable(),
  holderName: z.string().nullable(),
  isDefault: z.boolean(),
  /** The card expires within 60 days: ask for a new one before payments start failing. */
  expiresSoon: z.boolean(),
  expired: z.boolean(),
  /** A bank account whose debit came back closed, unknown or unauthorized: not debited again until authorized again. */
  blocked: z.boolean(),
});
export type PaymentMethodView = z.infer<typeof paymentMethodView>;

export const walletView = z.object({ methods: z.array(paymentMethodView) });

const nickname = z.string().trim().min(1).max(40);

export const addPaymentMethodBody = z.object({
  /** Token from the processor's tokenization endpoint; never a card or bank number. */
  paymentToken: z.string().min(1).max(200),
  nickname: nickname.optional(),
  makeDefault: z.boolean().default(false),
});
export type AddPaymentMethodBody = z.infer<typeof addPaymentMethodBody>;

export const updatePaymentMethodBody = z.object({
  nickname: nickname.nullable().optional(),
  makeDefault: z.literal(true).optional(),
});
export type UpdatePaymentMethodBody = z.infer<typeof updatePaymentMethodBody>;

export const methodIdParams = z.object({ methodId: z.uuid() });
