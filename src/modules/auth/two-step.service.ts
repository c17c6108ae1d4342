/** Two-step verification (TOTP, RFC 6238: 30-second steps, 6 digits) with single-use recovery codes. */
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import type { Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newSecretToken, randomBytes, sha256 } from '../../platform/ids';
import { verifyPassword } from '../../platform/passwords';
import { hitRateLimits } from '../../platform/rate-limit';
import { secretBox } from '../../platform/secrets';
import { recordAudit } from '../audit/audit.service';
import type { SecondFactorBody } from './auth.schema';
import {
  authenticateMember,
  LOCK_AFTER_FAILURES,
  LOCK_MINUTES,
  type MemberRow,
  type MemberSession,
  openSession,
  SIGN_IN_LIMIT_PER_IP,
} from './auth.service';
import * as store from './auth.store';

/** How often a password-checked sign-in's challenge may be tried. */
const CHALLENGE_ATTEMPTS = 5;

const TOTP_STEP_SECONDS = 30;
const RECOVERY_CODES = 10;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function totpKey(deps: Deps, sealed: string): Uint8Array {
  return decodeBase32IgnorePadding(secretBox(deps.config.dataEncryptionKey).open(sealed));
}

/** The step a code matches (the current one or one either side, for clock drift), or null. */
function matchingStep(deps: Deps, key: Uint8Array, code: string): number | null {
  const current = Math.floor(deps.clock.now().epochMilliseconds / 1000 / TOTP_STEP_SECONDS);
  for (const step of [current, current - 1, current + 1]) {
    if (verifyHOTP(key, BigInt(step), 6, code)) return step;
  }
  return null;
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const symbols = [...bytes].map((b) => CROCKFORD[b % 32]).join('');
  return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
}

function recoveryHash(memberId: string, code: string): string {
  return sha256(`${memberId}:${code.toUpperCase().replace(/[^0-9A-Z]/g, '')}`);
}

function twoStepFailed(): AppError {
  return new AppError('validation_failed', {
    detail: 'That code did not work. Enter the newest code from your authenticator app, or a recovery code.',
    errors: [{ field: 'code', code: 'wrong_code', message: 'Enter the 6-digit code your app shows now' }],
  });
}

/**
 * Proves the second factor of a member with two-step verification on: a current TOTP code (each
 * accepted once), or an unused recovery code (used up). False when neither matches.
 */
async function proveSecondFactor(deps: Deps, member: MemberRow, body: SecondFactorBody): Promise<boolean> {
  if (!member.totp_secret_enc) return false;
  if (body.code) {
    const step = matchingStep(deps, totpKey(deps, member.totp_secret_enc), body.code);
    return step !== null && (await store.advanceTotpStep(deps.db, member.id, step));
  }
  if (body.recoveryCode) {
    return store.spendRecoveryCode(
      deps.db,
      member.id,
      recoveryHash(member.id, body.recoveryCode),
      toDate(deps.clock.now()),
    );
  }
  return false;
}

/** Second half of a sign-in with two-step verification on: the challenge and a code open the session. */
export async function completeTwoStepSignIn(
  deps: Deps,
  body: SecondFactorBody & { challenge: string },
  ctx: RequestContext & { userAgent: string | null },
): Promise<{ sessionId: string; session: MemberSession }> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `signin:ip:${ctx.ip ?? 'unknown'}`, ...SIGN_IN_LIMIT_PER_IP },
  ]);
  const nowDate = toDate(deps.clock.now());
  const tokenHash = sha256(body.challenge);
  const challenge = await store.tryChallenge(deps.db, tokenHash, nowDate, CHALLENGE_ATTEMPTS);
  if (!challenge) {
    throw new AppError('sign_in_failed', { detail: 'Your sign-in timed out. Sign in again.' });
  }
  const member = await store.findMemberById(deps.db, challenge.member_id);
  if (!member || !(await proveSecondFactor(deps, member, body))) {
    if (member) {
      await store.recordFailedSignIn(
        deps.db,
        member.id,
        LOCK_AFTER_FAILURES,
        toDate(deps.clock.now().add({ minutes: LOCK_MINUTES })),
        nowDate,
      );
      await recordAudit(deps.db, {
        actor: { type: 'member', memberId: member.id, personId: member.person_id },
        ctx,
        action: 'member.sign_in',
        result: 'failure',
        resourceType: 'member',
        resourceId: member.id,
        detail: { reason: 'wrong_second_factor' },
      });
    }
    throw twoStepFailed();
  }
  await store.deleteChallenge(deps.db, tokenHash);
  return openSession(deps, member, challenge.plan_type, ctx, true);
}

/** Starts turning two-step verification on: a new secret, kept pending until a code proves it. */
export async function startTwoStepSetup(
  deps: Deps,
  session: MemberSession,
): Promise<{ secret: string; otpauthUri: string }> {
  const key = randomBytes(20);
  const secret = encodeBase32UpperCaseNoPadding(key);
  await store.setPendingTotp(
    deps.db,
    session.actor.memberId,
    secretBox(deps.config.dataEncryptionKey).seal(secret),
    toDate(deps.clock.now()),
  );
  return {
    secret,
    otpauthUri: createTOTPKeyURI(
      deps.config.organization.name,
      session.view.member.email,
      key,
      TOTP_STEP_SECONDS,
      6,
    ),
  };
}

/** Turns two-step verification on with a code from the new secret; returns recovery codes, shown once. */
export async function confirmTwoStep(
  deps: Deps,
  session: MemberSession,
  code: string,
  ctx: RequestContext,
): Promise<{ recoveryCodes: string[] }> {
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member?.totp_pending_secret_enc) {
    throw new AppError('validation_failed', {
      detail: 'Start setting up two-step verification again.',
      errors: [{ field: 'code', code: 'no_setup', message: 'Start again and scan the new code' }],
    });
  }
  const step = matchingStep(deps, totpKey(deps, member.totp_pending_secret_enc), code);
  if (step === null) throw twoStepFailed();
  const recoveryCodes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const now = toDate(deps.clock.now());
  await deps.db.transaction().execute(async (trx) => {
    await store.enableTotp(trx, member.id, now, step);
    await store.replaceRecoveryCodes(
      trx,
      member.id,
      recoveryCodes.map((c) => recoveryHash(member.id, c)),
    );
    await store.markSteppedUp(trx, session.idHash, now);
  });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.two_step_enabled',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
  return { recoveryCodes };
}

/** Turns two-step verification off, with the password (so a session left open is not enough). */
export async function disableTwoStep(
  deps: Deps,
  session: MemberSession,
  password: string,
  ctx: RequestContext,
): Promise<void> {
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member || !(await verifyPassword(member.password_hash, password))) {
    throw new AppError('validation_failed', {
      errors: [{ field: 'password', code: 'wrong_password', message: 'Enter your current password' }],
    });
  }
  await deps.db.transaction().execute((trx) => store.disableTotp(trx, member.id, toDate(deps.clock.now())));
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.two_step_disabled',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
}

/**
 * Proves the second factor again in a signed-in session (before wallet changes). The session gets
 * a new id, so the returned cookie value replaces the old one.
 */
export async function stepUp(
  deps: Deps,
  session: MemberSession,
  body: SecondFactorBody,
  ctx: RequestContext,
): Promise<{ sessionId: string; session: MemberSession }> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `stepup:member:${session.actor.memberId}`, limit: 10, windowSeconds: 600 },
  ]);
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member || !(await proveSecondFactor(deps, member, body))) {
    await recordAudit(deps.db, {
      actor: session.actor,
      ctx,
      action: 'member.step_up',
      result: 'failure',
      resourceType: 'member',
      resourceId: session.actor.memberId,
    });
    throw twoStepFailed();
  }
  const sessionId = newSecretToken();
  const idHash = sha256(sessionId);
  await store.rotateSession(deps.db, session.idHash, idHash, toDate(deps.clock.now()));
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.step_up',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
  return { sessionId, session: await authenticateMember(deps, sessionId) };
}
