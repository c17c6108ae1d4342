/** Passwords: the rules a new one must meet, a reset by emailed link, and a change by the signed-in member. */
import type { Deps, RequestContext } from '../../deps';
import {
  checkPassword,
  MIN_LENGTH_SINGLE_FACTOR,
  MIN_LENGTH_WITH_TWO_STEP,
  type PasswordProblem,
} from '../../domain/passwords';
import { AppError, type FieldError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { sha256 } from '../../platform/ids';
import { passwordChangedMessage, resetPasswordMessage } from '../../platform/member-emails';
import { hashPassword, isCommonPassword, verifyPassword } from '../../platform/passwords';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import {
  issueMemberToken,
  regionPhone,
  registrationLapsed,
  sendMemberEmail,
} from '../members/contact.service';
import { type MemberSession, sessionEnded } from './auth.service';
import * as store from './auth.store';

const VERIFY_LIMIT_PER_IP = { limit: 30, windowSeconds: 600 };

const passwordMessages: Record<PasswordProblem, string> = {
  too_short: `Enter a password of at least ${MIN_LENGTH_SINGLE_FACTOR} characters`,
  too_long: 'Enter a password of at most 1,024 characters',
  too_common: 'This password is one of the most common ones. Choose one that is harder to guess',
  same_as_email: 'Your password cannot be your email address',
};

/** The first rule a new password breaks, as a field error, or null when it meets them all. */
export function passwordError(password: string, email: string, twoStep = false): FieldError | null {
  const problem = checkPassword(password, { twoStep, email, isCommon: isCommonPassword });
  if (!problem) return null;
  const message =
    problem === 'too_short'
      ? `Enter a password of at least ${twoStep ? MIN_LENGTH_WITH_TWO_STEP : MIN_LENGTH_SINGLE_FACTOR} characters`
      : passwordMessages[problem];
  return { field: 'password', code: problem, message };
}

const RESET_LINK_MINUTES = 60;
const RESET_LIMIT_PER_IP = { limit: 10, windowSeconds: 3600 };
const RESET_LIMIT_PER_EMAIL = { limit: 3, windowSeconds: 3600 };

async function tellPasswordChanged(
  deps: Deps,
  db: Db,
  member: { email: string; preferred_language: 'en' | 'es'; first_name: string; region_id: string },
): Promise<void> {
  const email = passwordChangedMessage({
    locale: member.preferred_language,
    organizationName: deps.config.organization.name,
    firstName: member.first_name,
    supportPhone: regionPhone(deps, member.region_id),
  });
  await sendMemberEmail(db, 'member_password_changed', member.email, email, toDate(deps.clock.now()));
}

/**
 * Emails a single-use link (1 hour) to choose a new password. The answer is the same whether the
 * address belongs to a member or not.
 */
export async function requestPasswordReset(
  deps: Deps,
  emailAddress: string,
  ctx: RequestContext,
): Promise<{ status: 'check_email'; email: string }> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `reset:ip:${ctx.ip ?? 'unknown'}`, ...RESET_LIMIT_PER_IP },
    { bucket: `reset:email:${sha256(emailAddress.toLowerCase())}`, ...RESET_LIMIT_PER_EMAIL },
  ]);
  const found = await store.findMemberByEmail(deps.db, emailAddress);
  // A lapsed registration gets no link: the link would confirm the address and revive it.
  const member = found && !registrationLapsed(deps, found) ? found : undefined;
  if (member) {
    const now = deps.clock.now();
    await deps.db.transaction().execute(async (trx) => {
      const token = await issueMemberToken(trx, {
        memberId: member.id,
        purpose: 'reset_password',
        now: toDate(now),
        expiresAt: toDate(now.add({ minutes: RESET_LINK_MINUTES })),
      });
      const email = resetPasswordMessage({
        locale: member.preferred_language,
        organizationName: deps.config.organization.name,
        firstName: member.first_name,
        url: `${deps.config.publicUrl}/reset-password?token=${token}`,
        supportPhone: regionPhone(deps, member.region_id),
      });
      await sendMemberEmail(trx, 'member_reset_password', member.email, email, toDate(now));
    });
  }
  await recordAudit(deps.db, {
    actor: member
      ? { type: 'member', memberId: member.id, personId: member.person_id }
      : { type: 'system', name: 'password-reset' },
    ctx,
    action: 'member.password_reset_requested',
    result: member ? 'success' : 'failure',
    ...(member ? { resourceType: 'member', resourceId: member.id } : {}),
  });
  return { status: 'check_email', email: emailAddress };
}

/**
 * Sets a new password with an emailed reset link. Every session of the member ends (whoever had the
 * old password is out), so does every other reset link, a lock is lifted, and the email address
 * counts as confirmed.
 */
export async function completePasswordReset(
  deps: Deps,
  token: string,
  password: string,
  ctx: RequestContext,
): Promise<void> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `verify:ip:${ctx.ip ?? 'unknown'}`, ...VERIFY_LIMIT_PER_IP },
  ]);
  const tokenHash = sha256(token);
  const now = toDate(deps.clock.now());
  // Check the new password against the member before using the link, so a refused password can be retried.
  const pending = await store.findLiveResetToken(deps.db, tokenHash, now);
  const member = pending ? await store.findMemberById(deps.db, pending.member_id) : undefined;
  if (!member) {
    throw new AppError('token_invalid', {
      detail: 'This link has expired or was already used. Ask for a new one.',
    });
  }
  const weak = passwordError(password, member.email, member.totp_enabled_at !== null);
  if (weak) throw new AppError('validation_failed', { errors: [weak] });
  const passwordHash = await hashPassword(password);
  const done = await deps.db.transaction().execute(async (trx) => {
    const used = await store.consumeResetToken(trx, tokenHash, now);
    if (!used) return false;
    await store.setPassword(trx, member.id, passwordHash, now);
    await store.markEmailVerified(trx, member.id, now);
    // Any other link still in a mailbox would set the password again: end them with this one.
    await store.endResetTokens(trx, member.id, now);
    await store.deleteOtherSessions(trx, member.id, null);
    await tellPasswordChanged(deps, trx, member);
    return true;
  });
  if (!done)
    throw new AppError('token_invalid', { detail: 'This link was already used. Ask for a new one.' });
  await recordAudit(deps.db, {
    actor: { type: 'member', memberId: member.id, personId: member.person_id },
    ctx,
    action: 'member.password_reset',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
}

/** Changes the password of a member who knows the current one; their other sessions and reset links end. */
export async function changePassword(
  deps: Deps,
  session: MemberSession,
  body: { currentPassword: string; newPassword: string },
  ctx: RequestContext,
): Promise<void> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `password:member:${session.actor.memberId}`, limit: 10, windowSeconds: 600 },
  ]);
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member) throw sessionEnded();
  if (!(await verifyPassword(member.password_hash, body.currentPassword))) {
    await recordAudit(deps.db, {
      actor: session.actor,
      ctx,
      action: 'member.password_change',
      result: 'failure',
      resourceType: 'member',
      resourceId: member.id,
    });
    throw new AppError('validation_failed', {
      errors: [{ field: 'currentPassword', code: 'wrong_password', message: 'Enter your current password' }],
    });
  }
  const weak = passwordError(body.newPassword, member.email, member.totp_enabled_at !== null);
  if (weak) throw new AppError('validation_failed', { errors: [{ ...weak, field: 'newPassword' }] });
  const passwordHash = await hashPassword(body.newPassword);
  const now = toDate(deps.clock.now());
  await deps.db.transaction().execute(async (trx) => {
    await store.setPassword(trx, member.id, passwordHash, now);
    await store.endResetTokens(trx, member.id, now);
    await store.deleteOtherSessions(trx, member.id, session.idHash);
    await tellPasswordChanged(deps, trx, member);
  });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.password_change',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
}
