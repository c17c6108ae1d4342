import { z } from 'zod';
import { isoDate } from '../bills/bills.schema';
import { paymentMethodView } from '../wallet/wallet.schema';

const billKind = z.enum(['premium', 'medical']);
const money = z.number().int().positive().max(100_000_000);

export const autopayBody = z.object({
  /** statement_balance: each bill's balance, on its due date or `daysBeforeDue` days before. fixed: a set amount monthly. */
  amountRule: z.enum(['statement_balance', 'fixed']),
  daysBeforeDue: z.number().int().min(0).max(15).default(0),
  fixedAmountCents: money.optional(),
  dayOfMonth: z.number().int().min(1).max(31).optional(),
  /** A charge above this waits for the member's approval. */
  maxChargeCents: money.nullable().optional(),
  /** Which bills it pays: premiums, medical bills (hospital and professional), or both. */
  billKinds: z.array(billKind).min(1).max(2),
  /** A saved method from the member's wallet. */
  paymentMethodId: z.uuid(),
  /** Required for a bank account: the member authorizes recurring debits (WEB) under this text version. */
  bankAuthorization: z
    .object({ accepted: z.literal(true), textVersion: z.string().min(1).max(40) })
    .optional(),
  /** Also text the notices to the member's confirmed mobile number. */
  notifyByText: z.boolean().default(false),
});
export type AutopayBody = z.infer<typeof autopayBody>;

export const accountIdParams = z.object({ accountId: z.uuid() });
export const autopayItemIdParams = z.object({ itemId: z.uuid() });

export const autopayEnrollmentView = z.object({
  id: z.uuid(),
  status: z.enum(['active', 'paused', 'canceled']),
  amountRule: z.enum(['statement_balance', 'fixed']),
  daysBeforeDue: z.number().int(),
  fixedAmountCents: z.number().int().nullable(),
  dayOfMonth: z.number().int().nullable(),
  maxChargeCents: z.number().int().nullable(),
  billKinds: z.array(billKind),
  /**
   * false when another member responsible for the account set it up: they alone can change or stop
   * it, and its method and authorization are theirs (null here).
   */
  setUpByYou: z.boolean(),
  /** null when the method was removed from the wallet since (autopay is then paused), or is not yours. */
  method: paymentMethodView.nullable(),
  /** The recurring debit authorization, with how to revoke it. */
  bankAuthorization: z
    .object({ textVersion: z.string(), acceptedAt: z.string(), howToRevoke: z.string() })
    .nullable(),
  notifyByText: z.boolean(),
  /** Why it is paused: repeated_failure, hard_decline, method_removed. */
  pausedReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type AutopayEnrollmentView = z.infer<typeof autopayEnrollmentView>;

export const autopayAccountView = z.object({
  accountId: z.uuid(),
  personName: z.string(),
  accountKind: z.enum(['medical', 'premium']),
  availability: z.object({
    status: z.enum(['available', 'unavailable', 'external']),
    /** unavailable: why, in the member's language. */
    explanation: z.string().nullable(),
    /** external: where to enroll instead. */
    url: z.string().nullable(),
  }),
  enrollment: autopayEnrollmentView.nullable(),
});

export type AutopayAccountView = z.infer<typeof autopayAccountView>;

export const autopayOverview = z.object({ accounts: z.array(autopayAccountView) });

export const autopayItemView = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  status: z.enum([
    'noticed',
    'needs_approval',
    'processing',
    'retrying',
    'paid',
    'failed',
    'skipped',
    'canceled',
  ]),
  chargeOn: isoDate,
  /** After a soft decline: the next try. */
  nextTryOn: isoDate.nullable(),
  amountCents: z.number().int(),
  bill: z.object({ billId: z.uuid(), number: z.string(), dueDate: isoDate }).nullable(),
  tries: z.number().int(),
  paymentId: z.uuid().nullable(),
  declineCode: z.string().nullable(),
});
export type AutopayItemView = z.infer<typeof autopayItemView>;

export const autopayItemList = z.object({ items: z.array(autopayItemView) });
