/** A member's contact details and preferences. */
import type { Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newSecretToken, sha256 } from '../../platform/ids';
import { verifyEmailMessage } from '../../platform/member-emails';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import type { ProfileUpdateBody, ProfileView } from './members.schema';
import { type MemberSession, regionPhone, sendMemberEmail, sessionEnded } from './members.service';
import * as store from './members.store';

const CHANGE_EMAIL_LINK_HOURS = 24;

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
  await store.updateProfile(
    deps.db,
    member.id,
    {
      ...(body.preferredLanguage ? { preferred_language: body.preferredLanguage } : {}),
      ...(body.mailingAddress !== undefined ? { mailing_address: body.mailingAddress } : {}),
      ...(mobile ?? {}),
    },
    toDate(deps.clock.now()),
  );
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
  const token = newSecretToken();
  const now = deps.clock.now();
  // Whether the address is free is only checked when the link is used, so this answer tells nobody
  // whether another member has it.
  await deps.db.transaction().execute(async (trx) => {
    await store.insertToken(trx, {
      token_hash: sha256(token),
      member_id: member.id,
      purpose: 'change_email',
      new_email: newEmail,
      created_at: toDate(now),
      expires_at: toDate(now.add({ hours: CHANGE_EMAIL_LINK_HOURS })),
      used_at: null,
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
