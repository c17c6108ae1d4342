import type { Db } from '../../platform/db';

export async function insertGuestSession(
  db: Db,
  row: {
    id: string;
    token_hash: string;
    account_id: string;
    bill_ids: string[];
    ip: string | null;
    created_at: Date;
    expires_at: Date;
  },
): Promise<void> {
  await db.insertInto('guest_sessions').values(row).execute();
}

export function findLiveGuestSession(db: Db, tokenHash: string, now: Date) {
  // guest_sessions_token_hash_key (unique)
  return db
    .selectFrom('guest_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function extendGuestSession(db: Db, id: string, expiresAt: Date): Promise<void> {
  await db.updateTable('guest_sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteGuestSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('guest_sessions').where('id', '=', id).execute();
}

export async function deleteExpiredGuestSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('guest_sessions').where('expires_at', '<=', now).execute();
}

/** The account a guest named, matched on every printed number in one query shape whatever the outcome. */
export function findAccountForLookup(
  db: Db,
  accountNumber: string,
  regionId: string,
  kind: 'medical' | 'premium',
) {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('account_number', '=', accountNumber)
    .where('region_id', '=', regionId)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export function findPremiumInvoice(db: Db, invoiceNumber: string) {
  return db
    .selectFrom('bills')
    .select(['id', 'account_id'])
    .where('number', '=', invoiceNumber)
    .where('kind', '=', 'premium')
    .executeTakeFirst();
}

export function listOpenBillIds(db: Db, accountId: string) {
  // bills_account_due_idx
  return db
    .selectFrom('bills')
    .select('id')
    .where('account_id', '=', accountId)
    .where('status', '=', 'open')
    .orderBy('due_date')
    .execute();
}

export function findGuestSessionWithAccount(db: Db, sessionId: string) {
  return db
    .selectFrom('guest_sessions')
    .innerJoin('accounts', 'accounts.id', 'guest_sessions.account_id')
    .select([
      'guest_sessions.expires_at',
      'accounts.kind',
      'accounts.region_id',
      'accounts.account_number',
      'accounts.holder_first_name',
      'accounts.holder_last_name',
    ])
    .where('guest_sessions.id', '=', sessionId)
    .executeTakeFirst();
}
