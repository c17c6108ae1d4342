/**
 * What PostgreSQL did during a bench scenario, for finding a bad plan: `--table-stats` prints the
 * rows each table gave per payment (an index read that returns a hundred rows per payment, or a
 * sequential scan, stands out), and `--explain-slower-than <ms>` has auto_explain log the plan of
 * every statement slower than that (with actual rows and trigger times) to the server's log.
 * Both found the autopay run's idempotency-key read that searched by scope alone (bench/README.md).
 */
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../src/platform/db';

/** Has the server's auto_explain log the plans of the bench database's statements slower than `ms`. */
export async function explainSlowerThan(admin: pg.Client, dbName: string, ms: number): Promise<void> {
  if (!Number.isFinite(ms) || ms < 0) throw new Error('--explain-slower-than must be a number of ms ≥ 0');
  for (const setting of [
    `session_preload_libraries = 'auto_explain'`,
    `auto_explain.log_min_duration = ${ms}`,
    'auto_explain.log_analyze = on',
    'auto_explain.log_triggers = on',
  ]) {
    await admin.query(`alter database ${dbName} set ${setting}`);
  }
}

/**
 * Rows read (sequentially, through indexes) and written per table so far, and how many of the updates
 * were HOT (the new row version on the same page and no index touched).
 */
export type TableStats = Map<
  string,
  { seq: number; idx: number; written: number; updated: number; hot: number }
>;

export async function tableStats(db: Db): Promise<TableStats> {
  const { rows } = await sql<{
    relname: string;
    seq: string;
    idx: string;
    written: string;
    updated: string;
    hot: string;
  }>`
    select relname, coalesce(seq_tup_read, 0) as seq, coalesce(idx_tup_fetch, 0) as idx,
      n_tup_ins + n_tup_upd + n_tup_del as written, n_tup_upd as updated, n_tup_hot_upd as hot
    from pg_stat_user_tables`.execute(db);
  return new Map(
    rows.map((r) => [
      r.relname,
      {
        seq: Number(r.seq),
        idx: Number(r.idx),
        written: Number(r.written),
        updated: Number(r.updated),
        hot: Number(r.hot),
      },
    ]),
  );
}

/**
 * The tables that gave the most rows per payment between two readings. PostgreSQL's other backends
 * publish their counts when idle for a while, so `after` should be read about 11 s after the run.
 */
export function describeTableStats(
  before: TableStats,
  after: TableStats,
  payments: number,
  top = 14,
): string[] {
  const per = (n: number) => (n / Math.max(payments, 1)).toFixed(2);
  return [...after]
    .map(([table, a]) => {
      const b = before.get(table) ?? { seq: 0, idx: 0, written: 0, updated: 0, hot: 0 };
      return {
        table,
        seq: a.seq - b.seq,
        idx: a.idx - b.idx,
        written: a.written - b.written,
        updated: a.updated - b.updated,
        hot: a.hot - b.hot,
      };
    })
    .filter((t) => t.seq + t.idx + t.written > 0)
    .sort((x, y) => y.seq + y.idx - (x.seq + x.idx))
    .slice(0, top)
    .map(
      (t) =>
        `  ${t.table}: ${per(t.idx)} rows by index, ${per(t.seq)} by sequential scan, ${per(t.written)} written per payment` +
        (t.updated > 0 ? ` (${per(t.updated)} updated, ${per(t.hot)} of them HOT)` : ''),
    );
}

/** Waits until every backend has published its statistics (PostgreSQL flushes idle backends' after 10 s). */
export function statsSettled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 11_000));
}
