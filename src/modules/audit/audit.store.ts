import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

/** Audit rows are append-only (a trigger refuses UPDATE and DELETE). */
export async function insertAuditEvent(db: Db, row: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}
