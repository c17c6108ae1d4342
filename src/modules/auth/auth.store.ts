/** Queries for signing in: credentials, failed tries, sessions, reset links, two-step secrets and codes. */
import { type Insertable, sql } from 'kysely';
import type { MemberSessionsTable, MemberSignInChallengesTable } from '../../db/schema';
import type { Db } from '../../platform/db';

// Signing in reads and marks the same member rows as registration does: one query each, in members.
export { findMemberByEmail, findMemberById, markEmailVerified } from '../members/members.store';

export function findLiveResetToken(db: Db, tokenHash: string, now: Date) {
  return db
    .selectFrom('member_tokens')
    .select('member_id')
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', 'reset_password')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Uses a live reset link once: only one caller gets the row back. */
export function consumeResetToken(db: Db, tokenHash: string, now: Date) {
  return db
    .updateTable('member_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', 'reset_password')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('member_id')
    .executeTakeFirst();
}

/** Ends every reset link of a member still unused (once the password changed, none may set it again). */
export async function endResetTokens(db: Db, memberId: string, now: Date): Promise<void> {
  // member_tokens_member_idx (member_id, purpose)
  await db
    .updateTable('member_tokens')
    .set({ used_at: now })
    .where('member_id', '=', memberId)
    .where('purpose', '=', 'reset_password')
    .where('used_at', 'is', null)
    .execute();
}

/**
 * Counts a password attempt as failed before the password is judged (the right one clears it), in
 * one statement: parallel attempts each see the count the one before them left, so at most
 * `lockAfter` are ever judged in a row, and the attempt that reaches it pauses sign-in at once.
 * Undefined while sign-in is paused: that attempt is not judged at all.
 */
export function countSignInAttempt(db: Db, memberId: string, lockAfter: number, lockUntil: Date, now: Date) {
  // A concurrent UPDATE of the row makes PostgreSQL re-check the WHERE on the row it left.
  return db
    .updateTable('members')
    .set((eb) => ({
      failed_sign_ins: eb('failed_sign_ins', '+', 1),
      locked_until: eb
        .case()
        .when('failed_sign_ins', '>=', lockAfter - 1)
        .then(sql<Date>`${lockUntil}::timestamptz`)
        .else(null)
        .end(),
      updated_at: now,
    }))
    .where('id', '=', memberId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('failed_sign_ins')
    .executeTakeFirst();
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

/**
 * A live session with its member, in one statement (every signed-in request starts here). The same
 * statement renews the session's idle expiry to `renewTo` (capped by its absolute expiry) when that
 * moves it by more than a minute, so a member's first request after a while costs no extra round
 * trip, and the others write nothing. The select sees the row as it was before the renewal, so the
 * renewed expiry comes from the update's RETURNING.
 */
export function findLiveSessionWithMember(db: Db, idHash: string, now: Date, renewTo: Date) {
  // member_sessions_pkey, members_pkey, people_pkey
  return db
    .with('renewed', (d) =>
      d
        .updateTable('member_sessions')
        .set({
          last_seen_at: now,
          idle_expires_at: sql<Date>`least(${renewTo}::timestamptz, absolute_expires_at)`,
        })
        .where('id_hash', '=', idHash)
        .where('idle_expires_at', '>', now)
        .where('absolute_expires_at', '>', now)
        .where(
          sql<boolean>`least(${renewTo}::timestamptz, absolute_expires_at) > idle_expires_at + interval '1 minute'`,
        )
        .returning(['id_hash', 'idle_expires_at']),
    )
    .selectFrom('member_sessions')
    .innerJoin('members', 'members.id', 'member_sessions.member_id')
    .innerJoin('people', 'people.id', 'members.person_id')
    .leftJoin('renewed', 'renewed.id_hash', 'member_sessions.id_hash')
    .selectAll('members')
    .select([
      'people.first_name',
      'people.last_name',
      'people.region_id',
      'member_sessions.csrf_token',
      'member_sessions.plan_type',
      sql<Date>`coalesce(renewed.idle_expires_at, member_sessions.idle_expires_at)`.as('idle_expires_at'),
      'member_sessions.absolute_expires_at',
      'member_sessions.stepped_up_at',
    ])
    .where('member_sessions.id_hash', '=', idHash)
    .where('member_sessions.idle_expires_at', '>', now)
    .where('member_sessions.absolute_expires_at', '>', now)
    .executeTakeFirst();
}
