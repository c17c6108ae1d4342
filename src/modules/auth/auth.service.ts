/** Signing in and out: passwords checked against the pause after wrong tries, and server-side sessions. */
import { timingSafeEqual } from 'node:crypto';
import type { PlanType } from '../../db/schema';
import type { Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newSecretToken, sha256 } from '../../platform/ids';
import { signInPausedMessage } from '../../platform/member-emails';
import { decoyPasswordHash, verifyPassword } from '../../platform/passwords';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import {
  queueVerificationEmail,
  regionPhone,
  registrationLapsed,
  sendMemberEmail,
} from '../members/contact.service';
import type { MemberSessionView, SignInBody } from './auth.schema';
import * as store from './auth.store';

/** NIST SP 800-63B: re-authenticate after 30 minutes idle and 12 hours in all. */
export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;
export const LOCK_AFTER_FAILURES = 10;
export const LOCK_MINUTES = 30;
export const SIGN_IN_LIMIT_PER_IP = { limit: 30, windowSeconds: 600 };
const SIGN_IN_LIMIT_PER_EMAIL = { limit: 20, windowSeconds: 600 };

export type MemberActor = { type: 'member'; memberId: string; personId: string };

export type SignInResult =
  | { kind: 'session'; sessionId: string; session: MemberSession }
  /** The password was right and two-step verification is on: prove the second factor with this. */
  | { kind: 'two_step'; challenge: string };

/** How long a password-checked sign-in waits for its second factor. */
const CHALLENGE_MINUTES = 5;
/** A proof of the second factor lets a session change the wallet for this long. */
export const STEP_UP_MINUTES = 10;

export interface MemberSession {
  actor: MemberActor;
  idHash: string;
  csrfToken: string;
  view: MemberSessionView;
}

function signInFailed(): AppError {
  return new AppError('sign_in_failed', {
    detail:
      'Check your email address and password and try again. After 10 wrong tries in a row, ' +
      `sign-in is paused for ${LOCK_MINUTES} minutes.`,
    errors: [{ field: 'password', code: 'sign_in_failed', message: 'Check your email address and password' }],
  });
}

/**
 * Signs a member in with email and password and opens a new server-side session (a new id every
 * time). Unknown email, wrong password and a locked account get the same answer after the same
 * password check; the 10th wrong password in a row locks sign-in for 30 minutes and tells the member.
 */
export async function signIn(
  deps: Deps,
  body: SignInBody,
  ctx: RequestContext & { userAgent: string | null },
): Promise<SignInResult> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `signin:ip:${ctx.ip ?? 'unknown'}`, ...SIGN_IN_LIMIT_PER_IP },
    { bucket: `signin:email:${sha256(body.email.toLowerCase())}`, ...SIGN_IN_LIMIT_PER_EMAIL },
  ]);
  const now = deps.clock.now();
  const nowDate = toDate(now);
  const member = await store.findMemberByEmail(deps.db, body.email);
  const failure = async (reason: string, memberId: string | null) => {
    await recordAudit(deps.db, {
      actor: memberId
        ? { type: 'member', memberId, personId: member?.person_id ?? '' }
        : { type: 'system', name: 'sign-in' },
      ctx,
      action: 'member.sign_in',
      result: 'failure',
      resourceType: 'member',
      ...(memberId ? { resourceId: memberId } : {}),
      detail: { reason },
    });
    return signInFailed();
  };
  if (!member) {
    await verifyPassword(await decoyPasswordHash(), body.password);
    throw await failure('unknown_email', null);
  }
  if (registrationLapsed(deps, member)) {
    // Never confirmed within a day: as if it did not exist (registering again is the way back in).
    await verifyPassword(await decoyPasswordHash(), body.password);
    throw await failure('registration_lapsed', member.id);
  }
  // Counted before it is judged, so parallel wrong passwords cannot outrun the pause (see the store).
  const attempt = await store.countSignInAttempt(
    deps.db,
    member.id,
    LOCK_AFTER_FAILURES,
    toDate(now.add({ minutes: LOCK_MINUTES })),
    nowDate,
  );
  const passwordOk = await verifyPassword(member.password_hash, body.password);
  if (!attempt) throw await failure('locked', member.id);
  if (!passwordOk) {
    if (attempt.failed_sign_ins === LOCK_AFTER_FAILURES) {
      const email = signInPausedMessage({
        locale: member.preferred_language,
        organizationName: deps.config.organization.name,
        firstName: member.first_name,
        minutes: LOCK_MINUTES,
        supportPhone: regionPhone(deps, member.region_id),
      });
      await sendMemberEmail(deps.db, 'member_sign_in_paused', member.email, email, nowDate);
    }
    throw await failure(
      attempt.failed_sign_ins >= LOCK_AFTER_FAILURES ? 'wrong_password_locked' : 'wrong_password',
      member.id,
    );
  }
  // The right password ends the run of failures, and a pause its own count may have started.
  await store.resetFailedSignIns(deps.db, member.id, nowDate);
  if (!member.email_verified_at) {
    await queueVerificationEmail(deps, deps.db, {
      id: member.id,
      email: member.email,
      language: member.preferred_language,
      firstName: member.first_name,
      regionId: member.region_id,
    });
    throw new AppError('email_not_verified', {
      detail: `Confirm your email address first. We sent a new link to ${member.email}.`,
    });
  }

  const bothPlanTypes = deps.config.organization.accountTypes.length > 1;
  const planType = bothPlanTypes ? (body.planType ?? null) : null;
  if (member.totp_enabled_at) {
    // The password was right; the session opens once the second factor is proved too.
    const challenge = newSecretToken();
    await store.insertChallenge(deps.db, {
      token_hash: sha256(challenge),
      member_id: member.id,
      plan_type: planType,
      created_at: nowDate,
      expires_at: toDate(now.add({ minutes: CHALLENGE_MINUTES })),
    });
    return { kind: 'two_step', challenge };
  }
  return { kind: 'session', ...(await openSession(deps, member, planType, ctx, false)) };
}

export type MemberRow = NonNullable<Awaited<ReturnType<typeof store.findMemberById>>>;

function sessionView(
  member: MemberRow,
  session: {
    csrf_token: string;
    plan_type: PlanType | null;
    idle_expires_at: Date;
    absolute_expires_at: Date;
    stepped_up_at: Date | null;
  },
): MemberSessionView {
  return {
    member: {
      firstName: member.first_name,
      lastName: member.last_name,
      email: member.email,
      preferredLanguage: member.preferred_language,
      regionId: member.region_id,
    },
    csrfToken: session.csrf_token,
    planType: session.plan_type,
    idleExpiresAt: session.idle_expires_at.toISOString(),
    absoluteExpiresAt: session.absolute_expires_at.toISOString(),
    twoStepEnabled: member.totp_enabled_at !== null,
    steppedUpUntil:
      member.totp_enabled_at && session.stepped_up_at
        ? new Date(session.stepped_up_at.getTime() + STEP_UP_MINUTES * 60_000).toISOString()
        : null,
  };
}

/** Opens a new server-side session (a new random id every time) for a member who proved who they are. */
export async function openSession(
  deps: Deps,
  member: MemberRow,
  planType: PlanType | null,
  ctx: RequestContext & { userAgent: string | null },
  steppedUp: boolean,
): Promise<{ sessionId: string; session: MemberSession }> {
  const now = deps.clock.now();
  const nowDate = toDate(now);
  const sessionId = newSecretToken();
  const idHash = sha256(sessionId);
  const row = {
    id_hash: idHash,
    member_id: member.id,
    csrf_token: newSecretToken(),
    plan_type: planType,
    ip: ctx.ip,
    user_agent: ctx.userAgent?.slice(0, 300) ?? null,
    created_at: nowDate,
    last_seen_at: nowDate,
    idle_expires_at: toDate(now.add({ minutes: IDLE_MINUTES })),
    absolute_expires_at: toDate(now.add({ hours: ABSOLUTE_HOURS })),
    stepped_up_at: steppedUp ? nowDate : null,
  };
  await store.insertSession(deps.db, row);
  const actor: MemberActor = { type: 'member', memberId: member.id, personId: member.person_id };
  await recordAudit(deps.db, {
    actor,
    ctx,
    action: 'member.sign_in',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
    detail: { twoStep: steppedUp },
  });
  return {
    sessionId,
    session: { actor, idHash, csrfToken: row.csrf_token, view: sessionView(member, row) },
  };
}

export function sessionEnded(): AppError {
  return new AppError('unauthenticated', { detail: 'You have been signed out. Sign in again to continue.' });
}

/**
 * Resolves a session cookie to its member. Activity keeps the session alive for 30 more minutes,
 * never past its 12-hour end; the row is written at most once a minute.
 */
export async function authenticateMember(deps: Deps, sessionId: string | undefined): Promise<MemberSession> {
  if (!sessionId || !/^[A-Za-z0-9_-]{16,64}$/.test(sessionId)) throw sessionEnded();
  const now = deps.clock.now();
  const nowDate = toDate(now);
  const idHash = sha256(sessionId);
  // Renewed in the same statement when the idle expiry would move by more than a minute.
  const renewTo = toDate(now.add({ minutes: IDLE_MINUTES }));
  const found = await store.findLiveSessionWithMember(deps.db, idHash, nowDate, renewTo);
  if (!found) throw sessionEnded();
  const { csrf_token, plan_type, idle_expires_at, absolute_expires_at, stepped_up_at, ...member } = found;
  const session = { csrf_token, plan_type, idle_expires_at, absolute_expires_at, stepped_up_at };
  return {
    actor: { type: 'member', memberId: member.id, personId: member.person_id },
    idHash,
    csrfToken: session.csrf_token,
    view: sessionView(member, session),
  };
}

/** True when `presented` is the session's CSRF token (compared in constant time). */
export function csrfMatches(session: MemberSession, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function signOut(deps: Deps, session: MemberSession, ctx: RequestContext): Promise<void> {
  await store.deleteSession(deps.db, session.idHash);
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.sign_out',
    result: 'success',
    resourceType: 'member',
    resourceId: session.actor.memberId,
  });
}

export async function signOutEverywhere(
  deps: Deps,
  session: MemberSession,
  ctx: RequestContext,
): Promise<void> {
  const ended = await store.deleteMemberSessions(deps.db, session.actor.memberId);
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.sign_out_everywhere',
    result: 'success',
    resourceType: 'member',
    resourceId: session.actor.memberId,
    detail: { sessions: ended },
  });
}

export async function pruneMemberSessions(deps: Deps): Promise<void> {
  await store.deleteExpiredSessions(deps.db, toDate(deps.clock.now()));
}

/** Wallet changes need a recent proof of the second factor when two-step verification is on. */
export function requireStepUp(deps: Deps, session: MemberSession): void {
  if (!session.view.twoStepEnabled) return;
  const until = session.view.steppedUpUntil ? Date.parse(session.view.steppedUpUntil) : 0;
  if (until > deps.clock.now().epochMilliseconds) return;
  throw new AppError('step_up_required', {
    detail: 'Enter a code from your authenticator app to change your payment methods.',
  });
}
