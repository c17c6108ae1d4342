import { timingSafeEqual } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { findRegion } from '../../config';
import type { PlanType } from '../../db/schema';
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
import type { RenderedEmail } from '../../platform/email-templates';
import { newId, newSecretToken, randomBytes, sha256 } from '../../platform/ids';
import {
  alreadyRegisteredMessage,
  emailChangedMessage,
  passwordChangedMessage,
  resetPasswordMessage,
  signInPausedMessage,
  verifyEmailMessage,
} from '../../platform/member-emails';
import { decoyPasswordHash, hashPassword, isCommonPassword, verifyPassword } from '../../platform/passwords';
import { hitRateLimits } from '../../platform/rate-limit';
import { secretBox } from '../../platform/secrets';
import { recordAudit } from '../audit/audit.service';
import { queueEmail } from '../notifications/notifications.service';
import type { MemberSessionView, RegistrationBody, SecondFactorBody, SignInBody } from './members.schema';
import * as store from './members.store';

/** NIST SP 800-63B: re-authenticate after 30 minutes idle and 12 hours in all. */
export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;
const LOCK_AFTER_FAILURES = 10;
const LOCK_MINUTES = 30;
const VERIFY_LINK_HOURS = 24;
const REGISTER_LIMIT_PER_IP = { limit: 10, windowSeconds: 3600 };
const REGISTER_LIMIT_PER_RECORD = { limit: 5, windowSeconds: 3600 };
const SIGN_IN_LIMIT_PER_IP = { limit: 30, windowSeconds: 600 };
const SIGN_IN_LIMIT_PER_EMAIL = { limit: 20, windowSeconds: 600 };
const VERIFY_LIMIT_PER_IP = { limit: 30, windowSeconds: 600 };

export type MemberActor = { type: 'member'; memberId: string; personId: string };

export type SignInResult =
  | { kind: 'session'; sessionId: string; session: MemberSession }
  /** The password was right and two-step verification is on: prove the second factor with this. */
  | { kind: 'two_step'; challenge: string };

/** How long a password-checked sign-in waits for its second factor, and how often it may be tried. */
const CHALLENGE_MINUTES = 5;
const CHALLENGE_ATTEMPTS = 5;
/** A proof of the second factor lets a session change the wallet for this long. */
export const STEP_UP_MINUTES = 10;

export interface MemberSession {
  actor: MemberActor;
  idHash: string;
  csrfToken: string;
  view: MemberSessionView;
}

function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[^\p{L}]/gu, '')
    .toLowerCase();
}

function normalizeRecordNumber(s: string): string {
  return s.replace(/[\s-]/g, '').toUpperCase();
}

export function regionPhone(deps: Deps, regionId: string): string {
  return findRegion(deps.config, regionId)?.phone ?? deps.config.organization.support.phone;
}

const passwordMessages: Record<PasswordProblem, string> = {
  too_short: `Enter a password of at least ${MIN_LENGTH_SINGLE_FACTOR} characters`,
  too_long: 'Enter a password of at most 1,024 characters',
  too_common: 'This password is one of the most common ones. Choose one that is harder to guess',
  same_as_email: 'Your password cannot be your email address',
};

function passwordError(password: string, email: string, twoStep = false): FieldError | null {
  const problem = checkPassword(password, { twoStep, email, isCommon: isCommonPassword });
  if (!problem) return null;
  const message =
    problem === 'too_short'
      ? `Enter a password of at least ${twoStep ? MIN_LENGTH_WITH_TWO_STEP : MIN_LENGTH_SINGLE_FACTOR} characters`
      : passwordMessages[problem];
  return { field: 'password', code: problem, message };
}

/** Where and how to reach a member: for messages sent on their behalf by background work. */
function contactOf(
  member: Pick<
    MemberRow,
    'email' | 'first_name' | 'preferred_language' | 'region_id' | 'mobile_number' | 'mobile_verified_at'
  >,
) {
  return {
    email: member.email,
    firstName: member.first_name,
    language: member.preferred_language,
    regionId: member.region_id,
    /** Only a number the member confirmed gets texts. */
    mobile: member.mobile_verified_at ? member.mobile_number : null,
  };
}

export type MemberContact = ReturnType<typeof contactOf>;

export async function memberContact(deps: Deps, memberId: string): Promise<MemberContact | null> {
  const member = await store.findMemberById(deps.db, memberId);
  return member ? contactOf(member) : null;
}

/** memberContact for many members, by member id. */
export async function memberContacts(
  deps: Deps,
  memberIds: readonly string[],
): Promise<Map<string, MemberContact>> {
  const members = await store.findMemberContactsByIds(deps.db, [...new Set(memberIds)]);
  return new Map(members.map((m) => [m.id, contactOf(m)]));
}

/** Queues an account email to a member (not about one account, so no account id). */
export function sendMemberEmail(
  db: Db,
  kind: string,
  to: string,
  email: RenderedEmail,
  now: Date,
): Promise<string> {
  return queueEmail(db, {
    accountId: null,
    kind,
    to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    now,
  });
}

async function queueVerificationEmail(
  deps: Deps,
  db: Db,
  member: { id: string; email: string; language: 'en' | 'es'; firstName: string; regionId: string },
): Promise<void> {
  const token = newSecretToken();
  const now = deps.clock.now();
  await store.insertToken(db, {
    token_hash: sha256(token),
    member_id: member.id,
    purpose: 'verify_email',
    created_at: toDate(now),
    expires_at: toDate(now.add({ hours: VERIFY_LINK_HOURS })),
    used_at: null,
  });
  const email = verifyEmailMessage({
    locale: member.language,
    organizationName: deps.config.organization.name,
    firstName: member.firstName,
    url: `${deps.config.publicUrl}/verify-email?token=${token}`,
    supportPhone: regionPhone(deps, member.regionId),
  });
  await sendMemberEmail(db, 'member_verify_email', member.email, email, toDate(now));
}

/**
 * Registers a member whose record number, name, date of birth and region match a person the
 * organization knows. The answer is the same whatever happened — created, already registered
 * (their email address is told instead), or no match — and costs the same password hash, so
 * registration cannot be used to learn who is a member.
 */
export async function registerMember(
  deps: Deps,
  body: RegistrationBody,
  ctx: RequestContext,
): Promise<{ status: 'check_email'; email: string }> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `register:ip:${ctx.ip ?? 'unknown'}`, ...REGISTER_LIMIT_PER_IP },
    // Per record number too, so guessing names and birth dates for one number is slow from anywhere.
    {
      bucket: `register:record:${sha256(normalizeRecordNumber(body.medicalRecordNumber))}`,
      ...REGISTER_LIMIT_PER_RECORD,
    },
  ]);
  const errors: FieldError[] = [];
  if (!findRegion(deps.config, body.regionId)) {
    errors.push({ field: 'regionId', code: 'unknown_region', message: 'Choose your region' });
  }
  const weak = passwordError(body.password, body.email);
  if (weak) errors.push(weak);
  if (errors.length > 0) throw new AppError('validation_failed', { errors });

  const passwordHash = await hashPassword(body.password);
  const person = await store.findPersonByRecordNumber(
    deps.db,
    normalizeRecordNumber(body.medicalRecordNumber),
  );
  const matches =
    person !== undefined &&
    person.region_id === body.regionId &&
    person.birth_date === body.birthDate &&
    normalizeName(person.first_name) === normalizeName(body.firstName) &&
    normalizeName(person.last_name) === normalizeName(body.lastName);
  const now = toDate(deps.clock.now());
  let outcome = 'no_match' as 'created' | 'already_registered' | 'email_in_use' | 'no_match';

  if (matches && person) {
    await deps.db.transaction().execute(async (trx) => {
      const told = (to: string, language: 'en' | 'es') => {
        const email = alreadyRegisteredMessage({
          locale: language,
          organizationName: deps.config.organization.name,
          firstName: person.first_name,
          signInUrl: `${deps.config.publicUrl}/sign-in`,
          supportPhone: regionPhone(deps, person.region_id),
        });
        return sendMemberEmail(trx, 'member_already_registered', to, email, now);
      };
      if (person.member_id && person.member_email) {
        outcome = 'already_registered';
        await told(person.member_email, person.member_language === 'es' ? 'es' : 'en');
        return;
      }
      const memberId = newId();
      const created = await store.insertMember(trx, {
        id: memberId,
        person_id: person.id,
        email: body.email,
        password_hash: passwordHash,
        preferred_language: body.language,
        email_verified_at: null,
        terms_version: deps.config.organization.termsVersion,
        terms_accepted_at: now,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
      });
      if (!created) {
        // The email address belongs to another member (or a concurrent registration won): tell its owner.
        outcome = 'email_in_use';
        const owner = await store.findMemberByEmail(trx, body.email);
        if (owner) await told(owner.email, owner.preferred_language);
        return;
      }
      outcome = 'created';
      await queueVerificationEmail(deps, trx, {
        id: memberId,
        email: body.email,
        language: body.language,
        firstName: person.first_name,
        regionId: person.region_id,
      });
    });
  }
  await recordAudit(deps.db, {
    actor: { type: 'system', name: 'registration' },
    ctx,
    action: 'member.register',
    result: outcome === 'created' ? 'success' : 'failure',
    detail: { outcome },
  });
  return { status: 'check_email', email: body.email };
}

export async function verifyMemberEmail(deps: Deps, token: string, ctx: RequestContext): Promise<void> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `verify:ip:${ctx.ip ?? 'unknown'}`, ...VERIFY_LIMIT_PER_IP },
  ]);
  const now = toDate(deps.clock.now());
  const tokenHash = sha256(token);
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const confirmed = await store.consumeToken(trx, tokenHash, 'verify_email', now);
    if (confirmed) {
      await store.markEmailVerified(trx, confirmed.member_id, now);
      return { memberId: confirmed.member_id, action: 'member.email_verified' };
    }
    // A link sent to a new address: the address becomes the member's, and the old one is told.
    const change = await store.consumeToken(trx, tokenHash, 'change_email', now);
    if (!change?.new_email) return null;
    const member = await store.findMemberById(trx, change.member_id);
    if (!member || !(await store.changeEmail(trx, member.id, change.new_email, now))) {
      throw new AppError('token_invalid', {
        detail: 'This email address cannot be used. Sign in and choose another one.',
      });
    }
    const email = emailChangedMessage({
      locale: member.preferred_language,
      organizationName: deps.config.organization.name,
      firstName: member.first_name,
      newEmail: change.new_email,
      supportPhone: regionPhone(deps, member.region_id),
    });
    await sendMemberEmail(trx, 'member_email_changed', member.email, email, now);
    return { memberId: member.id, action: 'member.email_changed' };
  });
  if (!outcome) {
    throw new AppError('token_invalid', {
      detail: 'This link has expired or was already used. Sign in to get a new one.',
    });
  }
  await recordAudit(deps.db, {
    actor: { type: 'member', memberId: outcome.memberId, personId: '' },
    ctx,
    action: outcome.action,
    result: 'success',
    resourceType: 'member',
    resourceId: outcome.memberId,
  });
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
  const passwordOk = await verifyPassword(member.password_hash, body.password);
  if (member.locked_until && member.locked_until.getTime() > nowDate.getTime()) {
    throw await failure('locked', member.id);
  }
  if (!passwordOk) {
    const counted = await store.recordFailedSignIn(
      deps.db,
      member.id,
      LOCK_AFTER_FAILURES,
      toDate(now.add({ minutes: LOCK_MINUTES })),
      nowDate,
    );
    if (counted.failed_sign_ins === LOCK_AFTER_FAILURES) {
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
      counted.failed_sign_ins >= LOCK_AFTER_FAILURES ? 'wrong_password_locked' : 'wrong_password',
      member.id,
    );
  }
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
  if (member.failed_sign_ins > 0 || member.locked_until)
    await store.resetFailedSignIns(deps.db, member.id, nowDate);
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

type MemberRow = NonNullable<Awaited<ReturnType<typeof store.findMemberById>>>;

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
async function openSession(
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
  const found = await store.findLiveSessionWithMember(deps.db, idHash, nowDate);
  if (!found) throw sessionEnded();
  const { csrf_token, plan_type, idle_expires_at, absolute_expires_at, stepped_up_at, ...member } = found;
  const session = { csrf_token, plan_type, idle_expires_at, absolute_expires_at, stepped_up_at };
  const idleExpires = new Date(
    Math.min(now.add({ minutes: IDLE_MINUTES }).epochMilliseconds, session.absolute_expires_at.getTime()),
  );
  let idleExpiresAt = session.idle_expires_at;
  if (idleExpires.getTime() - session.idle_expires_at.getTime() > 60_000) {
    await store.touchSession(deps.db, idHash, nowDate, idleExpires);
    idleExpiresAt = idleExpires;
  }
  return {
    actor: { type: 'member', memberId: member.id, personId: member.person_id },
    idHash,
    csrfToken: session.csrf_token,
    view: sessionView(member, { ...session, idle_expires_at: idleExpiresAt }),
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
  const member = await store.findMemberByEmail(deps.db, emailAddress);
  if (member) {
    const token = newSecretToken();
    const now = deps.clock.now();
    await deps.db.transaction().execute(async (trx) => {
      await store.insertToken(trx, {
        token_hash: sha256(token),
        member_id: member.id,
        purpose: 'reset_password',
        created_at: toDate(now),
        expires_at: toDate(now.add({ minutes: RESET_LINK_MINUTES })),
        used_at: null,
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
 * old password is out), a lock is lifted, and the email address counts as confirmed.
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
  const pending = await store.findLiveToken(deps.db, tokenHash, 'reset_password', now);
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
    const used = await store.consumeToken(trx, tokenHash, 'reset_password', now);
    if (!used) return false;
    await store.setPassword(trx, member.id, passwordHash, now);
    await store.markEmailVerified(trx, member.id, now);
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

/** Changes the password of a signed-in member who knows the current one; their other sessions end. */
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

// --- two-step verification (TOTP, RFC 6238: 30-second steps, 6 digits) --------------------------

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

/** Wallet changes need a recent proof of the second factor when two-step verification is on. */
export function requireStepUp(deps: Deps, session: MemberSession): void {
  if (!session.view.twoStepEnabled) return;
  const until = session.view.steppedUpUntil ? Date.parse(session.view.steppedUpUntil) : 0;
  if (until > deps.clock.now().epochMilliseconds) return;
  throw new AppError('step_up_required', {
    detail: 'Enter a code from your authenticator app to change your payment methods.',
  });
}
