import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import type { ApiKeySummary } from '../src/modules/api-keys/api-keys.schema';
import { openDb } from '../src/platform/db';
import { createLogger } from '../src/platform/logger';
import { openRuntime } from '../src/runtime';
import { testConfig } from './app';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Six CLI runs (tsx and database start-up each) and three app starts; slow on a busy machine. */
const CLI_TEST_TIMEOUT_MS = 400_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `settle api-key <args>` as a real process, the way an administrator runs it. */
function settle(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
      ['src/main.ts', 'api-key', ...args],
      { cwd: repoRoot, env, timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`settle api-key ${args.join(' ')} did not run: ${err.message}\n${stderr}`));
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
  return { ...env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...extra };
}

type OpenHandle = () => Promise<Awaited<ReturnType<typeof openDb>> & { done?: () => Promise<void> }>;

/** Calls GET /api/v1/api-keys/current with each key, on an app over the CLI's database. */
async function statusesWith(open: OpenHandle, secrets: string[]): Promise<number[]> {
  const handle = await open();
  const runtime = await openRuntime(testConfig(), { handle, migrate: false, logger: createLogger('silent') });
  const app = await buildApp(runtime.deps, { webDist: '/nonexistent' });
  try {
    const statuses: number[] = [];
    for (const secret of secrets) {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/api-keys/current',
        headers: { authorization: `Bearer ${secret}` },
      });
      statuses.push(res.statusCode);
    }
    return statuses;
  } finally {
    await app.close();
    await runtime.close();
    await handle.done?.();
  }
}

async function createRotateRevoke(env: NodeJS.ProcessEnv, open: OpenHandle): Promise<void> {
  const created = await settle(
    ['create', '--name', 'Billing sync', '--scopes', 'bills:write,people:write', '--json'],
    env,
  );
  expect(created.code, created.stderr).toBe(0);
  const key = JSON.parse(created.stdout) as ApiKeySummary & { secret: string };
  expect(key).toMatchObject({
    name: 'Billing sync',
    scopes: ['bills:write', 'people:write'],
    createdBy: 'cli',
  });
  expect(key.secret).toMatch(new RegExp(`^sk_test_${key.id}_[a-z2-7]{52}$`));
  // Printed once, on stdout only: never in a log line.
  expect(created.stderr).not.toContain(key.secret);

  expect(await statusesWith(open, [key.secret])).toEqual([200]);

  const listed = await settle(['list', '--json'], env);
  expect(listed.code, listed.stderr).toBe(0);
  const keys = JSON.parse(listed.stdout) as ApiKeySummary[];
  expect(keys.map((k) => k.id)).toEqual([key.id]);
  expect(keys[0]?.lastUsedAt).not.toBeNull();
  expect(listed.stdout).not.toContain(key.secret.slice(-52));

  const rotated = await settle(['rotate', key.id, '--overlap-hours', '0', '--json'], env);
  expect(rotated.code, rotated.stderr).toBe(0);
  const secret2 = (JSON.parse(rotated.stdout) as { secret: string }).secret;
  expect(secret2).not.toBe(key.secret);
  expect(await statusesWith(open, [key.secret, secret2])).toEqual([401, 200]);

  const revoked = await settle(['revoke', key.id], env);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect(revoked.stdout).toContain(`${key.id}  Billing sync`);
  expect(revoked.stdout).toMatch(/revoked \d{4}-/);
  expect(await statusesWith(open, [secret2])).toEqual([401]);

  const bad = await settle(['create', '--name', 'x', '--scopes', 'bills:read'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--scopes');
}

describe('settle api-key (CLI)', () => {
  it(
    'on PGlite: creates a key printed once, lists, rotates and revokes it',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'settle-api-key-'));
      try {
        await createRotateRevoke(cliEnv({ DATA_DIR: dataDir }), async () => {
          // The CLI has exited, so this process may open the data directory itself.
          const pglite = new PGlite(dataDir);
          const handle = await openDb({ pglite });
          return { ...handle, done: () => pglite.close() };
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
        await createRotateRevoke(cliEnv({ DATABASE_URL: url.toString() }), () =>
          openDb({ url: url.toString(), poolSize: 2 }),
        );
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
