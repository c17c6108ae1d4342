/** Queries for intake's people and accounts (bills: intake-bills.store.ts). */
import { type Insertable, sql, type Updateable } from 'kysely';
import type { AccountsTable, IdempotencyKeysTable, PeopleTable } from '../../db/schema';
import type { Db } from '../../platform/db';

// --- people --------------------------------------------------------------------------------------

/** The person with this external id, locked for the caller's change when `lock`. */
export function findPersonByExternalId(db: Db, externalId: string, lock = false) {
  // people_external_id_key (unique)
  const q = db
    .selectFrom('people')
    .selectAll()
    .select((eb) =>
      eb
        .exists(eb.selectFrom('members').select('members.id').whereRef('members.person_id', '=', 'people.id'))
        .as('is_member'),
    )
    .where('external_id', '=', externalId);
  return (lock ? q.forUpdate('people') : q).executeTakeFirst();
}

/** Who holds a medical record number (people_medical_record_number_key, unique). */
export function findPersonIdByRecordNumber(db: Db, recordNumber: string) {
  return db
    .selectFrom('people')
    .select(['id', 'external_id'])
    .where('medical_record_number', '=', recordNumber)
    .executeTakeFirst();
}

export async function insertPerson(db: Db, row: Insertable<PeopleTable>): Promise<void> {
  await db.insertInto('people').values(row).execute();
}

export async function updatePerson(db: Db, id: string, row: Updateable<PeopleTable>): Promise<void> {
  await db.updateTable('people').set(row).where('id', '=', id).execute();
}

/** The ids of the people with these external ids (those that exist). */
export function findPeopleByExternalIds(db: Db, externalIds: readonly string[]) {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('people')
    .select(['id', 'external_id', 'first_name', 'last_name'])
    .where('external_id', '=', sql<string>`any(${[...externalIds]}::text[])`)
    .execute();
}

// --- accounts ------------------------------------------------------------------------------------

/** The account with this external id and its person's external id, locked when `lock`. */
export function findAccountByExternalId(db: Db, externalId: string, lock = false) {
  // accounts_external_id_key (unique)
  const q = db
    .selectFrom('accounts')
    .leftJoin('people', 'people.id', 'accounts.person_id')
    .selectAll('accounts')
    .select([
      'people.external_id as person_external_id',
      'people.first_name as person_first_name',
      'people.last_name as person_last_name',
    ])
    .where('accounts.external_id', '=', externalId);
  return (lock ? q.forUpdate('accounts') : q).executeTakeFirst();
}

/** Who holds an account number (accounts_account_number_key, unique). */
export function findAccountIdByNumber(db: Db, accountNumber: string) {
  return db
    .selectFrom('accounts')
    .select('id')
    .where('account_number', '=', accountNumber)
    .executeTakeFirst();
}

export async function insertAccount(db: Db, row: Insertable<AccountsTable>): Promise<void> {
  await db.insertInto('accounts').values(row).execute();
}

export async function updateAccount(db: Db, id: string, row: Updateable<AccountsTable>): Promise<void> {
  await db.updateTable('accounts').set(row).where('id', '=', id).execute();
}

/** The external ids of the account's guarantors, in order (people made outside intake have none). */
export async function listGuarantorExternalIds(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('account_guarantors')
    .innerJoin('people', 'people.id', 'account_guarantors.person_id')
    .select('people.external_id')
    .where('account_guarantors.account_id', '=', accountId)
    .orderBy('people.external_id')
    .execute();
  return rows.flatMap((r) => (r.external_id ? [r.external_id] : []));
}

export function listGuarantorIds(db: Db, accountId: string) {
  return db
    .selectFrom('account_guarantors')
    .select('person_id')
    .where('account_id', '=', accountId)
    .execute();
}

export async function addGuarantors(db: Db, accountId: string, personIds: readonly string[]): Promise<void> {
  if (personIds.length === 0) return;
  await db
    .insertInto('account_guarantors')
    .values(personIds.map((personId) => ({ account_id: accountId, person_id: personId })))
    .execute();
}

export async function removeGuarantors(
  db: Db,
  accountId: string,
  personIds: readonly string[],
): Promise<void> {
  if (personIds.length === 0) return;
  await db
    .deleteFrom('account_guarantors')
    .where('account_id', '=', accountId)
    .where('person_id', '=', sql<string>`any(${[...personIds]}::uuid[])`)
    .execute();
}

export async function accountHasBills(db: Db, accountId: string): Promise<boolean> {
  // bills_account_due_idx
  const row = await db
    .selectFrom('bills')
    .select('id')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// --- idempotency ---------------------------------------------------------------------------------

/** Claims an Idempotency-Key in the transaction that makes its resource (idempotency.service runIdempotent). */
export async function insertIdempotencyClaim(db: Db, row: Insertable<IdempotencyKeysTable>): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}
