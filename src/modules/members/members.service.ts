/** Registration: a person the organization knows gets a sign-in once their email address is confirmed. */
import { findRegion } from '../../config';
import type { Deps, RequestContext } from '../../deps';
import { AppError, type FieldError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newId, sha256 } from '../../platform/ids';
import { alreadyRegisteredMessage, emailChangedMessage } from '../../platform/member-emails';
import { hashPassword } from '../../platform/passwords';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import { passwordError } from '../auth/password.service';
import {
  queueVerificationEmail,
  REGISTRATION_HOURS,
  regionPhone,
  registrationLapsed,
  sendMemberEmail,
} from './contact.service';
import type { RegistrationBody } from './members.schema';
import * as store from './members.store';

// Sessions and the two-step check moved to the auth module, member contacts to contact.service.ts;
// other modules still import them from here.
export {
  type MemberContact,
  memberContact,
  memberContacts,
  regionPhone,
  sendMemberEmail,
} from './contact.service';

const REGISTER_LIMIT_PER_IP = { limit: 10, windowSeconds: 3600 };
const REGISTER_LIMIT_PER_RECORD = { limit: 5, windowSeconds: 3600 };
const VERIFY_LIMIT_PER_IP = { limit: 30, windowSeconds: 600 };

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
      // An unconfirmed registration lapses after a day: it holds neither the record number nor the address.
      const lapsed = await store.deleteLapsedRegistrations(trx, {
        personId: person.id,
        email: body.email,
        createdBefore: toDate(deps.clock.now().subtract({ hours: REGISTRATION_HOURS })),
      });
      if (person.member_id && person.member_email && !lapsed.includes(person.member_id)) {
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
  const registration = await store.findVerificationLinkMember(deps.db, tokenHash);
  if (registration && registrationLapsed(deps, registration)) {
    throw new AppError('token_invalid', {
      detail:
        `This link has expired: a registration not confirmed within ${REGISTRATION_HOURS} hours ends. ` +
        'Register again to get a new link.',
    });
  }
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
