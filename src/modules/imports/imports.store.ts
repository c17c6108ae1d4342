import { type Insertable, type Selectable, sql } from 'kysely';
import type { ImportLinesTable, ImportsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { storableJson } from './import-file';

export type ImportRow = Selectable<ImportsTable>;
export type ImportLineRow = Selectable<ImportLinesTable>;

export async function insertImport(db: Db, row: Insertable<ImportsTable>): Promise<void> {
  await db.insertInto('imports').values(row).execute();
}

/** Lines in statements of `chunk` rows (8 parameters a row, far below PostgreSQL's 65,535). */
export async function insertLines(db: Db, rows: readonly Insertable<ImportLinesTable>[], chunk = 1000) {
  for (let i = 0; i < rows.length; i += chunk) {
    await db
      .insertInto('import_lines')
      .values(rows.slice(i, i + chunk))
      .execute();
  }
}

export function findImport(db: Db, id: string): Promise<ImportRow | undefined> {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Imports, newest first (ids are time-ordered), after `before` when given. */
export function listImports(db: Db, limit: number, before: string | undefined): Promise<ImportRow[]> {
  let q = db.selectFrom('imports').selectAll().orderBy('id', 'desc').limit(limit);
  if (before) q = q.where('id', '<', before);
  return q.execute();
}

/** An import's refused lines in file order, after line `after` (import_lines_failed_idx). */
export function listFailedLines(db: Db, importId: string, limit: number, after: number) {
  return db
    .selectFrom('import_lines')
    .select(['line_no', 'kind', 'external_id', 'error'])
    .where('import_id', '=', importId)
    .where('status', '=', 'failed')
    .where('line_no', '>', after)
    .orderBy('line_no')
    .limit(limit)
    .execute();
}

/**
 * Takes the hold of an open import whose hold is free or has lapsed: the given one, or the oldest.
 * SKIP LOCKED: two workers asking at once never take the same one (imports_open_idx).
 */
export async function claimImport(
  db: Db,
  opts: { id: string | null; token: string; now: Date; until: Date },
): Promise<ImportRow | undefined> {
  const result = await sql<ImportRow>`
    update imports set status = 'running', lease_token = ${opts.token}, lease_until = ${opts.until},
      started_at = coalesce(started_at, ${opts.now}), updated_at = ${opts.now}
    where id = (
      select id from imports
      where status in ('queued', 'running') and (lease_until is null or lease_until <= ${opts.now})
        and (${opts.id}::uuid is null or id = ${opts.id}::uuid)
      order by id
      limit 1
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows[0];
}

/** The next lines to apply, in file order (import_lines_pending_idx). */
export function pendingLines(db: Db, importId: string, limit: number): Promise<ImportLineRow[]> {
  return db
    .selectFrom('import_lines')
    .selectAll()
    .where('import_id', '=', importId)
    .where('status', '=', 'pending')
    .orderBy('line_no')
    .limit(limit)
    .execute();
}

export type LineOutcome =
  | { status: 'done'; result: 'created' | 'updated' | 'unchanged' }
  | { status: 'failed'; error: Record<string, unknown> };

/**
 * Marks a line applied or refused (dropping its record: the person's details live on in the record it
 * made, not twice) and counts it, and renews the hold, if `token` still holds the
 * import: false when it does not (another holder took it over; its marks stand). A line already
 * marked (by that other holder) is not counted twice.
 */
export async function markLine(
  trx: Db,
  opts: { importId: string; lineNo: number; token: string; now: Date; until: Date; outcome: LineOutcome },
): Promise<boolean> {
  const held = await trx
    .updateTable('imports')
    .set({ lease_until: opts.until, updated_at: opts.now })
    .where('id', '=', opts.importId)
    .where('lease_token', '=', opts.token)
    .where('status', '=', 'running')
    .executeTakeFirst();
  if (held.numUpdatedRows === 0n) return false;
  const { outcome } = opts;
  const marked = await trx
    .updateTable('import_lines')
    .set(
      outcome.status === 'done'
        ? { status: 'done', result: outcome.result, record: null, updated_at: opts.now }
        : { status: 'failed', error: storableJson(outcome.error), record: null, updated_at: opts.now },
    )
    .where('import_id', '=', opts.importId)
    .where('line_no', '=', opts.lineNo)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (marked.numUpdatedRows === 0n) return true;
  const counter =
    outcome.status === 'failed'
      ? 'failed_count'
      : outcome.result === 'created'
        ? 'created_count'
        : outcome.result === 'updated'
          ? 'updated_count'
          : 'unchanged_count';
  await trx
    .updateTable('imports')
    .set((eb) => ({ [counter]: eb(counter, '+', 1) }))
    .where('id', '=', opts.importId)
    .execute();
  return true;
}

/** Gives the hold back (the next pass, of any worker, goes on), if `token` still holds it. */
export async function releaseImport(db: Db, importId: string, token: string, now: Date): Promise<void> {
  await db
    .updateTable('imports')
    .set({ lease_token: null, lease_until: null, updated_at: now })
    .where('id', '=', importId)
    .where('lease_token', '=', token)
    .execute();
}

/** Marks the import finished, if `token` still holds it and no line waits: the row, or undefined. */
export async function finishImport(
  trx: Db,
  importId: string,
  token: string,
  now: Date,
): Promise<ImportRow | undefined> {
  const result = await sql<ImportRow>`
    update imports set
      status = case when created_count + updated_count + unchanged_count = 0 and total_count > 0
        then 'failed' else 'completed' end,
      finished_at = ${now}, updated_at = ${now}, lease_token = null, lease_until = null
    where id = ${importId} and lease_token = ${token} and status = 'running'
      and not exists (select 1 from import_lines where import_id = ${importId} and status = 'pending')
    returning *`.execute(trx);
  return result.rows[0];
}
