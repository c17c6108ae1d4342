/**
 * How to reach a member, and the verification link a registration waits on (and how long it waits). Other modules (auth,
 * autopay, scheduled payments) use these; this file imports nothing from auth, so auth can.
 */
import { findRegion } from '../../config';
import type { Deps } from '../../deps';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import type { RenderedEmail } from '../../platform/email-templates';
import { newSecretToken, sha256 } from '../../platform/ids';
import { verifyEmailMessage } from '../../platform/member-emails';
import { queueEmail } from '../notifications/notifications.service';
import * as store from './members.store';

const VERIFY_LINK_HOURS = 24;
/** An unconfirmed registration lapses after this long: it no longer holds its record number or address. */
export const REGISTRATION_HOURS = 24;

/** True for a registration whose email address was never confirmed within REGISTRATION_HOURS. */
export function registrationLapsed(
  deps: Deps,
  member: { email_verified_at: Date | null; created_at: Date },
): boolean {
  const cutoff = deps.clock.now().subtract({ hours: REGISTRATION_HOURS }).epochMilliseconds;
  return member.email_verified_at === null && member.created_at.getTime() <= cutoff;
}

export function regionPhone(deps: Deps, regionId: string): string {
  return findRegion(deps.config, regionId)?.phone ?? deps.config.organization.support.phone;
}

type MemberRow = NonNullable<Awaited<ReturnType<typeof store.findMemberById>>>;

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

/**
 * Stores a single-use link for a member (only the token's hash) and returns the token to put in the
 * emailed URL: verification, password reset and email change all issue their links here.
 */
export async function issueMemberToken(
  db: Db,
  link: { memberId: string; purpose: store.TokenPurpose; now: Date; expiresAt: Date; newEmail?: string },
): Promise<string> {
  const token = newSecretToken();
  await store.insertToken(db, {
    token_hash: sha256(token),
    member_id: link.memberId,
    purpose: link.purpose,
    ...(link.newEmail === undefined ? {} : { new_email: link.newEmail }),
    created_at: link.now,
    expires_at: link.expiresAt,
    used_at: null,
  });
  return token;
}

/** Emails a single-use link (24 hours) that confirms the member's address. */
export async function queueVerificationEmail(
  deps: Deps,
  db: Db,
  member: { id: string; email: string; language: 'en' | 'es'; firstName: string; regionId: string },
): Promise<void> {
  const now = deps.clock.now();
  const token = await issueMemberToken(db, {
    memberId: member.id,
    purpose: 'verify_email',
    now: toDate(now),
    expiresAt: toDate(now.add({ hours: VERIFY_LINK_HOURS })),
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
