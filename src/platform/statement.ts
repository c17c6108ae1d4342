import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/schema';

/**
 * A phase of work that writes several tables (a payment attempt, a payment outcome) is sent as ONE
 * statement: a `guard` CTE decides whether the phase happens, and every other data-modifying CTE
 * writes its table only `when` the guard returned a row. One statement is one round trip and one
 * atomic transaction (foreign keys and triggers are still checked), which is what lets the payment
 * path reach its throughput target (bench/README.md). Each module builds its own rows and parts; the
 * module that owns the phase composes the statement.
 */
export const whenGuarded: RawBuilder<boolean> = sql<boolean>`exists (select 1 from guard)`;

/** Row values are JSON-encoded so that one statement text serves any number of rows. */
function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * `insert into <table> (<columns>) select <columns> from jsonb_populate_recordset(null::<table>, $rows)`,
 * only when `when` holds. Every row must have the same keys (the first row names the columns);
 * jsonb columns take objects, not JSON strings. Column types come from the table itself.
 */
export function insertRows<T extends keyof Database & string>(
  table: T,
  rows: readonly Insertable<Database[T]>[],
  when: RawBuilder<boolean> = whenGuarded,
): RawBuilder<unknown> {
  const first = rows[0];
  if (!first) throw new Error(`insertRows(${table}) needs at least one row`);
  const columns = sql.join(Object.keys(first).map((c) => sql.ref(c)));
  return sql`insert into ${sql.table(table)} (${columns})
    select ${columns} from jsonb_populate_recordset(null::${sql.table(table)}, ${json(rows)}::jsonb)
    where ${when}`;
}

/** The parts of one guarded statement, in order: `with guard as (…), p1 as (…), … select <result>`. */
export function guardedStatement<R>(opts: {
  /** CTEs the guard reads (e.g. rows it locks), by name. */
  prelude?: readonly (readonly [string, RawBuilder<unknown>])[];
  /** Must return a row for the phase to happen (an insert or update with `returning`). */
  guard: RawBuilder<unknown>;
  parts: readonly RawBuilder<unknown>[];
  /** The statement's single result row; by default how many rows the guard returned. */
  result?: RawBuilder<R>;
}): RawBuilder<R> {
  const ctes = [
    ...(opts.prelude ?? []).map(([name, body]) => sql`${sql.id(name)} as (${body})`),
    sql`guard as (${opts.guard})`,
    ...opts.parts.map((body, i) => sql`${sql.id(`part${i}`)} as (${body})`),
  ];
  const result = opts.result ?? sql`(select count(*) from guard)::int as guarded`;
  return sql<R>`with ${sql.join(ctes)} select ${result}`;
}
