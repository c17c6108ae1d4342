import { execFile } from 'node:child_process';
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
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['src/main.ts', 'import', ...args],
      { cwd: repoRoot, env, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`settle import ${args.join(' ')} did not run: ${err.message}\n${stderr}`));
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
