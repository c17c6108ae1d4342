/** A member's contact details and preferences. */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { verifyEmailMessage } from '../../platform/member-emails';
import { mobileCodeText } from '../../platform/member-texts';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import { type MemberSession, sessionEnded } from '../auth/auth.service';
import { queueText } from '../notifications/notifications.service';
import { issueMemberToken, regionPhone, sendMemberEmail } from './contact.service';
import type { ProfileUpdateBody, ProfileView } from './members.schema';
import * as store from './members.store';

const CHANGE_EMAIL_LINK_HOURS = 24;
/** A texted code confirms a mobile number for 10 minutes, with 5 tries (NIST SP 800-63B §5.1.3). */
const MOBILE_CODE_MINUTES = 10;
const MOBILE_CODE_TRIES = 5;

/** A US mobile number in E.164 (+1 and 10 digits), or null when it is not one. */
function usMobile(input: string): string | null {
  const digits = input.replace(/[\s().-]/g, '').replace(/^\+?1(?=\d{10}$)/, '');
  return /^[2-9]\d{2}[2-9]\d{6}$/.test(digits) ? `+1${digits}` : null;
}

export async function getProfile(deps: Deps, session: MemberSession): Promise<ProfileView> {
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member) throw sessionEnded();
  const pending = await store.findPendingEmail(deps.db, member.id, toDate(deps.clock.now()));
  return {
    email: member.email,
    pendingEmail: pending?.new_email ?? null,
    mobile: member.mobile_number
      ? { number: member.mobile_number, verified: member.mobile_verified_at !== null }
      : null,
    preferredLanguage: member.preferred_language,
    mailingAddress: member.mailing_address,
  };
}

/** Language, mailing address and mobile number (a changed number is unverified until a text confirms it). */
export async function updateProfile(
  deps: Deps,
  session: MemberSession,
  body: ProfileUpdateBody,
  ctx: RequestContext,
): Promise<ProfileView> {
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member) throw sessionEnded();
  let mobile: { mobile_number: string | null; mobile_verified_at: Date | null } | undefined;
  if (body.mobileNumber !== undefined) {
    const number =
      body.mobileNumber === null || body.mobileNumber === '' ? null : usMobile(body.mobileNumber);
    if (body.mobileNumber && !number) {
      throw new AppError('validation_failed', {
        errors: [
          {
            field: 'mobileNumber',
            code: 'invalid',
            message: 'Enter a 10-digit US mobile number, like 510 555 0123',
          },
        ],
      });
    }
    if (number !== member.mobile_number) mobile = { mobile_number: number, mobile_verified_at: null };
  }
  const now = deps.clock.now();
  const newNumber = mobile?.mobile_number ?? null;
  if (newNumber) await limitMobileCodes(deps, member.id, newNumber);
  await deps.db.transaction().execute(async (trx) => {
    await store.updateProfile(
      trx,
      member.id,
      {
        ...(body.preferredLanguage ? { preferred_language: body.preferredLanguage } : {}),
        ...(body.mailingAddress !== undefined ? { mailing_address: body.mailingAddress } : {}),
        ...(mobile ?? {}),
      },
      toDate(now),
    );
    if (mobile) await store.deleteMobileCode(trx, member.id);
    if (newNumber) {
      await textMobileCode(deps, trx, {
        memberId: member.id,
        number: newNumber,
        locale: body.preferredLanguage ?? member.preferred_language,
      });
    }
  });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.profile_update',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
    detail: { fields: Object.keys(body) },
  });
  return getProfile(deps, session);
}

/** Sends a link to the new address; the address changes when the link is used (24 hours). */
export async function requestEmailChange(
  deps: Deps,
  session: MemberSession,
  newEmail: string,
  ctx: RequestContext,
): Promise<ProfileView> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `email-change:member:${session.actor.memberId}`, limit: 5, windowSeconds: 3600 },
  ]);
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member) throw sessionEnded();
  if (newEmail.toLowerCase() === member.email.toLowerCase()) {
    throw new AppError('validation_failed', {
      errors: [{ field: 'email', code: 'unchanged', message: 'This is already your email address' }],
    });
  }
  const now = deps.clock.now();
  // Whether the address is free is only checked when the link is used, so this answer tells nobody
  // whether another member has it.
  await deps.db.transaction().execute(async (trx) => {
    const token = await issueMemberToken(trx, {
      memberId: member.id,
      purpose: 'change_email',
      newEmail,
      now: toDate(now),
      expiresAt: toDate(now.add({ hours: CHANGE_EMAIL_LINK_HOURS })),
    });
    const email = verifyEmailMessage({
      locale: member.preferred_language,
      organizationName: deps.config.organization.name,
      firstName: member.first_name,
      url: `${deps.config.publicUrl}/verify-email?token=${token}`,
      supportPhone: regionPhone(deps, member.region_id),
    });
    await sendMemberEmail(trx, 'member_verify_email', newEmail, email, toDate(now));
  });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.email_change_requested',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
  return getProfile(deps, session);
}

function mobileCodeHash(deps: Deps, memberId: string, code: string): string {
  return createHmac('sha256', deps.config.dataEncryptionKey)
    .update(`mobile-code:${memberId}:${code}`)
    .digest('base64url');
}

/** Texts cost money and can be aimed at strangers' phones: at most 5 an hour per member and per number. */
async function limitMobileCodes(deps: Deps, memberId: string, number: string): Promise<void> {
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `mobile-code:member:${memberId}`, limit: 5, windowSeconds: 3600 },
    { bucket: `mobile-code:number:${number}`, limit: 5, windowSeconds: 3600 },
  ]);
}

/** A fresh 6-digit code replaces any earlier one and goes out by text, in the caller's transaction. */
async function textMobileCode(
  deps: Deps,
  trx: Db,
  input: { memberId: string; number: string; locale: 'en' | 'es' },
): Promise<void> {
  const now = deps.clock.now();
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  await store.saveMobileCode(trx, {
    member_id: input.memberId,
    mobile_number: input.number,
    code_hash: mobileCodeHash(deps, input.memberId, code),
    tries_left: MOBILE_CODE_TRIES,
    created_at: toDate(now),
    expires_at: toDate(now.add({ minutes: MOBILE_CODE_MINUTES })),
  });
  await queueText(trx, {
    accountId: null,
    memberId: input.memberId,
    kind: 'member_mobile_code',
    to: input.number,
    body: mobileCodeText({
      locale: input.locale,
      organizationName: deps.config.organization.name,
      code,
      minutes: MOBILE_CODE_MINUTES,
    }),
    now: toDate(now),
  });
}

function codeError(
  code: 'invalid' | 'expired' | 'too_many_tries' | 'not_waiting',
  message: string,
): AppError {
  return new AppError('validation_failed', { errors: [{ field: 'code', code, message }] });
}

/** Texts a new code to the member's number that is waiting to be confirmed. */
export async function resendMobileCode(
  deps: Deps,
  session: MemberSession,
  ctx: RequestContext,
): Promise<ProfileView> {
  const member = await store.findMemberById(deps.db, session.actor.memberId);
  if (!member) throw sessionEnded();
  const number = member.mobile_number;
  if (!number || member.mobile_verified_at) {
    throw new AppError('validation_failed', {
      errors: [
        {
          field: 'mobileNumber',
          code: 'not_waiting',
          message: number ? 'This number is already confirmed' : 'Add a mobile number first',
        },
      ],
    });
  }
  await limitMobileCodes(deps, member.id, number);
  await deps.db
    .transaction()
    .execute((trx) =>
      textMobileCode(deps, trx, { memberId: member.id, number, locale: member.preferred_language }),
    );
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.mobile_code_sent',
    result: 'success',
    resourceType: 'member',
    resourceId: member.id,
  });
  return getProfile(deps, session);
}

type CodeOutcome = 'confirmed' | 'invalid' | 'expired' | 'too_many_tries' | 'not_waiting';

/** Confirms the member's mobile number with the code texted to it. */
export async function verifyMobile(
  deps: Deps,
  session: MemberSession,
  code: string,
  ctx: RequestContext,
): Promise<ProfileView> {
  const memberId = session.actor.memberId;
  const now = deps.clock.now();
  // The try is used up in its own committed transaction, so a wrong guess counts even though the
  // request then fails.
  const outcome = await deps.db.transaction().execute(async (trx): Promise<CodeOutcome> => {
    const live = await store.findMobileCodeForUpdate(trx, memberId);
    if (!live) return 'not_waiting';
    if (live.expires_at.getTime() <= now.epochMilliseconds) return 'expired';
    if (live.tries_left <= 0) return 'too_many_tries';
    const presented = Buffer.from(mobileCodeHash(deps, memberId, code.replace(/\s/g, '')));
    const expected = Buffer.from(live.code_hash);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      await store.spendMobileCodeTry(trx, memberId);
      return live.tries_left - 1 <= 0 ? 'too_many_tries' : 'invalid';
    }
    await store.deleteMobileCode(trx, memberId);
    return (await store.confirmMobileNumber(trx, memberId, live.mobile_number, toDate(now)))
      ? 'confirmed'
      : 'not_waiting';
  });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'member.mobile_verify',
    result: outcome === 'confirmed' ? 'success' : 'failure',
    resourceType: 'member',
    resourceId: memberId,
    ...(outcome === 'confirmed' ? {} : { detail: { reason: outcome } }),
  });
  switch (outcome) {
    case 'confirmed':
      return getProfile(deps, session);
    case 'invalid':
      throw codeError('invalid', 'The code is not right. Check the text we sent and try again');
    case 'expired':
      throw codeError('expired', 'This code has expired. Ask for a new code');
    case 'too_many_tries':
      throw codeError('too_many_tries', 'Too many wrong codes. Ask for a new code');
    case 'not_waiting':
      throw codeError('not_waiting', 'There is no code waiting. Ask for a new code');
  }
}
