import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ImportView } from '../src/modules/imports/imports.schema';
import { hospitalBillBody, medicalAccountBody, newExternalId, personBody } from './intake';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Four CLI runs, each starting tsx and the database; slow on a busy machine. */
const CLI_TEST_TIMEOUT_MS = 400_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `settle import <args>` as a real process, the way an operator runs it. */
function settleImport(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return settle(['import', ...args], env);
}

function settle(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['src/main.ts', ...args],
      { cwd: repoRoot, env, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`settle ${args.join(' ')} did not run: ${err.message}\n${stderr}`));
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const {
    DATABASE_URL: _database,
    TEST_DATABASE_URL: _testDatabase,
    SMTP_URL: _smtp,
    DATA_DIR: _dataDir,
    ...env
  } = process.env;
  return { ...env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...extra };
}

async function importTwiceAndRefuse(env: NodeJS.ProcessEnv, dir: string): Promise<void> {
  const person = newExternalId('person');
  const account = newExternalId('account');
  const records = [
    { type: 'person', externalId: person, ...personBody() },
    { type: 'account', externalId: account, ...medicalAccountBody({ personExternalId: person }) },
    { type: 'bill', externalId: newExternalId('bill'), ...hospitalBillBody(account, [12_000, 500]) },
  ];
  const file = path.join(dir, 'records.ndjson');
  await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);

  const first = await settleImport([file, '--json'], env);
  expect(first.code, first.stderr).toBe(0);
  const view = JSON.parse(first.stdout) as ImportView;
  expect(view).toMatchObject({
    status: 'completed',
    counts: { total: 3, done: 3, failed: 0, remaining: 0 },
    results: { created: 3, updated: 0, unchanged: 0 },
    createdBy: 'cli',
  });
  // Not a terminal: a plain progress line, with the import's id.
  expect(first.stderr).toContain(`import ${view.id}: 3/3 records (100%), 0 refused`);

  const again = await settleImport([file], env);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/completed: 3 records, 0 created, 0 updated, 3 unchanged, 0 refused\./);

  const csv = path.join(dir, 'people.csv');
  await writeFile(
    csv,
    [
      'externalId,medicalRecordNumber,firstName,lastName,birthDate,regionId',
      `${newExternalId('person')},MRC${randomBytes(3).toString('hex')},Ana,Lee,1970-01-01,ncal`,
      `${newExternalId('person')},MRC${randomBytes(3).toString('hex')},Ana,Lee,1970-01-01,atlantis`,
    ].join('\n'),
  );
  const refused = await settleImport([csv, '--type', 'people'], env);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toMatch(/2 records, 1 created, 0 updated, 0 unchanged, 1 refused\./);
  expect(refused.stdout).toMatch(/line 3 \(person [^)]+\): .*regionId: Not a region of the organization/);

  const usage = await settleImport([csv], env);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain('type');
}

describe('settle import (CLI)', () => {
  it(
    'on PGlite: imports a file with progress and a summary, the same file again changes nothing, refused lines exit 1',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'settle-import-db-'));
      const dir = await mkdtemp(path.join(tmpdir(), 'settle-import-'));
      try {
        await importTwiceAndRefuse(cliEnv({ DATA_DIR: dataDir }), dir);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
        await rm(dir, { recursive: true, force: true });
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'on PostgreSQL: the same against a freshly created database',
    async () => {
      const adminUrl = process.env.TEST_DATABASE_URL ?? '';
      const name = `settle_cli_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const dir = await mkdtemp(path.join(tmpdir(), 'settle-import-'));
      try {
        await admin.query(`create database ${name}`);
        await importTwiceAndRefuse(cliEnv({ DATABASE_URL: url.toString() }), dir);
      } finally {
        await rm(dir, { recursive: true, force: true });
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe('settle import killed mid-import (SIGKILL)', () => {
  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'on PostgreSQL: --resume finishes it once the hold lapses, every record once, nothing lost',
    async () => {
      const adminUrl = process.env.TEST_DATABASE_URL ?? '';
      const name = `settle_cli_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const dir = await mkdtemp(path.join(tmpdir(), 'settle-import-'));
      const env = cliEnv({ DATABASE_URL: url.toString() });
      let db: pg.Client | null = null;
      try {
        await admin.query(`create database ${name}`);
        const bills: string[] = [];
        const records: object[] = [];
        for (let i = 0; i < 150; i++) {
          const person = newExternalId('person');
          const account = newExternalId('account');
          const bill = newExternalId('bill');
          bills.push(bill);
          records.push(
            { type: 'person', externalId: person, ...personBody() },
            { type: 'account', externalId: account, ...medicalAccountBody({ personExternalId: person }) },
            { type: 'bill', externalId: bill, ...hospitalBillBody(account, [12_000, 500]) },
          );
        }
        const file = path.join(dir, 'many.ndjson');
        await writeFile(file, records.map((r) => JSON.stringify(r)).join('\n'));

        const child = spawn(
          path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
          ['src/main.ts', 'import', file],
          {
            cwd: repoRoot,
            env,
            stdio: 'ignore',
            detached: true,
          },
        );
        const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
        // Once some lines are applied, kill the whole process group at once: no chance to clean up.
        db = new pg.Client({ connectionString: url.toString() });
        await db.connect();
        const started = Date.now();
        let done = 0;
        while (Date.now() - started < 150_000) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const row = await db
            .query<{ n: number }>(
              'select created_count + updated_count + unchanged_count as n from imports order by id desc limit 1',
            )
            .catch(() => ({ rows: [] as { n: number }[] }));
          done = Number(row.rows[0]?.n ?? 0);
          if (done >= 20) break;
        }
        expect(done).toBeGreaterThanOrEqual(20);
        process.kill(-(child.pid ?? 0), 'SIGKILL');
        await exited;
        const held = await db.query<{ id: string; status: string; lease_token: string | null; n: number }>(
          'select id, status, lease_token, created_count + unchanged_count + failed_count as n from imports',
        );
        expect(held.rows).toHaveLength(1);
        const importId = held.rows[0]!.id;
        expect(held.rows[0]).toMatchObject({ status: 'running', lease_token: expect.any(String) });
        expect(held.rows[0]!.n).toBeLessThan(450);

        // Its one-minute hold lapses (here, at once), and a run with --resume takes the import over.
        await db.query("update imports set lease_until = now() - interval '1 second'");
        const resumed = await settleImport(['--resume', importId, '--json'], env);
        expect(resumed.code, resumed.stderr).toBe(0);
        const view = JSON.parse(resumed.stdout) as ImportView;
        expect(view.status).toBe('completed');
        expect(view.counts).toEqual({ total: 450, done: 450, failed: 0, remaining: 0 });
        // At most the one line applied but not marked when the process died comes back unchanged.
        expect(view.results.updated).toBe(0);
        expect(view.results.unchanged).toBeLessThanOrEqual(1);
        expect(view.results.created + view.results.unchanged).toBe(450);

        const counts = await db.query<{ people: number; accounts: number; bills: number; versions: number }>(
          `select (select count(*)::int from people) as people, (select count(*)::int from accounts) as accounts,
             (select count(*)::int from bills) as bills, (select count(*)::int from bill_versions) as versions`,
        );
        expect(counts.rows[0]).toEqual({ people: 150, accounts: 150, bills: 150, versions: 150 });
        const found = await db.query<{ n: number }>(
          'select count(distinct external_id)::int as n from bills where external_id = any($1)',
          [bills],
        );
        expect(found.rows[0]?.n).toBe(150);
        const check = await settle(['check'], env);
        expect(check.code, check.stdout).toBe(0);
      } finally {
        await db?.end().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
