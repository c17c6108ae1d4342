import { z } from 'zod';
import { billView, isoDate } from '../bills/bills.schema';
import { createGuestPaymentBody } from '../payments/payments.schema';

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const email = z.string().trim().max(254).pipe(z.email());
/** Passwords are checked in the service (length, common list) so each rule gets its own message. */
const password = z.string().max(1024);
const language = z.enum(['en', 'es']);
const planType = z.enum(['individual_family', 'employer_group']);

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

export const signInBody = z.object({
  email,
  password: z.string().min(1).max(1024),
  /** Where the organization has both kinds of premium accounts: which one to sign in to. */
  planType: planType.optional(),
});
export type SignInBody = z.infer<typeof signInBody>;

export const memberView = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  preferredLanguage: language,
  regionId: z.string(),
});

export const memberSessionView = z.object({
  member: memberView,
  /** Send as `X-CSRF-Token` on every request that changes something. */
  csrfToken: z.string(),
  planType: planType.nullable(),
  /** The session ends at this time unless the member does something (or asks to stay signed in). */
  idleExpiresAt: z.iso.datetime(),
  /** The session ends at this time whatever happens. */
  absoluteExpiresAt: z.iso.datetime(),
  twoStepEnabled: z.boolean(),
  /** Until when wallet changes need no new code (null: they ask for one, when two-step is on). */
  steppedUpUntil: z.iso.datetime().nullable(),
});
export type MemberSessionView = z.infer<typeof memberSessionView>;

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

export const passwordResetBody = z.object({ email });
export const passwordResetView = z.object({ status: z.literal('check_email'), email: z.string() });

export const passwordResetCompletionBody = z.object({ token: trimmed(200), password });
export const passwordResetCompletionView = z.object({ reset: z.literal(true) });

export const passwordChangeBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: password,
});
export const passwordChangeView = z.object({ changed: z.literal(true) });

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

/** The password was right and two-step verification is on: send a code with this challenge. */
export const twoStepChallengeView = z.object({
  status: z.literal('two_step_required'),
  /** Valid 5 minutes, for 5 tries. */
  challenge: z.string(),
});

const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app');
const recoveryCode = z.string().trim().min(8).max(20);

/** A second factor: a code from the authenticator app, or one of the recovery codes. */
export const secondFactorBody = z.object({ code: code.optional(), recoveryCode: recoveryCode.optional() });
export type SecondFactorBody = z.infer<typeof secondFactorBody>;

export const twoStepSignInBody = secondFactorBody.extend({ challenge: trimmed(200) });

export const twoStepSetupView = z.object({
  /** Base32, for typing into an authenticator app. */
  secret: z.string(),
  /** otpauth:// URI, for a QR code. */
  otpauthUri: z.string(),
});

export const twoStepConfirmBody = z.object({ code });
export const recoveryCodesView = z.object({
  /** Shown once: each works once instead of a code. */
  recoveryCodes: z.array(z.string()),
});

export const twoStepDisableBody = z.object({ password: z.string().min(1).max(1024) });

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
