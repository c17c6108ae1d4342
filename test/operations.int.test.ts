import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import type { Config } from '../src/config';
import { listMigrationNames } from '../src/db/migrate';
import { type DbHandle, openDb } from '../src/platform/db';
import { DatabaseUnavailableError } from '../src/platform/db-health';
import { createLogger } from '../src/platform/logger';
import { openRuntime, type Runtime } from '../src/runtime';
import { testConfig } from './app';
import { openTestDb } from './db';

const silent = createLogger('silent');
const fastTimeouts = { connectMs: 400, statementMs: 30_000, idleInTransactionMs: 60_000 };

/** A TCP server that accepts connections and never says a word: a database that never answers. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `postgres://settle:secret@127.0.0.1:${port}/settle`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A web build with a source map next to its script, as `vite build` writes with source maps on. */
function fakeWebDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'settle-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Settle</title>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1);\n//# sourceMappingURL=app.js.map');
  writeFileSync(path.join(dir, 'assets', 'app.js.map'), '{"version":3,"sources":["secret.ts"]}');
  return dir;
}

async function appOn(
  handle: DbHandle,
  overrides: Partial<Config>,
  webDist = '/nonexistent',
): Promise<{ app: FastifyInstance; runtime: Runtime }> {
  const runtime = await openRuntime(testConfig(overrides), { handle, logger: silent, migrate: false });
  const app = await buildApp(runtime.deps, { webDist });
  await app.ready();
  return { app, runtime };
}

describe('readiness and liveness', () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let app: FastifyInstance;

  beforeAll(async () => {
    handle = await openTestDb();
    ({ app } = await appOn(handle, {}));
  });
  afterAll(async () => {
    await app.close();
    await handle.close();
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers 503 naming the pending migration when the database is one migration short', async () => {
    const last = listMigrationNames().at(-1) ?? '';
    await sql`delete from schema_migrations where name = ${last}`.execute(handle.db);
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        status: 503,
        code: 'not_ready',
        reason: 'migrations_pending',
        detail: '1 migration pending: run settle migrate',
        pendingMigrations: [last],
      });
      // Liveness does not depend on the database.
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await sql`insert into schema_migrations (name) values (${last})`.execute(handle.db);
    }
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('counts every migration as pending on a database never migrated', async () => {
    await sql`alter table schema_migrations rename to schema_migrations_aside`.execute(handle.db);
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        reason: 'migrations_pending',
        pendingMigrations: listMigrationNames(),
      });
    } finally {
      await sql`alter table schema_migrations_aside rename to schema_migrations`.execute(handle.db);
    }
  });
});

describe('a database that never answers', () => {
  let silentDb: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silentDb = await silentServer();
  });
  afterAll(async () => {
    await silentDb.close();
  });

  it('fails start-up within the connect timeout, saying which database did not answer', async () => {
    const started = performance.now();
    const opening = openRuntime(testConfig({ databaseUrl: silentDb.url, databaseTimeouts: fastTimeouts }), {
      logger: silent,
    });
    await expect(opening).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(opening).rejects.toThrow(
      /database at 127\.0\.0\.1:\d+\/settle did not answer within 400 ms \(DATABASE_CONNECT_TIMEOUT_MS\)/,
    );
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('names a refused connection as such', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      openRuntime(
        testConfig({
          databaseUrl: `postgres://settle:secret@127.0.0.1:${port}/settle`,
          databaseTimeouts: fastTimeouts,
        }),
        { logger: silent },
      ),
    ).rejects.toThrow(
      new RegExp(`^Cannot use the database at 127\\.0\\.0\\.1:${port}/settle: .*ECONNREFUSED`),
    );
  });

  it('answers /readyz with 503 quickly, and /healthz with 200', async () => {
    const handle = await openDb({ url: silentDb.url, timeouts: fastTimeouts });
    const { app, runtime } = await appOn(handle, { databaseTimeouts: fastTimeouts });
    try {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        code: 'not_ready',
        reason: 'database_unavailable',
        detail: 'The database is not available',
      });
      expect(res.json()).not.toHaveProperty('cause');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});

describe('an API call while the database does not answer', () => {
  let silentDb: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silentDb = await silentServer();
  });
  afterAll(async () => {
    await silentDb.close();
  });

  it('is a 503 problem with Retry-After, not a 500, and names nothing inside', async () => {
    const handle = await openDb({ url: silentDb.url, timeouts: fastTimeouts });
    const { app, runtime } = await appOn(handle, { databaseTimeouts: fastTimeouts });
    try {
      const started = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/guest/lookups',
        payload: { regionId: 'ncal', kind: 'medical', accountNumber: '10000001', postalCode: '94110' },
      });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['retry-after']).toBe('30');
      expect(res.json()).toMatchObject({ code: 'database_unavailable', status: 503 });
      expect(res.body).not.toMatch(/127\.0\.0\.1|timeout exceeded|secret/);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL timeouts', () => {
  it('ends a statement that runs past DATABASE_STATEMENT_TIMEOUT_MS', async () => {
    const base = await openTestDb();
    const handle = await openDb({
      url: base.url ?? '',
      timeouts: { connectMs: 2000, statementMs: 200, idleInTransactionMs: 60_000 },
    });
    try {
      await expect(sql`select pg_sleep(2)`.execute(handle.db)).rejects.toMatchObject({ code: '57014' });
      const settings = await sql<{ statement: string; idle: string }>`select
        current_setting('statement_timeout') as statement,
        current_setting('idle_in_transaction_session_timeout') as idle`.execute(handle.db);
      expect(settings.rows[0]).toEqual({ statement: '200ms', idle: '1min' });
    } finally {
      await handle.close();
      await base.close();
    }
  });
});

describe('production', () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  const webDist = fakeWebDist();
  beforeAll(async () => {
    handle = await openTestDb();
  });
  afterAll(async () => {
    await handle.close();
  });

  it('serves no source maps and no docs page, but the OpenAPI document and the web app', async () => {
    const { app } = await appOn(handle, { env: 'production' }, webDist);
    try {
      for (const url of ['/assets/app.js.map', '/assets/app.js%2Emap', '/assets/APP.JS.MAP', '/x.map?y=1']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.body, url).not.toContain('secret.ts');
      }
      expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/api/docs/static/index.html' })).statusCode).toBe(404);
      const openapi = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      expect(openapi.statusCode).toBe(200);
      expect(openapi.json()).toMatchObject({ openapi: '3.1.0' });
    } finally {
      await app.close();
    }
  });

  it('outside production keeps the docs page and the source maps for developers', async () => {
    const { app } = await appOn(handle, { env: 'development' }, webDist);
    try {
      const map = await app.inject({ method: 'GET', url: '/assets/app.js.map' });
      expect(map.statusCode).toBe(200);
      expect(map.body).toContain('secret.ts');
      expect((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode).not.toBe(404);
    } finally {
      await app.close();
    }
  });
});
