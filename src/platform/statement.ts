import { CompiledQuery, type Insertable } from 'kysely';
import { type ColumnSqlType, columnTypes, type TableWithColumnTypes } from '../db/columns';
import type { Database } from '../db/schema';
import type { Db } from './db';

/**
 * A phase of work that writes several tables (a payment attempt, a payment outcome) is sent as ONE
 * statement: a `guard` CTE decides whether the phase happens, and every other data-modifying CTE
 * writes its table only when the guard returned a row. One statement is one round trip and one
 * atomic transaction (foreign keys and triggers are still checked). Each module builds its own rows
 * and parts; the module that owns the phase composes the statement.
 *
 * These statements are built with the small `stmt` template below rather than Kysely's query
 * builder: their text is fixed per shape (rows travel as one array parameter per column), and
 * rendering a template is a string join, where building and compiling a Kysely tree for a ten-part
 * statement cost a measurable share of a payment's CPU (bench/README.md). They still run through Kysely
 * (`executeQuery`), inside or outside its transactions.
 */
export class Stmt {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

/** Raw SQL text (identifiers, keywords) that is never a parameter. Only for constants in our code. */
class Raw {
  constructor(readonly text: string) {}
}

/** `stmt\`select … where id = ${id}\``: values become parameters; nested `Stmt`s are spliced in. */
export function stmt(strings: TemplateStringsArray, ...values: unknown[]): Stmt {
  return new Stmt(strings, values);
}

/** A quoted identifier (a table or column name from our own schema types). */
export function ident(name: string): Stmt {
  return new Stmt([''], [new Raw(`"${name.replaceAll('"', '""')}"`)]);
}

export function joinStmts(parts: readonly Stmt[], separator = ', '): Stmt {
  if (parts.length === 0) return new Stmt([''], []);
  // ['', sep, …, sep, ''] around the parts.
  return new Stmt(['', ...parts.slice(1).map(() => separator), ''], parts);
}

export function renderStmt(root: Stmt): CompiledQuery {
  let text = '';
  const params: unknown[] = [];
  const walk = (s: Stmt) => {
    for (let i = 0; i < s.strings.length; i++) {
      text += s.strings[i];
      if (i < s.values.length) {
        const v = s.values[i];
        if (v instanceof Stmt) walk(v);
        else if (v instanceof Raw) text += v.text;
        else {
          params.push(v);
          text += `$${params.length}`;
        }
      }
    }
  };
  walk(root);
  return CompiledQuery.raw(text, params);
}

export async function runStmt<R>(db: Db, statement: Stmt): Promise<R[]> {
  const result = await db.executeQuery<R>(renderStmt(statement));
  return result.rows;
}

export const whenGuarded: Stmt = stmt`exists (select 1 from guard)`;

/**
 * An array parameter's element for a column of `type`: jsonb values travel as their JSON text (a JS
 * array would otherwise become a nested SQL array); pg writes every other value as its literal.
 */
function elementOf(value: unknown, type: ColumnSqlType): unknown {
  if (value === undefined || value === null) return null;
  return type === 'jsonb' ? JSON.stringify(value) : value;
}

/**
 * `unnest($1::<type>[], $2::<type>[], …) as <alias>(<column>, …)`: rows as a table, each column sent as
 * ONE array parameter of its own type, so any number of rows shares one statement text. PostgreSQL
 * reads a typed array faster than the same rows as JSON objects, and it is smaller: no key per value
 * (bench/README.md). A column a row lacks is null. Types are constants of our code, never input. A
 * column named in `shared` may travel once instead of per row (arraysTable).
 */
export function rowsTable<C extends string>(
  alias: string,
  types: Readonly<Record<C, ColumnSqlType>>,
  rows: readonly Readonly<Partial<Record<C, unknown>>>[],
  shared: readonly NoInfer<C>[] = [],
): Stmt {
  return arraysTable(
    alias,
    (Object.keys(types) as C[]).map((c) => {
      const type = types[c];
      return [c, type, rows.map((r) => elementOf(r[c], type))];
    }),
    shared,
  );
}

type ColumnValues = readonly [name: string, type: ColumnSqlType, values: readonly unknown[]];

/** Every value is the first (dates by instant). */
function sameThroughout(values: readonly unknown[]): boolean {
  const first = values[0];
  if (first instanceof Date) return values.every((v) => v instanceof Date && v.getTime() === first.getTime());
  return values.every((v) => v === first);
}

const sqlType = (type: ColumnSqlType, array: boolean) =>
  new Stmt([''], [new Raw(array ? `${type}[]` : type)]);

/**
 * rowsTable from its columns' names, types and values (each array holds one value per row). A column
 * named in `shared` travels as ONE scalar parameter when every row has the same value in it (the
 * batch's instant, the status every attempt starts in): PostgreSQL parses each array element on its
 * own, and a batch's rows repeat many such values (bench/README.md). List only columns that are the
 * same by construction, so that a call site keeps one statement text; one that differs after all is
 * sent as an array, and the rows are the same either way.
 */
function arraysTable(alias: string, columns: readonly ColumnValues[], shared: readonly string[] = []): Stmt {
  const once = new Set(
    columns
      .filter(([c, , values]) => shared.includes(c) && values.length > 0 && sameThroughout(values))
      .map(([c]) => c),
  );
  // One array at least, for the number of rows.
  const first = columns[0];
  if (first && once.size === columns.length) once.delete(first[0]);
  const arrays = columns.filter(([c]) => !once.has(c));
  const name = ident(alias);
  const table = stmt`unnest(${joinStmts(
    arrays.map(([, type, values]) => stmt`${values}::${sqlType(type, true)}`),
  )}) as ${name}(${joinStmts(arrays.map(([c]) => ident(c)))})`;
  if (once.size === 0) return table;
  const selected = columns.map(([c, type, values]) =>
    once.has(c) ? stmt`${values[0]}::${sqlType(type, false)} as ${ident(c)}` : stmt`${name}.${ident(c)}`,
  );
  return stmt`(select ${joinStmts(selected)} from ${table}) as ${name}`;
}

/** The first row's columns (every row must have the same) with their types, from columns.ts. */
function columnsOf<T extends TableWithColumnTypes>(table: T, first: object): Record<string, ColumnSqlType> {
  const known: Readonly<Record<string, ColumnSqlType>> = columnTypes[table];
  const types: Record<string, ColumnSqlType> = {};
  for (const c of Object.keys(first)) {
    const type = known[c];
    if (!type) throw new Error(`${table}.${c} has no type in db/columns.ts`);
    types[c] = type;
  }
  return types;
}

/**
 * `insert into <table> (<columns>) select <columns> from unnest(<one array per column>)`, only when
 * `when` holds. Every row must have the same keys (the first row names the columns); jsonb columns
 * take objects, not JSON strings.
 */
export function insertRows<T extends TableWithColumnTypes>(
  table: T,
  rows: readonly Insertable<Database[T]>[],
  when: Stmt = whenGuarded,
): Stmt {
  const first = rows[0];
  if (!first) throw new Error(`insertRows(${table}) needs at least one row`);
  const types = columnsOf(table, first);
  const columns = joinStmts(Object.keys(types).map(ident));
  return stmt`insert into ${ident(table)} (${columns})
    select ${columns} from ${rowsTable('r', types, rows as readonly Record<string, unknown>[])}
    where ${when}`;
}

/**
 * A part that later parts read by name: its `returning` rows are what it wrote (every CTE of a statement
 * reads the tables as they were before the statement, so only these show the rows as written).
 */
export class NamedPart {
  constructor(
    readonly name: string,
    readonly body: Stmt,
  ) {}
}

/** A part of a statement: most are anonymous, some are read by later parts (NamedPart). */
export type Part = Stmt | NamedPart;

/** `<prelude>, guard as (…), part0 as (…), …`: the CTEs of a guarded or a batch statement. */
function guardedCtes(opts: {
  prelude?: readonly (readonly [string, Stmt])[];
  guard: Stmt;
  parts: readonly Part[];
}): Stmt {
  return joinStmts([
    ...(opts.prelude ?? []).map(([name, body]) => stmt`${ident(name)} as (${body})`),
    stmt`guard as (${opts.guard})`,
    ...opts.parts.map((part, i) =>
      part instanceof NamedPart
        ? stmt`${ident(part.name)} as (${part.body})`
        : stmt`${ident(`part${i}`)} as (${part})`,
    ),
  ]);
}

/** The parts of one guarded statement, in order: `with guard as (…), part0 as (…), … select <result>`. */
export function guardedStatement(opts: {
  /** CTEs the guard reads (e.g. rows it locks), by name. */
  prelude?: readonly (readonly [string, Stmt])[];
  /** Must return a row for the phase to happen (an insert or update with `returning`). */
  guard: Stmt;
  parts: readonly Part[];
}): Stmt {
  return stmt`with ${guardedCtes(opts)} select (select count(*) from guard)::int as guarded`;
}

/** Runs a guarded statement; true when its guard returned a row (the phase happened). */
export async function runGuarded(db: Db, statement: Stmt): Promise<boolean> {
  const rows = await runStmt<{ guarded: number }>(db, statement);
  return rows[0]?.guarded === 1;
}

// ---------------------------------------------------------------------------------------------------
// Batches: one statement for many units of work (many payments), each of which happens or not on its
// own. The `guard` CTE returns the `id` (uuid) of every unit that happens; each row of every other part
// names its unit and is written only when that unit is among the guard's.

/** The column that names a row's unit in a batch part's rows (no table has a column of that name). */
const UNIT = 'batch_unit';

/** A row that belongs to one unit of a batch (e.g. a payment id). */
export interface UnitRow<T> {
  unit: string;
  row: T;
}

/** `where` condition of a batch part: its unit (an expression) is among those the guard let through. */
export function unitGuarded(unit: Stmt): Stmt {
  return stmt`${unit} in (select id from guard)`;
}

/**
 * `insert into <table>` of each row whose unit the guard let through. Like insertRows, the rows travel
 * as one array parameter per column; the first row names the columns.
 */
export function insertUnitRows<T extends TableWithColumnTypes>(
  table: T,
  rows: readonly UnitRow<Insertable<Database[T]>>[],
  /** Columns every row has the same value in by construction, sent once (see arraysTable). */
  shared: readonly (keyof Insertable<Database[T]> & string)[] = [],
): Stmt {
  const first = rows[0];
  if (!first) throw new Error(`insertUnitRows(${table}) needs at least one row`);
  const types = Object.entries(columnsOf(table, first.row));
  const names = types.map(([c]) => ident(c));
  const columns = types.map(
    ([c, type]): ColumnValues => [
      c,
      type,
      rows.map((r) => elementOf((r.row as Record<string, unknown>)[c], type)),
    ],
  );
  return stmt`insert into ${ident(table)} (${joinStmts(names)})
    select ${joinStmts(names.map((c) => stmt`r.${c}`))}
    from ${arraysTable('r', [...columns, [UNIT, 'uuid', rows.map((r) => r.unit)]], shared)}
    where ${unitGuarded(stmt`r.${ident(UNIT)}`)}`;
}

/** `with <prelude>, guard as (…), part0 as (…), … select id from guard`: the units that happened. */
export function batchStatement(opts: {
  prelude?: readonly (readonly [string, Stmt])[];
  /** Returns `id` (uuid) of each unit that happens. */
  guard: Stmt;
  parts: readonly Part[];
}): Stmt {
  return stmt`with ${guardedCtes(opts)} select id::text as id from guard`;
}

/** Runs a batch statement; the ids of the units that happened. */
export async function runBatch(db: Db, statement: Stmt): Promise<Set<string>> {
  const rows = await runStmt<{ id: string }>(db, statement);
  return new Set(rows.map((r) => r.id));
}
