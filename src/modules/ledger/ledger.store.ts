import type { Insertable } from 'kysely';
import type { LedgerLinesTable, LedgerPostingsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

export async function insertPosting(
  db: Db,
  posting: Insertable<LedgerPostingsTable>,
  lines: Omit<Insertable<LedgerLinesTable>, 'posting_id'>[],
): Promise<void> {
  await db.insertInto('ledger_postings').values(posting).execute();
  await db
    .insertInto('ledger_lines')
    .values(lines.map((l) => ({ ...l, posting_id: posting.id })))
    .execute();
}
