import { describe, expect, it } from 'vitest';
import {
  batchStatement,
  guardedStatement,
  ident,
  insertRows,
  insertUnitRows,
  joinStmts,
  renderStmt,
  rowsTable,
  stmt,
} from './statement';

describe('stmt', () => {
  it('numbers parameters in order through nested parts and keeps identifiers out of them', () => {
    const inner = stmt`b = ${2} and c = ${'three'}`;
    const q = renderStmt(stmt`select ${ident('we"ird')} from t where a = ${1} and ${inner} and d = ${null}`);
    expect(q.sql).toBe('select "we""ird" from t where a = $1 and b = $2 and c = $3 and d = $4');
    expect(q.parameters).toEqual([1, 2, 'three', null]);
  });

  it('joins parts with a separator, and nothing for no parts', () => {
    expect(renderStmt(joinStmts([stmt`a`, stmt`b = ${1}`, stmt`c`])).sql).toBe('a, b = $1, c');
    expect(renderStmt(joinStmts([])).sql).toBe('');
  });

  it('writes rows as one array parameter per column, so any number of rows shares one statement text', () => {
    const one = renderStmt(insertRows('payment_allocations', [row('a')]));
    const two = renderStmt(insertRows('payment_allocations', [row('a'), row('b')]));
    expect(one.sql).toBe(two.sql);
    expect(one.sql).toContain(
      'from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::boolean[]) as "r"("payment_id", "bill_id", "account_id", "amount_cents", "live")',
    );
    expect(two.parameters.slice(0, 5)).toEqual([
      ['p', 'p'],
      ['a', 'b'],
      ['acc', 'acc'],
      [100, 100],
      [true, true],
    ]);
    expect(() => insertRows('payment_allocations', [])).toThrow(/at least one row/);
  });

  it('sends a jsonb column as JSON text per row, and a missing value as null', () => {
    const q = renderStmt(
      rowsTable('x', { id: 'uuid', detail: 'jsonb' }, [
        { id: 'a', detail: { list: [1, 2] } },
        { id: 'b', detail: ['c'] },
        { id: 'c' },
      ]),
    );
    expect(q.sql).toBe('unnest($1::uuid[], $2::jsonb[]) as "x"("id", "detail")');
    expect(q.parameters).toEqual([
      ['a', 'b', 'c'],
      ['{"list":[1,2]}', '["c"]', null],
    ]);
  });

  it('refuses a column the table has no type for', () => {
    expect(() =>
      insertRows('payment_allocations', [{ ...row('a'), colour: 'red' } as ReturnType<typeof row>]),
    ).toThrow('payment_allocations.colour has no type in db/columns.ts');
  });

  it('puts the prelude before the guard and numbers the parts', () => {
    const q = renderStmt(
      guardedStatement({ prelude: [['locked', stmt`select 1`]], guard: stmt`select ${1}`, parts: [stmt`x`] }),
    );
    expect(q.sql).toBe(
      'with "locked" as (select 1), guard as (select $1), "part0" as (x) select (select count(*) from guard)::int as guarded',
    );
  });
});

describe('batch statements', () => {
  it('write each row only when the guard let its unit through, with one statement text for any number of rows', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ unit: `u${i}`, row: row(`b${i}`) }));
    const one = renderStmt(insertUnitRows('payment_allocations', rows(1)));
    const many = renderStmt(insertUnitRows('payment_allocations', rows(500)));
    expect(one.sql).toBe(many.sql);
    expect(one.sql).toContain('where r."batch_unit" in (select id from guard)');
    expect(one.sql).toContain('select r."payment_id", r."bill_id"');
    expect(many.parameters).toHaveLength(6);
    expect(many.parameters[5]).toEqual(Array.from({ length: 500 }, (_, i) => `u${i}`));
    expect(() => insertUnitRows('payment_allocations', [])).toThrow(/at least one row/);
  });

  it('send a shared column once when every row has the same value in it, with one text for any number of rows', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 11, 6, 9, 0, 0, ms));
    const rows = (n: number, when: (i: number) => Date = () => at(0)) =>
      Array.from({ length: n }, (_, i) => ({
        unit: `u${i}`,
        row: {
          id: `e${i}`,
          payment_id: `p${i}`,
          account_id: 'acc',
          from_status: null,
          to_status: 'processing' as const,
          detail: null,
          at: when(i),
        },
      }));
    const shared = ['from_status', 'to_status', 'at'] as const;
    const one = renderStmt(insertUnitRows('payment_events', rows(1), [...shared]));
    const many = renderStmt(insertUnitRows('payment_events', rows(500), [...shared]));
    expect(one.sql).toBe(many.sql);
    expect(many.sql).toContain(
      'from (select "r"."id", "r"."payment_id", "r"."account_id", $1::text as "from_status", $2::text as "to_status", "r"."detail", $3::timestamp with time zone as "at", "r"."batch_unit" from unnest($4::uuid[], $5::uuid[], $6::uuid[], $7::jsonb[], $8::uuid[]) as "r"("id", "payment_id", "account_id", "detail", "batch_unit")) as "r"',
    );
    expect(many.parameters.slice(0, 3)).toEqual([null, 'processing', at(0)]);
    // Not listed: sent per row even when the same ('acc').
    expect(many.parameters[5]).toEqual(Array.from({ length: 500 }, () => 'acc'));

    // A listed column that differs after all travels as an array: the rows are the same.
    const differing = renderStmt(insertUnitRows('payment_events', rows(3, at), [...shared]));
    expect(differing.sql).toContain('$7::timestamp with time zone[]');
    expect(differing.parameters[6]).toEqual([at(0), at(1), at(2)]);
  });

  it('keep one array when every column is shared, for the number of rows', () => {
    const q = renderStmt(
      rowsTable(
        'x',
        { a: 'text', b: 'integer' },
        [
          { a: 'k', b: 1 },
          { a: 'k', b: 1 },
        ],
        ['a', 'b'],
      ),
    );
    expect(q.sql).toBe('(select "x"."a", $1::integer as "b" from unnest($2::text[]) as "x"("a")) as "x"');
    expect(q.parameters).toEqual([1, ['k', 'k']]);
  });

  it('answer the ids of the units that happened', () => {
    const q = renderStmt(
      batchStatement({
        prelude: [['ready', stmt`select 1`]],
        guard: stmt`select ${1} as id`,
        parts: [stmt`x`],
      }),
    );
    expect(q.sql).toBe(
      'with "ready" as (select 1), guard as (select $1 as id), "part0" as (x) select id::text as id from guard',
    );
  });
});

function row(billId: string) {
  return { payment_id: 'p', bill_id: billId, account_id: 'acc', amount_cents: 100, live: true };
}
