import { z } from 'zod';

const trimmed = (max: number) => z.string().trim().min(1).max(max);
export const emailAddress = z.string().trim().max(254).pipe(z.email());
/** Passwords are checked in the service (length, common list) so each rule gets its own message. */
export const newPassword = z.string().max(1024);
export const language = z.enum(['en', 'es']);
const planType = z.enum(['individual_family', 'employer_group']);

export const signInBody = z.object({
  email: emailAddress,
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

export const passwordResetBody = z.object({ email: emailAddress });
export const passwordResetView = z.object({ status: z.literal('check_email'), email: z.string() });

export const passwordResetCompletionBody = z.object({ token: trimmed(200), password: newPassword });
export const passwordResetCompletionView = z.object({ reset: z.literal(true) });

export const passwordChangeBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword,
});
export const passwordChangeView = z.object({ changed: z.literal(true) });

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
