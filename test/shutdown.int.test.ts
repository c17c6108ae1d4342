import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Start-up (tsx, a new in-memory PGlite, migrations) is several seconds, more on a busy machine. */
const TEST_TIMEOUT_MS = 150_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** Whether a new TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let child: ChildProcess | null = null;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

describe('settle serve on SIGTERM', () => {
  it(
    'stops taking connections, lets the request in flight finish with 200, and exits 0',
    async () => {
      const port = await freePort();
      const { DATABASE_URL: _db, TEST_DATABASE_URL: _tdb, SMTP_URL: _smtp, ...env } = process.env;
      const output: string[] = [];
      const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
        cwd: repoRoot,
        env: {
          ...env,
          NODE_ENV: 'test',
          DATA_DIR: 'memory://',
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      proc.stdout?.on('data', (d: Buffer) => output.push(String(d)));
      proc.stderr?.on('data', (d: Buffer) => output.push(String(d)));
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));

      await waitFor(async () => (await get(port, '/healthz')).status === 200, 120_000, 'the server to start');

      const inFlight = get(port, '/dev/slow?ms=4000');
      // The request has reached the route before the signal.
      await waitFor(async () => output.join('').includes('/dev/slow'), 5_000, 'the slow request to arrive');
      const signalledAt = Date.now();
      proc.kill('SIGTERM');

      await waitFor(() => refused(port), 3_000, 'new connections to be refused');
      expect(Date.now() - signalledAt).toBeLessThan(3_500);
      expect(proc.exitCode).toBeNull();

      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ slept: 4000 });

      expect(await exited).toBe(0);
      expect(output.join('')).toContain('shutdown: draining');
    },
    TEST_TIMEOUT_MS,
  );
});

describe('settle worker on SIGTERM', () => {
  it(
    'finishes the job in hand, starts no other, and exits 0',
    async () => {
      const { DATABASE_URL: _db, TEST_DATABASE_URL: _tdb, SMTP_URL: _smtp, ...env } = process.env;
      const output: string[] = [];
      const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
        cwd: repoRoot,
        env: {
          ...env,
          NODE_ENV: 'test',
          DATA_DIR: 'memory://',
          LOG_LEVEL: 'info',
          // src/test-jobs.ts: each pass starts with a job that takes this long.
          SETTLE_TEST_SLOW_JOB_MS: '3000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      proc.stdout?.on('data', (d: Buffer) => output.push(String(d)));
      proc.stderr?.on('data', (d: Buffer) => output.push(String(d)));
      let exitedAt = 0;
      const exited = new Promise<number | null>((resolve) =>
        proc.once('exit', (code) => {
          exitedAt = Date.now();
          resolve(code);
        }),
      );
      const said = (text: string) => output.join('').includes(text);

      await waitFor(async () => said('test-slow-job: started'), 120_000, 'the worker to start a job');
      const signalledAt = Date.now();
      proc.kill('SIGTERM');

      // Still running a second later: the job in hand is not abandoned.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(proc.exitCode).toBeNull();
      expect(said('test-slow-job: finished')).toBe(false);

      expect(await exited).toBe(0);
      const log = output.join('');
      expect(log).toContain('shutdown: draining');
      expect(log).toContain('test-slow-job: finished');
      // It waited for the job (about 3 s from its start), and began no other pass.
      expect(exitedAt - signalledAt).toBeGreaterThan(1_000);
      expect(log.split('test-slow-job: started').length - 1).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );
});
