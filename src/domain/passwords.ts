/**
 * Password rules after NIST SP 800-63B rev. 4: length, not composition. At least 15 characters
 * for a password that is the only factor, 8 when two-step verification is on; long passphrases
 * (at least 64 characters) are welcome; any characters, spaces included; no rules about digits or
 * symbols; never one of the most common passwords, nor the email address itself.
 */
export const MIN_LENGTH_SINGLE_FACTOR = 15;
export const MIN_LENGTH_WITH_TWO_STEP = 8;
export const MAX_LENGTH = 1024;

export type PasswordProblem = 'too_short' | 'too_long' | 'too_common' | 'same_as_email';

/** Counts characters as people see them (a surrogate pair or an accented letter is one). */
export function passwordLength(password: string): number {
  return [...password.normalize('NFC')].length;
}

export function checkPassword(
  password: string,
  context: { twoStep: boolean; email: string; isCommon: (candidate: string) => boolean },
): PasswordProblem | null {
  const min = context.twoStep ? MIN_LENGTH_WITH_TWO_STEP : MIN_LENGTH_SINGLE_FACTOR;
  const length = passwordLength(password);
  if (length < min) return 'too_short';
  if (length > MAX_LENGTH) return 'too_long';
  const lowered = password.normalize('NFC').toLowerCase();
  if (context.isCommon(lowered)) return 'too_common';
  if (lowered === context.email.trim().toLowerCase()) return 'same_as_email';
  return null;
}
