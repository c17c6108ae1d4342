import type { Insertable } from 'kysely';
import type { OutboxEmail, OutboxEmailsTable, OutboxText, OutboxTextsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

export async function insertOutboxEmail(db: Db, row: Insertable<OutboxEmailsTable>): Promise<void> {
  await db.insertInto('outbox_emails').values(row).execute();
}

/** The outbox tables: one row per message, delivered by the worker, with the same delivery columns. */
export type OutboxTable = 'outbox_emails' | 'outbox_texts';
export type OutboxRow<T extends OutboxTable> = { outbox_emails: OutboxEmail; outbox_texts: OutboxText }[T];

/** Claims due messages; SKIP LOCKED so several workers never send the same one. */
export function claimDue<T extends OutboxTable>(db: Db, table: T, now: Date, limit: number) {
  // outbox_*_due_idx (partial on status = 'pending')
  return db
    .selectFrom(table as OutboxTable)
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute() as Promise<OutboxRow<T>[]>;
}

/** Hides claimed messages from other workers until `until`; a send outcome then overwrites it. */
export async function lease(db: Db, table: OutboxTable, ids: readonly string[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable(table).set({ next_attempt_at: until }).where('id', 'in', ids).execute();
}

export async function markSent(
  db: Db,
  table: OutboxTable,
  id: string,
  messageId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable(table)
    .set((eb) => ({ status: 'sent', message_id: messageId, sent_at: now, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function markRetry(
  db: Db,
  table: OutboxTable,
  id: string,
  error: string,
  nextAttemptAt: Date,
  giveUp: boolean,
): Promise<void> {
  await db
    .updateTable(table)
    .set((eb) => ({
      status: giveUp ? 'failed' : 'pending',
      last_error: error.slice(0, 500),
      next_attempt_at: nextAttemptAt,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .execute();
}

export function listRecentEmails(db: Db, limit: number) {
  return db
    .selectFrom('outbox_emails')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export function findEmail(db: Db, id: string) {
  return db.selectFrom('outbox_emails').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertOutboxText(db: Db, row: Insertable<OutboxTextsTable>): Promise<void> {
  await db.insertInto('outbox_texts').values(row).execute();
}

export function listRecentTexts(db: Db, limit: number) {
  return db
    .selectFrom('outbox_texts')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
