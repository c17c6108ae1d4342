import { type Insertable, sql, type Updateable } from 'kysely';
import type {
  MemberMobileCodesTable,
  MemberSessionsTable,
  MemberSignInChallengesTable,
  MembersTable,
  MemberTokensTable,
  PlanType,
} from '../../db/schema';
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

/** How to reach each of these members (a background run's contacts: no secrets, no more than that). */
export function findMemberContactsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return (
    db
      .selectFrom('members')
      // One index lookup per member (the limit keeps the planner from joining all of people: for a few
      // hundred members it preferred hashing every person, about 30 ms at 100,000 people).
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('people')
            .select(['people.first_name', 'people.region_id'])
            .whereRef('people.id', '=', 'members.person_id')
            .limit(1)
            .as('people'),
        (join) => join.onTrue(),
      )
      .select([
        'members.id',
        'members.email',
        'members.preferred_language',
        'members.mobile_number',
        'members.mobile_verified_at',
        'people.first_name',
        'people.region_id',
      ])
      .where('members.id', '=', sql<string>`any(${[...ids]}::uuid[])`)
      .execute()
  );
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

type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

export function findLiveToken(db: Db, tokenHash: string, purpose: TokenPurpose, now: Date) {
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
export function consumeToken(db: Db, tokenHash: string, purpose: TokenPurpose, now: Date) {
  return db
    .updateTable('member_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['member_id', 'new_email'])
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

export async function setPendingTotp(
  db: Db,
  memberId: string,
  sealed: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('members')
    .set({ totp_pending_secret_enc: sealed, updated_at: now })
    .where('id', '=', memberId)
    .execute();
}

export async function enableTotp(db: Db, memberId: string, now: Date, step: number): Promise<void> {
  await db
    .updateTable('members')
    .set((eb) => ({
      totp_secret_enc: eb.ref('totp_pending_secret_enc'),
      totp_pending_secret_enc: null,
      totp_enabled_at: now,
      totp_last_step: step,
      updated_at: now,
    }))
    .where('id', '=', memberId)
    .execute();
}

export async function disableTotp(db: Db, memberId: string, now: Date): Promise<void> {
  await db
    .updateTable('members')
    .set({
      totp_secret_enc: null,
      totp_pending_secret_enc: null,
      totp_enabled_at: null,
      totp_last_step: null,
      updated_at: now,
    })
    .where('id', '=', memberId)
    .execute();
  await db.deleteFrom('member_recovery_codes').where('member_id', '=', memberId).execute();
}

/** Accepts a TOTP step once: only a step later than the last accepted one moves it. */
export async function advanceTotpStep(db: Db, memberId: string, step: number): Promise<boolean> {
  const row = await db
    .updateTable('members')
    .set({ totp_last_step: step })
    .where('id', '=', memberId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function replaceRecoveryCodes(
  db: Db,
  memberId: string,
  hashes: readonly string[],
): Promise<void> {
  await db.deleteFrom('member_recovery_codes').where('member_id', '=', memberId).execute();
  await db
    .insertInto('member_recovery_codes')
    .values(hashes.map((code_hash) => ({ member_id: memberId, code_hash, used_at: null })))
    .execute();
}

/** Uses a recovery code once. */
export async function spendRecoveryCode(
  db: Db,
  memberId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const row = await db
    .updateTable('member_recovery_codes')
    .set({ used_at: now })
    .where('member_id', '=', memberId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .returning('member_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function countUnusedRecoveryCodes(db: Db, memberId: string): Promise<number> {
  const row = await db
    .selectFrom('member_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('member_id', '=', memberId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertChallenge(db: Db, row: Insertable<MemberSignInChallengesTable>): Promise<void> {
  await db.insertInto('member_sign_in_challenges').values(row).execute();
}

/** Counts an attempt on a live challenge and returns it (null when unknown, expired or tried too often). */
export function tryChallenge(db: Db, tokenHash: string, now: Date, maxAttempts: number) {
  return db
    .updateTable('member_sign_in_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .where('attempts', '<', maxAttempts)
    .returning(['member_id', 'plan_type'])
    .executeTakeFirst();
}

export async function deleteChallenge(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('member_sign_in_challenges').where('token_hash', '=', tokenHash).execute();
}

export async function markSteppedUp(db: Db, idHash: string, now: Date): Promise<void> {
  await db.updateTable('member_sessions').set({ stepped_up_at: now }).where('id_hash', '=', idHash).execute();
}

/** Gives a session a new id (after step-up), keeping everything else. */
export async function rotateSession(db: Db, oldIdHash: string, newIdHash: string, now: Date): Promise<void> {
  await db
    .updateTable('member_sessions')
    .set({ id_hash: newIdHash, stepped_up_at: now, last_seen_at: now })
    .where('id_hash', '=', oldIdHash)
    .execute();
}

export async function updateProfile(
  db: Db,
  memberId: string,
  patch: Pick<
    Updateable<MembersTable>,
    'preferred_language' | 'mailing_address' | 'mobile_number' | 'mobile_verified_at'
  >,
  now: Date,
): Promise<void> {
  await db
    .updateTable('members')
    .set({ ...patch, updated_at: now })
    .where('id', '=', memberId)
    .execute();
}

export function findPendingEmail(db: Db, memberId: string, now: Date) {
  return db
    .selectFrom('member_tokens')
    .select('new_email')
    .where('member_id', '=', memberId)
    .where('purpose', '=', 'change_email')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Moves the member to a new email address; false when another member has it. */
export async function changeEmail(db: Db, memberId: string, email: string, now: Date): Promise<boolean> {
  const taken = await findMemberByEmail(db, email);
  if (taken && taken.id !== memberId) return false;
  await db
    .updateTable('members')
    .set({ email, email_verified_at: now, updated_at: now })
    .where('id', '=', memberId)
    .execute();
  return true;
}

/** A live session with its member, in one query (every signed-in request starts here). */
export function findLiveSessionWithMember(db: Db, idHash: string, now: Date) {
  // member_sessions_pkey, members_pkey, people_pkey
  return db
    .selectFrom('member_sessions')
    .innerJoin('members', 'members.id', 'member_sessions.member_id')
    .innerJoin('people', 'people.id', 'members.person_id')
    .selectAll('members')
    .select([
      'people.first_name',
      'people.last_name',
      'people.region_id',
      'member_sessions.csrf_token',
      'member_sessions.plan_type',
      'member_sessions.idle_expires_at',
      'member_sessions.absolute_expires_at',
      'member_sessions.stepped_up_at',
    ])
    .where('member_sessions.id_hash', '=', idHash)
    .where('member_sessions.idle_expires_at', '>', now)
    .where('member_sessions.absolute_expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * The dashboard's read model in one query: every bill of every account the person pays for, with
 * who the account is for and whether a payment for the bill is under way (a read across the bills,
 * accounts and payments tables that the dashboard would otherwise make in five round trips).
 */
export function listBillsForGuarantor(db: Db, personId: string, planType: PlanType | null) {
  let q = db
    .selectFrom('account_guarantors as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .innerJoin('bills as b', 'b.account_id', 'a.id')
    .leftJoin('people as p', 'p.id', 'a.person_id')
    .select([
      'b.id',
      'b.account_id',
      'b.kind',
      'b.number',
      'b.patient_name',
      'b.provider',
      'b.visit_date',
      'b.coverage_start',
      'b.coverage_end',
      'b.statement_date',
      'b.due_date',
      'b.amount_cents',
      'b.balance_cents',
      'b.status',
      'a.person_id',
      'a.holder_first_name',
      'a.holder_last_name',
      'p.first_name as person_first_name',
      'p.last_name as person_last_name',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('payment_allocations as pa')
            .select('pa.bill_id')
            .whereRef('pa.bill_id', '=', 'b.id')
            .where('pa.live', '=', true),
        )
        .as('payment_in_progress'),
    )
    .where('g.person_id', '=', personId);
  if (planType) q = q.where((eb) => eb.or([eb('a.kind', '=', 'medical'), eb('a.plan_type', '=', planType)]));
  return q.orderBy('b.due_date').orderBy('b.number').execute();
}

/** Replaces the member's live code for confirming a mobile number. */
export async function saveMobileCode(db: Db, row: Insertable<MemberMobileCodesTable>): Promise<void> {
  await db
    .insertInto('member_mobile_codes')
    .values(row)
    .onConflict((oc) =>
      oc.column('member_id').doUpdateSet({
        mobile_number: row.mobile_number,
        code_hash: row.code_hash,
        tries_left: row.tries_left,
        created_at: row.created_at,
        expires_at: row.expires_at,
      }),
    )
    .execute();
}

/** The member's live code, locked so two guesses at once each use up a try. */
export function findMobileCodeForUpdate(db: Db, memberId: string) {
  return db
    .selectFrom('member_mobile_codes')
    .selectAll()
    .where('member_id', '=', memberId)
    .forUpdate()
    .executeTakeFirst();
}

export async function spendMobileCodeTry(db: Db, memberId: string): Promise<void> {
  await db
    .updateTable('member_mobile_codes')
    .set((eb) => ({ tries_left: eb('tries_left', '-', 1) }))
    .where('member_id', '=', memberId)
    .where('tries_left', '>', 0)
    .execute();
}

export async function deleteMobileCode(db: Db, memberId: string): Promise<void> {
  await db.deleteFrom('member_mobile_codes').where('member_id', '=', memberId).execute();
}

/** Marks the number confirmed, only if it is still the member's number. */
export async function confirmMobileNumber(
  db: Db,
  memberId: string,
  number: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('members')
    .set({ mobile_verified_at: now, updated_at: now })
    .where('id', '=', memberId)
    .where('mobile_number', '=', number)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
