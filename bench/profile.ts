/**
 * Where a guest payment's time goes, without HTTP or load-generator noise:
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/profile.ts [--payments 1000] [--concurrency 1] [--statements]
 * With `--dashboard [--members 100000]`, the same for signed-in members' dashboards (`--payments` is then
 * the number of dashboards, each a different member's, spread over all of them).
 * Pays bills through app.inject on a fresh database and prints wall time, this process's CPU time and the
 * number of SQL statements per payment (with --statements, each statement's share). CPU per payment is
 * the figure that decides throughput on two cores shared with PostgreSQL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { seedBulkMembers } from '../src/modules/demo/bulk-members';
import { openDb } from '../src/platform/db';
import { createLogger } from '../src/platform/logger';
import { hashPassword } from '../src/platform/passwords';
import { openRuntime } from '../src/runtime';
import { openBenchSessions } from './harness';
import { explainSlowerThan } from './pg-diagnostics';
import { postgresCpu } from './protocol';
import { seedPayers } from './seed';

const WARMUP = 200;
const { values: args } = parseArgs({
  options: {
    payments: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '1' },
    statements: { type: 'boolean', default: false },
    /** Prints, for one pooled connection, how often each prepared statement was planned generically or per call. */
    plans: { type: 'boolean', default: false },
    /** Connection pool size (default: the app's own default). */
    pool: { type: 'string' },
    /** Profiles `GET /api/v1/member/dashboard` instead of guest payments. */
    dashboard: { type: 'boolean', default: false },
    /** auto_explain logs the plans of statements slower than this many ms (bench/pg-diagnostics.ts). */
    'explain-slower-than': { type: 'string' },
    /** Demo members seeded for --dashboard. */
    members: { type: 'string', default: '100000' },
  },
});
const n = Number(args.payments);
const concurrency = Number(args.concurrency);
const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl)
  throw new Error('Set BENCH_DATABASE_URL to a PostgreSQL server (a database is created and dropped)');

let statements = 0;
const byText = new Map<string, number>();
const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
const original = proto.query;
proto.query = function (this: unknown, ...a: unknown[]) {
  statements++;
  const first = a[0];
  const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
  const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
  byText.set(key, (byText.get(key) ?? 0) + 1);
  return original.apply(this, a);
};

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
const dbName = `settle_profile_${process.pid}`;
await admin.query(`create database ${dbName}`);
if (args['explain-slower-than'] !== undefined)
  await explainSlowerThan(admin, dbName, Number(args['explain-slower-than']));
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
try {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1',
    LOG_LEVEL: 'warn',
    TRUST_PROXY: '1',
    DATABASE_URL: dbUrl.toString(),
  });
  const runtime = await openRuntime(config, {
    logger: createLogger('warn', process.stderr),
    ...(args.pool ? { handle: await openDb({ url: dbUrl.toString(), poolSize: Number(args.pool) }) } : {}),
  });
  const specs = args.dashboard
    ? []
    : await seedPayers(runtime.deps.db, n + WARMUP, new Date(Date.now() + 3600_000));
  let cookies: string[] = [];
  if (args.dashboard) {
    const members = Number(args.members);
    await seedBulkMembers(runtime.deps.db, {
      count: members,
      passwordHash: await hashPassword('bench member password'),
      regionId: config.organization.regions[0]?.id ?? 'ncal',
      stateCode: config.organization.regions[0]?.states[0]?.code ?? 'CA',
      now: new Date(),
    });
    cookies = await openBenchSessions(runtime, Math.min(members, n + WARMUP), { spread: true });
    await sql`analyze`.execute(runtime.deps.db);
  }
  const app = await buildApp(runtime.deps, { webDist: '/nonexistent' });
  await app.ready();
  const view = async (i: number) => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/member/dashboard',
      headers: {
        cookie: cookies[i % cookies.length] ?? '',
        'x-forwarded-for': `10.9.${(i >> 8) & 255}.${i & 255}`,
      },
    });
    if (res.statusCode !== 200) throw new Error(`dashboard ${i}: ${res.statusCode} ${res.body}`);
  };
  const pay = async (i: number) => {
    if (args.dashboard) return view(i);
    const p = specs[i];
    if (!p) throw new Error(`no payer ${i}`);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/guest/payments',
      headers: {
        authorization: `Bearer ${p.sessionToken}`,
        'idempotency-key': randomUUID(),
        'x-forwarded-for': p.ip,
      },
      payload: { billIds: [p.billId], amountCents: p.amountCents, paymentToken: p.paymentToken },
    });
    if (res.statusCode !== 201) throw new Error(`payment ${i}: ${res.statusCode} ${res.body}`);
  };
  for (let i = n; i < n + WARMUP; i++) await pay(i);

  statements = 0;
  byText.clear();
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpu(dbName);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await pay(next++);
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = postgresCpu(dbName);
  console.log(
    `${n} ${args.dashboard ? 'dashboards' : 'payments'}, concurrency ${concurrency}: ${(wall / n).toFixed(2)} ms wall and ` +
      `${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms CPU (user ${(cpu.user / 1000 / n).toFixed(2)}, ` +
      `system ${(cpu.system / 1000 / n).toFixed(2)}) per payment; ${(statements / n).toFixed(1)} SQL ` +
      `statements per payment; ${((n / wall) * 1000).toFixed(0)} payments/s` +
      (pg0 !== null && pg1 !== null
        ? `; PostgreSQL ${(((pg1 - pg0) * 1000) / n).toFixed(2)} ms CPU per payment`
        : ''),
  );
  if (args.statements) {
    for (const [text, count] of [...byText].sort((a, b) => b[1] - a[1])) {
      console.log(`${(count / n).toFixed(2).padStart(6)}  ${text}`);
    }
  }
  if (args.plans) {
    const { rows } = await sql<{ generic_plans: number; custom_plans: number; statement: string }>`
      select generic_plans, custom_plans, statement from pg_prepared_statements order by statement`.execute(
      runtime.deps.db,
    );
    for (const r of rows) {
      const text = r.statement.replace(/\s+/g, ' ').trim().slice(0, 70);
      console.log(
        `generic ${String(r.generic_plans).padStart(5)} custom ${String(r.custom_plans).padStart(5)}  ${text}`,
      );
    }
  }
  await app.close();
  await runtime.close();
} finally {
  await new Promise((r) => setTimeout(r, 200));
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
