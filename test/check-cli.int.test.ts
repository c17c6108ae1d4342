import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { IntegrityReport } from '../src/modules/integrity/integrity.service';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/**
 * Three CLI runs take about 15 s of CPU (tsx start-up, PGlite start-up, seeding); the margin is for a
 * busy CI machine, where each process start can take several times longer.
 */
const CLI_TEST_TIMEOUT_MS = 150_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `settle <args>` as a real process, the way an operator or CI runs it (`npx tsx src/main.ts …`).
 * The local tsx binary is what npx would resolve; calling it directly saves npx's start-up.
 */
function settle(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['src/main.ts', ...args],
      { cwd: repoRoot, env, timeout: 90_000 },
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

/** The report `settle check` prints: the pretty-printed JSON object starting on a line of its own. */
function reportOf(result: CliResult): IntegrityReport {
  const start = result.stdout.search(/^\{$/m);
  if (start < 0) throw new Error(`no JSON report in output:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.slice(start)) as IntegrityReport;
}

/** The parent's environment without any database, mail or test settings that would leak in. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const {
    DATABASE_URL: _database,
    TEST_DATABASE_URL: _testDatabase,
    SMTP_URL: _smtp,
    DATA_DIR: _dataDir,
    ...env
  } = process.env;
  return { ...env, NODE_ENV: 'test', ...extra };
}

/** The bill a corruption made drift from its ledger; `bills` is not append-only, so this is possible. */
const CORRUPT_ONE_BILL = `
  update bills set balance_cents = balance_cents - 1
  where id = (select id from bills where balance_cents > 0 order by id limit 1)
  returning id`;

async function expectCleanThenCaught(env: NodeJS.ProcessEnv, corrupt: () => Promise<string>) {
  const seed = await settle(['seed'], env);
  expect(seed.code, seed.stderr).toBe(0);
  expect(seed.stdout).toMatch(/Seeded \d+ accounts, \d+ bills, \d+ members\./);

  const clean = await settle(['check'], env);
  expect(clean.code, clean.stderr).toBe(0);
  expect(reportOf(clean)).toMatchObject({ ok: true, violations: [] });

  const billId = await corrupt();

  const dirty = await settle(['check'], env);
  expect(dirty.code, dirty.stderr).toBe(1);
  const report = reportOf(dirty);
  expect(report.ok).toBe(false);
  expect(report.violations).toContainEqual({
    invariant: 'bill_balance_matches_ledger',
    detail: expect.objectContaining({ bill_id: billId }),
  });
  // The one bill, and only the invariant it breaks.
  expect(report.violations.map((v) => v.invariant)).toEqual(['bill_balance_matches_ledger']);
  const [violation] = report.violations;
  expect(Number(violation?.detail.ledger_cents) - Number(violation?.detail.balance_cents)).toBe(1);
}

describe('settle check (CLI)', () => {
  it(
    'on PGlite: passes on a seeded database and exits 1 naming a bill that drifted from its ledger',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'settle-check-'));
      try {
        await expectCleanThenCaught(cliEnv({ DATA_DIR: dataDir }), async () => {
          // The CLI has exited, so this process may open the data directory itself.
          const db = new PGlite(dataDir);
          try {
            const r = await db.query<{ id: string }>(CORRUPT_ONE_BILL);
            expect(r.rows).toHaveLength(1);
            return r.rows[0]!.id;
          } finally {
            await db.close();
          }
        });
      } finally {
        await rm(dataDir, { recursive: true, force: true });
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
      try {
        await admin.query(`create database ${name}`);
        await expectCleanThenCaught(cliEnv({ DATABASE_URL: url.toString() }), async () => {
          const client = new pg.Client({ connectionString: url.toString() });
          await client.connect();
          try {
            const r = await client.query<{ id: string }>(CORRUPT_ONE_BILL);
            expect(r.rows).toHaveLength(1);
            return r.rows[0]!.id;
          } finally {
            await client.end();
          }
        });
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
