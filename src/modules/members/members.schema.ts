import { z } from 'zod';
import { emailAddress as email, language, memberView, newPassword as password } from '../auth/auth.schema';
import { billView, isoDate } from '../bills/bills.schema';
import { createGuestPaymentBody } from '../payments/payments.schema';

// The sign-in, session, password and two-step contracts moved to the auth module; the web still imports
// their types from here.

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const registrationBody = z.object({
  language,
  firstName: trimmed(80),
  lastName: trimmed(80),
  birthDate: isoDate,
  regionId: trimmed(40),
  medicalRecordNumber: trimmed(20).describe('Medical record number (MRN) printed on the member ID card'),
  email,
  password,
  acceptTerms: z.literal(true),
});
export type RegistrationBody = z.infer<typeof registrationBody>;

/**
 * The same answer whether or not the details matched a member, or the member was already
 * registered: check your email.
 */
export const registrationView = z.object({ status: z.literal('check_email'), email: z.string() });

export const emailVerificationBody = z.object({ token: trimmed(200) });
export const emailVerificationView = z.object({ verified: z.literal(true) });

export const billSummary = z.object({
  id: z.uuid(),
  kind: z.enum(['hospital', 'professional', 'premium']),
  number: z.string(),
  patientName: z.string(),
  provider: z.string().nullable(),
  visitDate: isoDate.nullable(),
  coverageStart: isoDate.nullable(),
  coverageEnd: isoDate.nullable(),
  statementDate: isoDate,
  dueDate: isoDate,
  amountCents: z.number().int(),
  balanceCents: z.number().int(),
  status: z.enum(['open', 'paid', 'void']),
  paymentInProgress: z.boolean(),
});
export type BillSummary = z.infer<typeof billSummary>;

export const paymentSummary = z.object({
  id: z.uuid(),
  confirmationNumber: z.string(),
  status: z.enum([
    'pending',
    'processing',
    'succeeded',
    'failed',
    'unknown',
    'refunded',
    'partially_refunded',
    'returned',
  ]),
  amountCents: z.number().int(),
  paidOn: isoDate,
  method: z.object({
    type: z.enum(['card', 'bank']),
    brand: z.string().nullable(),
    last4: z.string(),
  }),
  bills: z.array(z.object({ billId: z.uuid(), number: z.string() })),
});

export const dashboardView = z.object({
  member: memberView,
  /** Everything open on every account the member is responsible for. */
  totalDueCents: z.number().int(),
  nextDueDate: isoDate.nullable(),
  /** Open bills grouped by the person they are for (the member first, then the people they pay for). */
  people: z.array(
    z.object({
      personId: z.uuid(),
      name: z.string(),
      isMember: z.boolean(),
      totalDueCents: z.number().int(),
      bills: z.array(billSummary),
    }),
  ),
  recentPayments: z.array(paymentSummary),
  /** Bank debits returned for insufficient funds that will be presented to the bank again. */
  bankRetries: z.array(
    z.object({
      id: z.uuid(),
      amountCents: z.number().int(),
      /** The day the bank is asked again (region's calendar). */
      presentOn: isoDate,
      /** The bank account it is taken from. */
      method: z.object({ type: z.literal('bank'), brand: z.null(), last4: z.string() }),
    }),
  ),
  recentBills: z.array(billSummary),
  /** Money on the accounts that is owed back to the member (overpayments, refunds pending). */
  creditsCents: z.number().int(),
});
export type DashboardView = z.infer<typeof dashboardView>;

export const memberBillsQuery = z.object({
  status: z.enum(['open', 'paid', 'all']).default('all'),
  kind: z.enum(['hospital', 'professional', 'premium']).optional(),
  /** Statement dates from (inclusive). */
  from: isoDate.optional(),
  /** Statement dates to (inclusive). */
  to: isoDate.optional(),
  /** From the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type MemberBillsQuery = z.infer<typeof memberBillsQuery>;

export const memberBillListItem = billSummary.extend({
  /** Who the bill is for (the member, or someone they pay for). */
  personName: z.string(),
});

export const memberBillsView = z.object({
  /** Newest statement first. */
  bills: z.array(memberBillListItem),
  nextCursor: z.string().nullable(),
});

export const billIdParams = z.object({ billId: z.uuid() });

export const memberBillDetailView = billView.extend({
  personName: z.string(),
  /** Masked, e.g. "••••4821". */
  maskedAccountNumber: z.string(),
  payments: z.array(
    z.object({
      paymentId: z.uuid(),
      confirmationNumber: z.string(),
      paidOn: isoDate,
      amountCents: z.number().int(),
      method: z.object({ type: z.enum(['card', 'bank']), brand: z.string().nullable(), last4: z.string() }),
    }),
  ),
});
export type MemberBillDetailView = z.infer<typeof memberBillDetailView>;

/** A member pays with a new method (a processor token, optionally saved) or one from their wallet. */
export const memberPaymentBody = createGuestPaymentBody.extend({
  /** A new method: the token from the processor's tokenization endpoint. */
  paymentToken: z.string().min(1).max(200).optional(),
  /** A saved method from the member's wallet (instead of `paymentToken`). */
  paymentMethodId: z.uuid().optional(),
  /** Save the new method to the wallet once the payment succeeds. */
  saveMethod: z.object({ nickname: z.string().trim().min(1).max(40).optional() }).optional(),
});
export type MemberPaymentBody = z.infer<typeof memberPaymentBody>;

export const mailingAddress = z.object({
  line1: trimmed(100),
  line2: z.string().trim().max(100).nullable().default(null),
  city: trimmed(60),
  state: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'Use the 2-letter state code')
    .transform((v) => v.toUpperCase()),
  postalCode: z
    .string()
    .trim()
    .regex(/^\d{5}(-\d{4})?$/, 'Enter a 5-digit ZIP code'),
});

export const profileView = z.object({
  email: z.string(),
  /** An address the member asked to change to, waiting for its confirmation link. */
  pendingEmail: z.string().nullable(),
  mobile: z.object({ number: z.string(), verified: z.boolean() }).nullable(),
  preferredLanguage: language,
  mailingAddress: z
    .object({
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      state: z.string(),
      postalCode: z.string(),
    })
    .nullable(),
});
export type ProfileView = z.infer<typeof profileView>;

export const profileUpdateBody = z.object({
  preferredLanguage: language.optional(),
  mailingAddress: mailingAddress.nullable().optional(),
  /** US mobile number, 10 digits (formatting ignored); null removes it. */
  mobileNumber: z.string().trim().max(30).nullable().optional(),
});
export type ProfileUpdateBody = z.infer<typeof profileUpdateBody>;

export const emailChangeBody = z.object({ email });

export const mobileVerifyBody = z.object({
  /** The 6-digit code texted to the number; a space in the middle is allowed. */
  code: z
    .string()
    .trim()
    .regex(/^\d{3} ?\d{3}$/, 'Enter the 6-digit code from the text'),
});
