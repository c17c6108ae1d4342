import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { type DbHandle, openDb } from '../src/platform/db';

/** A fresh, migrated database for one test file: PGlite by default, PostgreSQL with TEST_DATABASE_URL. */
export async function openTestDb(): Promise<DbHandle & { url: string | null }> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const name = `settle_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    // Two test files run at once (vitest maxWorkers 2), each with its own pool and an admin client: 2 × 45
    // + 4 stays under PostgreSQL's default max_connections of 100, so no request meets "too many clients".
    const handle = await openDb({ url: dbUrl.toString(), poolSize: 45 });
    return {
      ...handle,
      url: dbUrl.toString(),
      async close() {
        await handle.close();
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dump = await readFile(inject('pgliteDump'));
  const pglite = new PGlite({ loadDataDir: new Blob([dump]) });
  const handle = await openDb({ pglite });
  return {
    ...handle,
    url: null,
    async close() {
      await handle.close();
      await pglite.close();
    },
  };
}
