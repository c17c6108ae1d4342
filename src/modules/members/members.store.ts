import { type Insertable, sql, type Updateable } from 'kysely';
import type {
  AuditEventsTable,
  MemberMobileCodesTable,
  MembersTable,
  MemberTokensTable,
  MethodType,
  PaymentStatus,
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

export type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

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

/**
 * Deletes unconfirmed registrations made before `createdBefore` that hold this person or this address
 * (with their links: a member who never confirmed the address never signed in, so nothing else refers
 * to them). Returns the ids deleted.
 */
export async function deleteLapsedRegistrations(
  db: Db,
  opts: { personId: string; email: string; createdBefore: Date },
): Promise<string[]> {
  // members_person_id_key, members_email_idx
  const lapsed = await db
    .selectFrom('members')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('person_id', '=', opts.personId),
        eb(sql<string>`lower(email)`, '=', opts.email.toLowerCase()),
      ]),
    )
    .where('email_verified_at', 'is', null)
    .where('created_at', '<=', opts.createdBefore)
    .forUpdate()
    .execute();
  const ids = lapsed.map((m) => m.id);
  if (ids.length === 0) return ids;
  await db.deleteFrom('member_tokens').where('member_id', 'in', ids).execute();
  await db.deleteFrom('members').where('id', 'in', ids).where('email_verified_at', 'is', null).execute();
  return ids;
}

/** The registration an emailed verification link belongs to, whatever state the link is in. */
export function findVerificationLinkMember(db: Db, tokenHash: string) {
  return db
    .selectFrom('member_tokens')
    .innerJoin('members', 'members.id', 'member_tokens.member_id')
    .select(['members.email_verified_at', 'members.created_at'])
    .where('member_tokens.token_hash', '=', tokenHash)
    .where('member_tokens.purpose', '=', 'verify_email')
    .executeTakeFirst();
}

/** One of the dashboard's recent payments, with the bills it paid (soonest due first). */
export interface DashboardPaymentRow {
  id: string;
  confirmation_number: string;
  status: PaymentStatus;
  amount_cents: number;
  /** `created_at` in milliseconds since the epoch (JSON has no timestamp type). */
  created_ms: number;
  region_id: string;
  method_type: MethodType;
  method_brand: string | null;
  method_last4: string;
  bills: { bill_id: string; number: string }[];
}

/**
 * Everything the dashboard shows besides the bills, with its audit row, in ONE statement (a view
 * used to take five round trips and a commit of its own for these): the `limit` latest payments on
 * these accounts with the bills each paid, the credit ledger lines' sum (negative: owed back), and
 * the bank re-presentments waiting. The audit row is written by the same statement, so it commits
 * with the reads or not at all.
 */
export async function readDashboardExtrasAndAudit(
  db: Db,
  accountIds: readonly string[],
  limit: number,
  audit: Insertable<AuditEventsTable>,
) {
  const ids = sql<string[]>`${[...accountIds]}::uuid[]`;
  // payments_account_idx, payment_allocations_pkey, ledger_lines by account, bank_representments by account
  const row = await db
    .with('audit', (qc) => qc.insertInto('audit_events').values(audit))
    .selectNoFrom([
      sql<DashboardPaymentRow[]>`(
        select coalesce(json_agg(json_build_object(
            'id', p.id, 'confirmation_number', p.confirmation_number, 'status', p.status,
            'amount_cents', p.amount_cents,
            'created_ms', floor(extract(epoch from p.created_at) * 1000),
            'region_id', p.region_id, 'method_type', p.method_type, 'method_brand', p.method_brand,
            'method_last4', p.method_last4,
            'bills', (select coalesce(json_agg(json_build_object('bill_id', pa.bill_id, 'number', b.number)
                        order by b.due_date), '[]'::json)
                      from payment_allocations pa join bills b on b.id = pa.bill_id
                      where pa.payment_id = p.id)
          ) order by p.created_at desc), '[]'::json)
        from (select payments.id, payments.confirmation_number, payments.status, payments.amount_cents,
                payments.created_at, payments.method_type, payments.method_brand, payments.method_last4,
                accounts.region_id
              from payments
              join accounts on accounts.id = payments.account_id
              where payments.account_id = any(${ids})
              order by payments.created_at desc limit ${limit}) p
      )`.as('payments'),
      sql<number>`(select coalesce(sum(amount_cents), 0)::bigint from ledger_lines
        where ledger_account = 'credit' and account_id = any(${ids}))`.as('credit_total'),
      sql<{ id: string; amount_cents: number; present_on: string; method_last4: string }[]>`(
        select coalesce(json_agg(json_build_object('id', r.id, 'amount_cents', r.amount_cents,
            'present_on', r.present_on, 'method_last4', p.method_last4) order by r.present_on), '[]'::json)
        from bank_representments r join payments p on p.id = r.returned_payment_id
        where r.account_id = any(${ids}) and r.status in ('waiting', 'processing')
      )`.as('waiting'),
    ])
    .executeTakeFirstOrThrow();
  return { ...row, credit_total: Number(row.credit_total) };
}
