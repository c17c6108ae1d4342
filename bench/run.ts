/**
 * `npm run bench [-- --json] [-- --duration 10]`: guest payments through the HTTP API with the sandbox
 * processor at 50 concurrent payers, a trivial route for context, and the same run's limit (pgbench with
 * a payment-shaped transaction on the same database). BENCH_DATABASE_URL points it at a PostgreSQL
 * server, where it creates (and afterwards drops) a database of its own; without it the app runs on an
 * in-memory PGlite, whose figures are single-connection and not the target. After the signed-in
 * dashboard it runs the daily autopay over every demo member (`--autopay-seconds` caps it).
 * With `--rate`, it runs instead guest payments and dashboards open-loop at fixed offered loads
 * (bench/open-run.ts, bench/README.md).
 */

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { todayIn } from '../src/domain/dates';
import { runDueAutopay } from '../src/modules/autopay/autopay-run.service';
import { seedBulkMembers } from '../src/modules/demo/bulk-members';
import { checkIntegrity, type IntegrityReport } from '../src/modules/integrity/integrity.service';
import { createLogger } from '../src/platform/logger';
import { hashPassword } from '../src/platform/passwords';
import { openRuntime, type Runtime } from '../src/runtime';
import { seedDueAutopay } from './autopay-seed';
import { checkpoint, openBenchSessions, runLoad, startLoadGenerator } from './harness';
import { parseRates } from './open-loop';
import { OPEN_SCENARIOS, runOpenScenarios } from './open-run';
import { describeTableStats, explainSlowerThan, statsSettled, tableStats } from './pg-diagnostics';
import { type LoadResult, machineCpu, postgresCpu } from './protocol';
import {
  createRawTables,
  findPgbench,
  nodePgLimit,
  pgbenchLimit,
  type RawLimitResult,
  sameConnectionLimit,
} from './raw-limit';
import { seedPayers } from './seed';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const WARMUP_PAYERS = 2_000;
const TARGET = { throughput: 1_000, ratio: 0.35, p99Ms: 50 };
/** Issue 3: the signed-in dashboard at 200 concurrent members, p99 under 30 ms, with 100,000 members. */
const DASHBOARD = { connections: 200, members: 100_000, sessions: 5_000, p99Ms: 30 };
/**
 * Issue 4: the daily autopay run over every demo member, at least 3,000 payments/s and half the raw
 * limit. Three runners (three workers' runDueAutopay) on two cores: with two, both cores idled while
 * each runner waited on its commits (bench/README.md).
 */
const AUTOPAY = { runners: 3, batch: 500, throughput: 3_000, ratio: 0.5 };

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    /** Pre-built payers; default: more than the run can use (about 7,000 per second on PostgreSQL). */
    payers: { type: 'string' },
    /** Demo members for the dashboard scenario (default 100,000 on PostgreSQL, 5,000 on PGlite). */
    members: { type: 'string' },
    /** Longest the autopay run may take before its figures are taken (default 300 s). */
    'autopay-seconds': { type: 'string', default: '300' },
    /** Runners of the autopay run at once (each a worker's runDueAutopay; default AUTOPAY.runners). */
    'autopay-runners': { type: 'string', default: String(AUTOPAY.runners) },
    /** Counts SQL statements sent during the payment scenario (patches pg.Client; for profiling). */
    'count-statements': { type: 'boolean', default: false },
    /** PostgreSQL: rows read per table per automatic payment (bench/pg-diagnostics.ts). */
    'table-stats': { type: 'boolean', default: false },
    /** PostgreSQL: auto_explain logs the plans of statements slower than this many ms. */
    'explain-slower-than': { type: 'string' },
    /**
     * Open loop (bench/open-run.ts) instead of the closed-loop scenarios: `200` (guest payments and
     * dashboards each at 200/s offered), `200,400` (each at both), `payments=200,dashboard=400`.
     */
    rate: { type: 'string' },
    /** Open loop: seconds at the offered rate before the measured period (not counted). */
    warmup: { type: 'string', default: '3' },
    /** Open loop: most keep-alive connections to the server at once. */
    'open-connections': { type: 'string', default: '256' },
    /**
     * Open loop: when the dashboard's members signed in. 5 (default): over a minute ago, so each view
     * also renews its session's idle expiry (one more write); 0: just now, so it does not.
     */
    'signed-in-minutes-ago': { type: 'string', default: '5' },
    /**
     * Open loop, diagnostic: list episodes of answers slower than this many ms with the app's GC pauses
     * and event-loop lags and PostgreSQL's wait events at the same moments (bench/stalls.ts).
     */
    stalls: { type: 'string' },
    /**
     * PostgreSQL, diagnostic: a setting for the bench database (`name=value`, repeatable), e.g.
     * `--pg-set synchronous_commit=off` to see what waiting for WAL flushes costs.
     */
    'pg-set': { type: 'string', multiple: true },
  },
});
const durationSeconds = Number(args.duration);
if (!Number.isFinite(durationSeconds) || durationSeconds <= 0) throw new Error('--duration must be > 0');
const openRuns = args.rate === undefined ? null : parseRates(args.rate, OPEN_SCENARIOS);
const warmupSeconds = Number(args.warmup);
if (!Number.isFinite(warmupSeconds) || warmupSeconds < 0) throw new Error('--warmup must be ≥ 0');
const openConnections = Number(args['open-connections']);
if (!Number.isInteger(openConnections) || openConnections < 1)
  throw new Error('--open-connections must be a whole number ≥ 1');
const autopayRunners = Number(args['autopay-runners']);
if (!Number.isInteger(autopayRunners) || autopayRunners < 1)
  throw new Error('--autopay-runners must be a whole number ≥ 1');

/** People's output; with --json it goes to stderr so stdout carries only the JSON lines. */
function say(line = ''): void {
  (args.json ? process.stderr : process.stdout).write(`${line}\n`);
}

interface Row {
  scenario: string;
  throughput: number;
  p50_ms: number | null;
  p99_ms: number | null;
  limit: number | null;
  ratio: number | null;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function statementCounter(): { reset(): void; read(): number } {
  let count = 0;
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    count++;
    return original.apply(this, a);
  };
  return {
    reset: () => {
      count = 0;
    },
    read: () => count,
  };
}

function count(result: LoadResult, status: number): number {
  return result.statusCounts[String(status)] ?? 0;
}

function describeOthers(result: LoadResult, ok: number): string {
  const others = Object.entries(result.statusCounts)
    .filter(([s]) => Number(s) !== ok)
    .map(([s, n]) => `${n}×${s}`);
  const non2xx = Object.entries(result.statusCounts)
    .filter(([s]) => Number(s) < 200 || Number(s) > 299)
    .reduce((sum, [, n]) => sum + n, 0);
  const parts = [
    others.length ? `other responses: ${others.join(', ')}` : 'no other responses',
    `${non2xx} non-2xx`,
    `${result.errors} connection errors`,
    `${result.timeouts} timeouts`,
  ];
  return parts.join('; ');
}

async function main(): Promise<number> {
  const benchStarted = performance.now();
  const serverUrl = process.env.BENCH_DATABASE_URL;
  let dbUrl: string | undefined;
  let admin: pg.Client | null = null;
  const dbName = `settle_bench_${process.pid}`;
  if (serverUrl) {
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName}`);
    await admin.query(`create database ${dbName}`);
    if (args['explain-slower-than'] !== undefined) {
      await explainSlowerThan(admin, dbName, Number(args['explain-slower-than']));
    }
    for (const setting of args['pg-set'] ?? []) {
      const m = /^([a-z_.]+)=([A-Za-z0-9_.]+)$/.exec(setting);
      if (!m) throw new Error(`--pg-set takes name=value, got ${setting}`);
      await admin.query(`alter database ${dbName} set ${m[1]} = '${m[2]}'`);
    }
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }

  let runtime: Runtime | null = null;
  let app: FastifyInstance | null = null;
  let child: ChildProcess | null = null;
  try {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1',
      LOG_LEVEL: 'warn',
      // Payers reach the API through a load balancer, each from its own address (X-Forwarded-For).
      TRUST_PROXY: '1',
      DATA_DIR: 'memory://',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
      ...(process.env.ORGANIZATION_FILE ? { ORGANIZATION_FILE: process.env.ORGANIZATION_FILE } : {}),
    });
    runtime = await openRuntime(config, { logger: createLogger('warn', process.stderr) });
    const onPg = runtime.handle.kind === 'postgres';
    say(
      onPg
        ? `Settle bench on PostgreSQL (${new URL(serverUrl ?? '').host}, database ${dbName}), ${durationSeconds} s per scenario, ${CONNECTIONS} connections`
        : `Settle bench on in-memory PGlite, ${durationSeconds} s per scenario, ${CONNECTIONS} connections.\n` +
            '  PGlite is ONE connection inside this process: every transaction waits for the one before.\n' +
            '  These figures are not the target; set BENCH_DATABASE_URL=postgres://… for that.',
    );

    say(`Machine load average (1 min) before the run: ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
    if (openRuns) {
      app = await buildApp(runtime.deps, { webDist: '/nonexistent' });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      child = startLoadGenerator();
      const open = await runOpenScenarios({
        runtime,
        config,
        url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
        child,
        dbName,
        runs: openRuns,
        warmupSeconds,
        durationSeconds,
        connections: openConnections,
        members: args.members === undefined ? undefined : Number(args.members),
        signedInMinutesAgo: Number(args['signed-in-minutes-ago']),
        stallsMs: args.stalls === undefined ? null : Number(args.stalls),
        databaseUrl: dbUrl ?? null,
        say,
      });
      say(`Machine load average (1 min) after the run: ${loadavg()[0]?.toFixed(2)}`);
      say(`total bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
      if (args.json) for (const r of open.rows) process.stdout.write(`${JSON.stringify(r)}\n`);
      return open.ok ? 0 : 1;
    }
    const payerCount = Number(args.payers ?? Math.ceil(durationSeconds * (onPg ? 7_000 : 1_000)));
    let t0 = performance.now();
    const sessionsExpire = new Date(Date.now() + 2 * 3600_000);
    const seeded = await seedPayers(runtime.deps.db, payerCount + WARMUP_PAYERS, sessionsExpire);
    const warmup = seeded.slice(0, WARMUP_PAYERS);
    const payments = seeded.slice(WARMUP_PAYERS);
    await createRawTables(runtime.deps.db);
    say(
      `Set up ${payerCount} payers (account, bill, ledger posting, guest session, card token) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    app = await buildApp(runtime.deps, { webDist: '/nonexistent' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    child = startLoadGenerator();

    // 1. A trivial route, for context: what the framework and the load generator cost on these cores.
    const health = await runLoad(child, { kind: 'health', url, connections: CONNECTIONS, durationSeconds });
    const healthRow: Row = {
      scenario: 'trivial_route',
      throughput: round(count(health, 200) / health.durationSeconds, 1),
      p50_ms: round(health.latency.p50, 2),
      p99_ms: round(health.latency.p99, 2),
      limit: null,
      ratio: null,
    };

    // 2. Guest payments through the HTTP API, each from a different payer, after a short unmeasured
    // warm-up (JIT, connection pool) with payers of its own.
    await runLoad(child, {
      kind: 'payments',
      url,
      connections: CONNECTIONS,
      durationSeconds: WARMUP_SECONDS,
      payments: warmup,
    });
    await checkpoint(runtime);
    const counter = args['count-statements'] ? statementCounter() : null;
    counter?.reset();
    const serverCpu0 = process.cpuUsage();
    const machine0 = machineCpu();
    const pg0 = onPg ? postgresCpu(dbName) : null;
    const pay = await runLoad(child, {
      kind: 'payments',
      url,
      connections: CONNECTIONS,
      durationSeconds,
      payments,
    });
    const statements = counter?.read() ?? 0;
    const serverCpu = process.cpuUsage(serverCpu0);
    const machine1 = machineCpu();
    const pg1 = onPg ? postgresCpu(dbName) : null;
    const paid = count(pay, 201);

    t0 = performance.now();
    const integrity: IntegrityReport = await checkIntegrity(runtime.deps);
    const integritySeconds = (performance.now() - t0) / 1000;

    // 3. The same run's limit on the same database.
    await checkpoint(runtime);
    let raw: RawLimitResult;
    const rawCpu0 = machineCpu();
    if (onPg && dbUrl) {
      const pgbench = findPgbench();
      raw = pgbench
        ? await pgbenchLimit(pgbench, dbUrl, CONNECTIONS, durationSeconds)
        : await nodePgLimit(dbUrl, CONNECTIONS, durationSeconds);
    } else {
      raw = await sameConnectionLimit(runtime.deps.db, CONNECTIONS, durationSeconds);
    }
    const rawCpu1 = machineCpu();
    // How busy the cores were: a limit that leaves them idle waits on the disk's commit flushes.
    const rawBusy = (rawCpu1.busy - rawCpu0.busy) / Math.max(rawCpu1.total - rawCpu0.total, 1e-9);

    // 4. Signed-in members' dashboards: 100,000 demo members (as `settle demo --members` makes them), 200
    // at a time, each request with one of 5,000 sessions.
    t0 = performance.now();
    const memberCount = Number(args.members ?? (onPg ? DASHBOARD.members : 5_000));
    await seedBulkMembers(runtime.deps.db, {
      count: memberCount,
      passwordHash: await hashPassword('bench member password'),
      regionId: config.organization.regions[0]?.id ?? 'ncal',
      stateCode: config.organization.regions[0]?.states[0]?.code ?? 'CA',
      now: new Date(),
    });
    const cookies = await openBenchSessions(runtime, Math.min(DASHBOARD.sessions, memberCount));
    await sql`analyze`.execute(runtime.deps.db);
    const membersSeconds = (performance.now() - t0) / 1000;
    await checkpoint(runtime);
    await runLoad(child, {
      kind: 'dashboard',
      url,
      connections: DASHBOARD.connections,
      durationSeconds: WARMUP_SECONDS,
      cookies,
    });
    const dash = await runLoad(child, {
      kind: 'dashboard',
      url,
      connections: DASHBOARD.connections,
      durationSeconds,
      cookies,
    });
    const dashThroughput = count(dash, 200) / dash.durationSeconds;
    // Let requests autocannon left in flight finish before anything is closed.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // 5. The daily autopay run: every demo member's first bill noticed and due, charged as workers
    // would (claims of AUTOPAY.batch, AUTOPAY.runners at once) through the payments core.
    t0 = performance.now();
    const firstRegion = config.organization.regions[0];
    const chargeOn = todayIn(firstRegion?.timeZone ?? 'UTC', Temporal.Now.instant())
      .subtract({ days: 1 })
      .toString();
    const due = await seedDueAutopay(runtime.deps.db, { processor: runtime.deps.processor.name, chargeOn });
    // As a nightly database would be: the rows just seeded vacuumed, so autovacuum does not start on
    // them in the middle of the run (PGlite has no autovacuum to avoid).
    await sql`${sql.raw(runtime.handle.kind === 'postgres' ? 'vacuum analyze' : 'analyze')}`.execute(
      runtime.deps.db,
    );
    const autopaySetupSeconds = (performance.now() - t0) / 1000;
    await checkpoint(runtime);
    const autopayStarted = performance.now();
    const autopayDeadline = autopayStarted + Number(args['autopay-seconds']) * 1000;
    const autopayCounts = { paid: 0, declined: 0, skipped: 0, pending: 0 };
    const autopayDeps = runtime.deps;
    const tables0 = onPg && args['table-stats'] ? await tableStats(runtime.deps.db) : null;
    const autopayCpu0 = {
      app: process.cpuUsage(),
      machine: machineCpu(),
      pg: onPg ? postgresCpu(dbName) : null,
    };
    await Promise.all(
      Array.from({ length: autopayRunners }, async () => {
        for (;;) {
          const c = await runDueAutopay(autopayDeps, AUTOPAY.batch);
          for (const k of Object.keys(autopayCounts) as (keyof typeof autopayCounts)[])
            autopayCounts[k] += c[k];
          if (c.paid + c.declined + c.skipped + c.pending === 0 || performance.now() > autopayDeadline)
            return;
        }
      }),
    );
    const autopaySeconds = (performance.now() - autopayStarted) / 1000;
    const autopayThroughput = autopayCounts.paid / autopaySeconds;
    // Where the run's time went, per payment paid: the app process, PostgreSQL, the whole machine.
    const autopayAppCpu = process.cpuUsage(autopayCpu0.app);
    const autopayPg1 = onPg ? postgresCpu(dbName) : null;
    const autopayCpuMs = {
      app: (autopayAppCpu.user + autopayAppCpu.system) / 1000 / Math.max(autopayCounts.paid, 1),
      pg:
        autopayPg1 !== null && autopayCpu0.pg !== null
          ? ((autopayPg1 - autopayCpu0.pg) * 1000) / Math.max(autopayCounts.paid, 1)
          : null,
      machine: ((machineCpu().busy - autopayCpu0.machine.busy) * 1000) / Math.max(autopayCounts.paid, 1),
    };
    let autopayTables: string[] = [];
    if (tables0) {
      await statsSettled();
      autopayTables = describeTableStats(tables0, await tableStats(runtime.deps.db), autopayCounts.paid);
    }
    t0 = performance.now();
    const autopayIntegrity = await checkIntegrity(runtime.deps);
    const autopayIntegritySeconds = (performance.now() - t0) / 1000;

    const payThroughput = paid / pay.durationSeconds;
    const rows: Row[] = [
      {
        scenario: 'guest_payment_http',
        throughput: round(payThroughput, 1),
        p50_ms: round(pay.latency.p50, 2),
        p99_ms: round(pay.latency.p99, 2),
        limit: round(raw.tps, 1),
        ratio: round(payThroughput / raw.tps, 3),
      },
      {
        scenario: 'raw_limit',
        throughput: round(raw.tps, 1),
        p50_ms: round(raw.latency.p50, 2),
        p99_ms: round(raw.latency.p99, 2),
        limit: null,
        ratio: null,
      },
      healthRow,
      {
        scenario: 'member_dashboard_http',
        throughput: round(dashThroughput, 1),
        p50_ms: round(dash.latency.p50, 2),
        p99_ms: round(dash.latency.p99, 2),
        limit: healthRow.throughput,
        ratio: round(dashThroughput / Math.max(healthRow.throughput, 1e-9), 3),
      },
      {
        scenario: 'autopay_run',
        throughput: round(autopayThroughput, 1),
        p50_ms: null,
        p99_ms: null,
        limit: round(raw.tps, 1),
        ratio: round(autopayThroughput / raw.tps, 3),
      },
    ];

    say();
    const header = ['scenario', 'throughput/s', 'p50 ms', 'p99 ms', 'limit/s', 'ratio'];
    const cells = rows.map((r) => [
      r.scenario,
      r.throughput.toFixed(1),
      r.p50_ms?.toFixed(2) ?? '–',
      r.p99_ms?.toFixed(2) ?? '–',
      r.limit?.toFixed(1) ?? '–',
      r.ratio === null ? '–' : `${(r.ratio * 100).toFixed(1)}%`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
    const fmt = (c: string[]) =>
      c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
    say(fmt(header));
    say(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const c of cells) say(fmt(c));
    say();
    say(
      `guest_payment_http: ${paid} payments (201) in ${pay.durationSeconds.toFixed(2)} s; ${describeOthers(pay, 201)}`,
    );
    if (pay.exhausted)
      say(
        `  WARNING: all ${payments.length} pre-built payers were used up before the time was up: raise --payers`,
      );
    if (counter)
      say(
        `  ${statements} SQL statements sent by the app during the scenario ≈ ${(statements / Math.max(paid, 1)).toFixed(1)} per payment (BEGIN/COMMIT included)`,
      );
    {
      const server = (serverCpu.user + serverCpu.system) / 1e6;
      const busy = machine1.busy - machine0.busy;
      const total = machine1.total - machine0.total;
      const postgres = pg0 !== null && pg1 !== null ? pg1 - pg0 : null;
      const rest = Math.max(0, busy - server - pay.cpuSeconds - (postgres ?? 0));
      const perPayment = (s: number) => `${((s * 1000) / Math.max(paid, 1)).toFixed(2)} ms/payment`;
      say(
        `  CPU during the scenario (${cpus().length} cores, ${((100 * busy) / Math.max(total, 1e-9)).toFixed(0)}% busy): ` +
          `app server ${server.toFixed(1)} s (${perPayment(server)}${onPg ? '' : ', PGlite included'}), ` +
          (postgres === null ? '' : `PostgreSQL ${postgres.toFixed(1)} s (${perPayment(postgres)}), `) +
          `load generator ${pay.cpuSeconds.toFixed(1)} s, other processes on the machine ${rest.toFixed(1)} s`,
      );
    }
    say(`trivial_route: GET /healthz; ${describeOthers(health, 200)}`);
    say(
      `member_dashboard_http: GET /api/v1/member/dashboard at ${DASHBOARD.connections} connections over ${cookies.length} ` +
        `sessions, ${memberCount} members (${memberCount * 2} bills) set up in ${membersSeconds.toFixed(1)} s; ` +
        `limit = the trivial route; ${describeOthers(dash, 200)}`,
    );
    say(
      `autopay_run: ${due} due automatic payments (set up in ${autopaySetupSeconds.toFixed(1)} s) run by ` +
        `${autopayRunners} runners in claims of ${AUTOPAY.batch}: ${autopayCounts.paid} paid, ${autopayCounts.declined} declined, ` +
        `${autopayCounts.skipped} skipped, ${autopayCounts.pending} left pending, in ${autopaySeconds.toFixed(1)} s; ` +
        (autopayIntegrity.ok
          ? `integrity clean (${autopayIntegritySeconds.toFixed(1)} s)`
          : `${autopayIntegrity.violations.length} INTEGRITY VIOLATIONS`),
    );
    say(
      `  CPU per automatic payment: app ${autopayCpuMs.app.toFixed(3)} ms, ` +
        (autopayCpuMs.pg !== null ? `PostgreSQL ${autopayCpuMs.pg.toFixed(3)} ms, ` : '') +
        `whole machine ${autopayCpuMs.machine.toFixed(3)} ms (${AUTOPAY.throughput} payments/s on 2 cores needs ≤ ${(2000 / AUTOPAY.throughput).toFixed(3)} ms)`,
    );
    if (autopayTables.length > 0) say(`  rows per automatic payment, by table:\n${autopayTables.join('\n')}`);
    say(
      `raw_limit: ${raw.method}, ${CONNECTIONS} clients, insert with unique key + balance update + ledger insert per transaction; ` +
        `machine ${Math.round(rawBusy * 100)}% busy` +
        (rawBusy < 0.8
          ? " (bound by the disk's commit flushes more than by the CPU: a ratio to it is higher than to a CPU-bound limit)"
          : ''),
    );
    say(
      integrity.ok
        ? `integrity: clean (checkIntegrity over every bill and payment, ${integritySeconds.toFixed(1)} s)`
        : `integrity: ${integrity.violations.length} VIOLATIONS — this run's figures are worthless:\n${JSON.stringify(integrity.violations.slice(0, 5), null, 2)}`,
    );
    const payRow = rows[0];
    if (onPg && payRow) {
      const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
      say(
        `targets: ≥ ${TARGET.throughput} payments/s ${met(payRow.throughput >= TARGET.throughput)}; ` +
          `≥ ${TARGET.ratio * 100}% of the raw limit ${met((payRow.ratio ?? 0) >= TARGET.ratio)}; ` +
          `p99 < ${TARGET.p99Ms} ms ${met((payRow.p99_ms ?? Infinity) < TARGET.p99Ms)}`,
      );
      const autopayRow = rows.find((r) => r.scenario === 'autopay_run');
      say(
        `targets (autopay): ≥ ${AUTOPAY.throughput} payments/s ${met((autopayRow?.throughput ?? 0) >= AUTOPAY.throughput)}; ` +
          `≥ ${AUTOPAY.ratio * 100}% of the raw limit ${met((autopayRow?.ratio ?? 0) >= AUTOPAY.ratio)}`,
      );
      const dashRow = rows.find((r) => r.scenario === 'member_dashboard_http');
      say(
        `targets (dashboard): p99 < ${DASHBOARD.p99Ms} ms with ${memberCount} members ${met((dashRow?.p99_ms ?? Infinity) < DASHBOARD.p99Ms && memberCount >= DASHBOARD.members)}`,
      );
    } else {
      say('targets: not applicable on PGlite (single connection); run with BENCH_DATABASE_URL');
    }
    say(`Machine load average (1 min) after the run: ${loadavg()[0]?.toFixed(2)}`);
    say(`total bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);

    if (args.json) for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
    return integrity.ok && autopayIntegrity.ok ? 0 : 1;
  } finally {
    if (child?.connected) child.disconnect();
    await app?.close();
    await runtime?.close();
    if (admin) {
      // The pool's connections may still be closing: give them a moment before forcing them off.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          await admin.query(`drop database if exists ${dbName}`);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
