import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/db';
import type { DbHandle } from '../platform/db';
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
