import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
/** Each CLI run starts tsx (and for `start`, PGlite and its migrations): slow on a busy machine. */
const CLI_TEST_TIMEOUT_MS = 150_000;

/** A production environment that passes the configuration check, and nothing from the parent's. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function settle(args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      tsx,
      ['src/main.ts', ...args],
      { cwd: repoRoot, env, timeout: 90_000 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(new Error(`${err.message}\n${stderr}`));
        else resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

/** Resolves with everything printed once `pattern` appears on stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      if (pattern.test(out)) resolve(out);
    });
    child.stderr?.on('data', (chunk) => {
      err += String(chunk);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${out}\n${err}`)));
  });
}

async function countRows(dataDir: string, table: string): Promise<number> {
  const pglite = new PGlite(dataDir);
  try {
    const result = await pglite.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    return result.rows[0]?.n ?? -1;
  } finally {
    await pglite.close();
  }
}

describe('settle in production', () => {
  it(
    'start serves and runs the worker but never seeds the demo organization',
    async () => {
      const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'settle-prod-')), 'db');
      const child = spawn(tsx, ['src/main.ts', 'start'], {
        cwd: repoRoot,
        env: productionEnv({ DATA_DIR: dataDir, PORT: '0' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const out = await waitForOutput(child, /bill pay is running at/);
        expect(out).toContain('NODE_ENV=production: the demo organization is not seeded.');
        expect(out).not.toContain('Seeded');
        expect(out).not.toContain('npx settle demo');
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      expect(await countRows(dataDir, 'accounts')).toBe(0);
      expect(await countRows(dataDir, 'members')).toBe(0);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'seed and demo --members are refused unless the operator says it is a public demo',
    async () => {
      const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'settle-prod-')), 'db');
      for (const args of [['seed'], ['demo', '--members', '3']]) {
        const refused = await settle(args, productionEnv({ DATA_DIR: dataDir }));
        expect(refused.code, args.join(' ')).toBe(2);
        expect(refused.stderr).toMatch(/Refusing to add demo data with NODE_ENV=production/);
        expect(refused.stderr).toContain('--demo-in-production');
      }
      expect(existsSync(dataDir)).toBe(false);

      const allowed = await settle(['seed', '--demo-in-production'], productionEnv({ DATA_DIR: dataDir }));
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(allowed.stdout).toMatch(/^Seeded \d+ accounts/m);
      expect(await countRows(dataDir, 'accounts')).toBeGreaterThan(0);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'stops with a clear message, not a hang, when the database never answers',
    async () => {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const started = performance.now();
        const result = await settle(
          ['migrate'],
          productionEnv({
            DATABASE_URL: `postgres://settle:hunter2@127.0.0.1:${port}/settle`,
            DATABASE_CONNECT_TIMEOUT_MS: '500',
          }),
        );
        expect(result.code).toBe(1);
        expect(result.stderr.trim()).toMatch(
          new RegExp(
            `^The database at 127\\.0\\.0\\.1:${port}/settle did not answer within 500 ms \\(DATABASE_CONNECT_TIMEOUT_MS\\)`,
          ),
        );
        expect(result.stderr).not.toContain('hunter2');
        expect(result.stderr).not.toMatch(/\n\s+at /);
        // tsx's own start-up is most of this; without the timeout it never ends.
        expect(performance.now() - started).toBeLessThan(60_000);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
