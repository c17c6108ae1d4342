import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/db';
import type { DbHandle } from '../platform/db';
import { rowsTable, runStmt, stmt } from '../platform/statement';
import { columnTypes } from './columns';

let handle: DbHandle;
beforeAll(async () => {
  handle = await openTestDb();
});
afterAll(async () => {
  await handle.close();
});

describe('column types', () => {
  it('match the migrated database for every table statements write as arrays', async () => {
    const tables = Object.keys(columnTypes);
    const { rows } = await sql<{ table_name: string; column_name: string; type: string }>`
      select c.relname as table_name, a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = any(${tables}::text[]) and a.attnum > 0 and not a.attisdropped
      order by c.relname, a.attnum`.execute(handle.db);
    const inDatabase: Record<string, Record<string, string>> = {};
    for (const r of rows) inDatabase[r.table_name] = { ...inDatabase[r.table_name], [r.column_name]: r.type };
    expect(Object.keys(inDatabase).sort()).toEqual([...tables].sort());
    for (const table of tables) {
      expect({ table, columns: inDatabase[table] }).toEqual({
        table,
        columns: columnTypes[table as keyof typeof columnTypes],
      });
    }
  });
});

describe('rows sent as array parameters', () => {
  it('arrive as sent, whatever their text holds', async () => {
    const rows = [
      {
        id: '01a24a72-4565-755e-9776-abac21a2ebc7',
        note: 'say "hi", {ok} \\ back\\slash',
        n: 1,
        big: 9_007_199_254_740_991,
        yes: true,
        at: new Date('2026-12-06T10:00:00.123Z'),
        day: '2028-02-29',
        detail: { quote: '"', list: [1, 'two', null], nested: { é: 'ü' } },
      },
      { id: null, note: 'NULL', n: null, big: -5, yes: false, at: null, day: null, detail: ['NULL', '{}'] },
      { id: null, note: '', n: 0, big: 0, yes: null, at: null, day: null, detail: null },
      { id: null, note: ' ,{}\n\t"\'', n: -1, big: 1, yes: null, at: null, day: null, detail: 'text' },
    ];
    const back = await runStmt<Record<string, unknown>>(
      handle.db,
      stmt`select * from ${rowsTable(
        'r',
        {
          id: 'uuid',
          note: 'text',
          n: 'integer',
          big: 'bigint',
          yes: 'boolean',
          at: 'timestamp with time zone',
          day: 'date',
          detail: 'jsonb',
        },
        rows,
      )}`,
    );
    expect(back).toEqual(rows);
  });

  it('arrive as sent when columns the rows share travel once', async () => {
    const at = new Date('2026-12-06T10:00:00.123Z');
    const detail = { list: [1, 'two'], quote: '"' };
    const types = {
      n: 'integer',
      note: 'text',
      at: 'timestamp with time zone',
      detail: 'jsonb',
      none: 'uuid',
    } as const;
    const rows = [0, 1, 2].map((n) => ({ n, note: 'say "hi", {ok}', at, detail, none: null }));
    const read = (sent: readonly Record<string, unknown>[], shared: (keyof typeof types)[]) =>
      runStmt<Record<string, unknown>>(
        handle.db,
        stmt`select * from ${rowsTable('r', types, sent, shared)} order by n`,
      );
    const shared: (keyof typeof types)[] = ['note', 'at', 'detail', 'none'];
    expect(await read(rows, shared)).toEqual(rows);
    // One that differs after all.
    const differing = rows.map((r) => ({ ...r, at: new Date(at.getTime() + r.n) }));
    expect(await read(differing, shared)).toEqual(differing);
  });
});
