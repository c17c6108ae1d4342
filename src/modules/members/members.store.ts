import { type Insertable, sql } from 'kysely';
import type { MemberSessionsTable, MembersTable, MemberTokensTable, PlanType } from '../../db/schema';
import type { Db } from '../../platform/db';

/** The person with this record number, with their sign-in if they registered. */
export function findPersonByRecordNumber(db: Db, recordNumber: string) {
  // people_medical_record_number_key (unique)
  return db
    .selectFrom('people')
    .leftJoin('members', 'members.person_id', 'people.id')
    .select([
      'people.id',
      'people.region_id',
      'people.first_name',
      'people.last_name',
      'people.birth_date',
      'members.id as member_id',
      'members.email as member_email',
      'members.preferred_language as member_language',
    ])
    .where('people.medical_record_number', '=', recordNumber)
    .executeTakeFirst();
}

export function findMemberByEmail(db: Db, email: string) {
  // members_email_idx (unique on lower(email))
  return db
    .selectFrom('members')
    .innerJoin('people', 'people.id', 'members.person_id')
    .selectAll('members')
    .select(['people.first_name', 'people.last_name', 'people.region_id'])
    .where(sql<string>`lower(members.email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function findMemberById(db: Db, id: string) {
  return db
    .selectFrom('members')
    .innerJoin('people', 'people.id', 'members.person_id')
    .selectAll('members')
    .select(['people.first_name', 'people.last_name', 'people.region_id'])
    .where('members.id', '=', id)
    .executeTakeFirst();
}

export async function insertMember(db: Db, row: Insertable<MembersTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('members')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function insertToken(db: Db, row: Insertable<MemberTokensTable>): Promise<void> {
  await db.insertInto('member_tokens').values(row).execute();
}

export function findLiveToken(
  db: Db,
  tokenHash: string,
  purpose: 'verify_email' | 'reset_password',
  now: Date,
) {
  return db
    .selectFrom('member_tokens')
    .select('member_id')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses a live token once: only one caller gets the row back. */
export function useToken(db: Db, tokenHash: string, purpose: 'verify_email' | 'reset_password', now: Date) {
  return db
    .updateTable('member_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['member_id'])
    .executeTakeFirst();
}

export async function markEmailVerified(db: Db, memberId: string, now: Date): Promise<void> {
  await db
    .updateTable('members')
    .set({ email_verified_at: now, updated_at: now })
    .where('id', '=', memberId)
    .where('email_verified_at', 'is', null)
    .execute();
}

/** Counts a failed sign-in; locks the member once `lockAfter` failures in a row are reached. */
export function recordFailedSignIn(db: Db, memberId: string, lockAfter: number, lockUntil: Date, now: Date) {
  return db
    .updateTable('members')
    .set((eb) => ({
      failed_sign_ins: eb('failed_sign_ins', '+', 1),
      locked_until: eb
        .case()
        .when('failed_sign_ins', '>=', lockAfter - 1)
        .then(lockUntil)
        .else(eb.ref('locked_until'))
        .end(),
      updated_at: now,
    }))
    .where('id', '=', memberId)
    .returning(['failed_sign_ins', 'locked_until'])
    .executeTakeFirstOrThrow();
}

export async function resetFailedSignIns(db: Db, memberId: string, now: Date): Promise<void> {
  await db
    .updateTable('members')
    .set({ failed_sign_ins: 0, locked_until: null, updated_at: now })
    .where('id', '=', memberId)
    .execute();
}

export async function insertSession(db: Db, row: Insertable<MemberSessionsTable>): Promise<void> {
  await db.insertInto('member_sessions').values(row).execute();
}

export function findLiveSession(db: Db, idHash: string, now: Date) {
  // member_sessions_pkey
  return db
    .selectFrom('member_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('idle_expires_at', '>', now)
    .where('absolute_expires_at', '>', now)
    .executeTakeFirst();
}

export async function touchSession(db: Db, idHash: string, now: Date, idleExpiresAt: Date): Promise<void> {
  await db
    .updateTable('member_sessions')
    .set({ last_seen_at: now, idle_expires_at: idleExpiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('member_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteMemberSessions(db: Db, memberId: string): Promise<number> {
  const result = await db.deleteFrom('member_sessions').where('member_id', '=', memberId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('member_sessions')
    .where((eb) => eb.or([eb('idle_expires_at', '<=', now), eb('absolute_expires_at', '<=', now)]))
    .execute();
}

/** The accounts a person is responsible for, with whom each account's bills are for. */
export function listResponsibleAccounts(db: Db, personId: string, planType: PlanType | null) {
  let q = db
    .selectFrom('account_guarantors')
    .innerJoin('accounts', 'accounts.id', 'account_guarantors.account_id')
    .leftJoin('people', 'people.id', 'accounts.person_id')
    .select([
      'accounts.id',
      'accounts.account_number',
      'accounts.kind',
      'accounts.plan_type',
      'accounts.region_id',
      'accounts.person_id',
      'accounts.holder_first_name',
      'accounts.holder_last_name',
      'people.first_name as person_first_name',
      'people.last_name as person_last_name',
    ])
    .where('account_guarantors.person_id', '=', personId);
  if (planType) {
    q = q.where((eb) =>
      eb.or([eb('accounts.kind', '=', 'medical'), eb('accounts.plan_type', '=', planType)]),
    );
  }
  return q.execute();
}

export async function setPassword(db: Db, memberId: string, passwordHash: string, now: Date): Promise<void> {
  await db
    .updateTable('members')
    .set({
      password_hash: passwordHash,
      password_changed_at: now,
      failed_sign_ins: 0,
      locked_until: null,
      updated_at: now,
    })
    .where('id', '=', memberId)
    .execute();
}

/** Ends every session of a member but `keepIdHash` (the one that changed the password). */
export async function deleteOtherSessions(
  db: Db,
  memberId: string,
  keepIdHash: string | null,
): Promise<void> {
  let q = db.deleteFrom('member_sessions').where('member_id', '=', memberId);
  if (keepIdHash) q = q.where('id_hash', '<>', keepIdHash);
  await q.execute();
}
