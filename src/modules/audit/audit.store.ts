import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';

export type AuditEntry = Omit<Insertable<AuditEventsTable>, 'id' | 'at'>;

/** Audit rows are append-only (a trigger refuses UPDATE and DELETE). */
export async function insertAuditEvent(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({ id: newId(), ...entry })
    .execute();
}
