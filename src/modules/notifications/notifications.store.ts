import type { Insertable } from 'kysely';
import type { OutboxEmailsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

export async function insertOutboxEmail(db: Db, row: Insertable<OutboxEmailsTable>): Promise<void> {
  await db.insertInto('outbox_emails').values(row).execute();
}

/** Claims due emails; SKIP LOCKED so several workers never send the same one. */
export function claimDueEmails(db: Db, now: Date, limit: number) {
  // outbox_emails_due_idx (partial on status = 'pending')
  return db
    .selectFrom('outbox_emails')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Hides claimed emails from other workers until `until`; a send outcome then overwrites it. */
export async function leaseEmails(db: Db, ids: readonly string[], until: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox_emails').set({ next_attempt_at: until }).where('id', 'in', ids).execute();
}

export async function markEmailSent(db: Db, id: string, messageId: string, now: Date): Promise<void> {
  await db
    .updateTable('outbox_emails')
    .set((eb) => ({ status: 'sent', message_id: messageId, sent_at: now, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function markEmailRetry(
  db: Db,
  id: string,
  error: string,
  nextAttemptAt: Date,
  giveUp: boolean,
): Promise<void> {
  await db
    .updateTable('outbox_emails')
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
