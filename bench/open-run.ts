/**
 * `npm run bench -- --rate …`: the open-loop scenarios. Guest payments and member dashboards are offered
 * at fixed rates (bench/open-loop.ts), each latency counted from its planned start, so a server that
 * falls behind shows it in its percentiles instead of slowing the load generator down.
 */
import type { ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import type { Config } from '../src/config';
import { seedBulkMembers } from '../src/modules/demo/bulk-members';
import { checkIntegrity } from '../src/modules/integrity/integrity.service';
import { hashPassword } from '../src/platform/passwords';
import type { Runtime } from '../src/runtime';
import { checkpoint, openBenchSessions, runLoad, waitForQuiet } from './harness';
import type { LatencyHistogram } from './open-loop';
import { postgresCpu } from './protocol';
import { seedPayers } from './seed';
import { describeStalls, recordStalls } from './stalls';

export const OPEN_SCENARIOS = ['payments', 'dashboard'] as const;
export type OpenScenario = (typeof OPEN_SCENARIOS)[number];

/** Issue 13: guest payments at 200/s offered, p99 < 50 ms; dashboards at 400/s over 100,000 members, p99 < 30 ms. */
export const OPEN_TARGETS: Record<OpenScenario, { rate: number; p99Ms: number }> = {
  payments: { rate: 200, p99Ms: 50 },
  dashboard: { rate: 400, p99Ms: 30 },
};

const NAMES: Record<OpenScenario, string> = {
  payments: 'guest_payment_http',
  dashboard: 'member_dashboard_http',
};

export interface OpenRunOptions {
  runtime: Runtime;
  config: Config;
  url: string;
  child: ChildProcess;
  dbName: string;
  runs: { scenario: OpenScenario; rate: number }[];
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
  /** Demo members for the dashboard (default 100,000 on PostgreSQL, 5,000 on PGlite). */
  members: number | undefined;
  /** When the dashboard's members signed in (bench/harness.ts openBenchSessions). */
  signedInMinutesAgo: number;
  /** `--stalls`: answers slower than this (ms) are grouped and explained (bench/stalls.ts); null: off. */
  stallsMs: number | null;
  /** The bench database on PostgreSQL (for `--stalls`' wait-event sampling); null on PGlite. */
  databaseUrl: string | null;
  say: (line?: string) => void;
}

/** One JSON line per run: the closed-loop scenarios' fields, plus `offered_rate` and the rest. */
export interface OpenRow {
  scenario: string;
  throughput: number;
  p50_ms: number;
  p99_ms: number;
  limit: null;
  ratio: null;
  offered_rate: number;
  p90_ms: number;
  p999_ms: number;
  max_ms: number;
  /** Requests planned in the measured period. */
  planned: number;
  /** Connection errors and requests unanswered 30 s after the last was sent. */
  errors: number;
  /** Answers with another status than the scenario's success (201 or 200), by status. */
  other_statuses: Record<string, number>;
  /** Share of the machine's CPU busy in the measured period (every process: app, PostgreSQL, generator). */
  machine_busy: number;
  /** CPU per request answered in the measured period, in ms: the app process, PostgreSQL, the load generator. */
  app_cpu_ms: number;
  pg_cpu_ms: number | null;
  loadgen_cpu_ms: number;
  /** Share of the machine's CPU that other processes (not the bench's) kept busy in the measured period. */
  others_busy: number | null;
  target_p99_ms: number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runOpenScenarios(o: OpenRunOptions): Promise<{ rows: OpenRow[]; ok: boolean }> {
  const { runtime, say } = o;
  const onPg = runtime.handle.kind === 'postgres';
  const perRun = (rate: number) => Math.ceil(rate * o.warmupSeconds) + Math.ceil(rate * o.durationSeconds);
  say(
    `Open loop: ${o.warmupSeconds} s warm-up (not counted) + ${o.durationSeconds} s measured per run, ` +
      `up to ${o.connections} keep-alive connections, latency from each request's planned start`,
  );

  let cookies: string[] | null = null;
  const memberCount = o.members ?? (onPg ? 100_000 : 5_000);
  const rows: OpenRow[] = [];
  let paymentsRun = false;
  let payersSeeded = 0;
  for (const { scenario, rate } of o.runs) {
    let t0 = performance.now();
    let job: Parameters<typeof runLoad>[1] & { kind: 'open' };
    const base = {
      kind: 'open' as const,
      url: o.url,
      rate,
      warmupSeconds: o.warmupSeconds,
      durationSeconds: o.durationSeconds,
      connections: o.connections,
      ...(o.stallsMs === null ? {} : { slowMs: o.stallsMs }),
    };
    if (scenario === 'payments') {
      // A payer for every request: its own guest session, bill, card token and address.
      const payments = await seedPayers(
        runtime.deps.db,
        perRun(rate),
        new Date(Date.now() + 2 * 3600_000),
        payersSeeded,
      );
      payersSeeded += payments.length;
      say(`Set up ${payments.length} payers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      job = { ...base, target: 'payments', payments };
      paymentsRun = true;
    } else {
      if (!cookies) {
        await seedBulkMembers(runtime.deps.db, {
          count: memberCount,
          passwordHash: await hashPassword('bench member password'),
          regionId: o.config.organization.regions[0]?.id ?? 'ncal',
          stateCode: o.config.organization.regions[0]?.states[0]?.code ?? 'CA',
          now: new Date(),
        });
        // A session for as many members as the busiest dashboard run sends requests, spread over them all.
        const most = Math.max(...o.runs.filter((r) => r.scenario === 'dashboard').map((r) => perRun(r.rate)));
        cookies = await openBenchSessions(runtime, Math.min(memberCount, most), {
          spread: true,
          signedInMinutesAgo: o.signedInMinutesAgo,
        });
        await sql`analyze`.execute(runtime.deps.db);
        say(
          `Set up ${memberCount} members (${memberCount * 2} bills) and ${cookies.length} sessions spread over them, ` +
            `signed in ${o.signedInMinutesAgo} minutes before, ` +
            `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
      }
      job = { ...base, target: 'dashboard', cookies };
    }
    await checkpoint(runtime);
    t0 = performance.now();
    // The app's and PostgreSQL's CPU over the measured period, which the load generator marks.
    let app0 = process.cpuUsage();
    let app = app0;
    let pg0 = onPg ? postgresCpu(o.dbName) : null;
    let pg1 = pg0;
    const stalls = o.stallsMs === null ? null : await recordStalls(onPg ? o.databaseUrl : null, o.dbName);
    let measureStartWall = 0;
    const r = await runLoad(o.child, job, (mark) => {
      if (mark === 'start') {
        measureStartWall = performance.timeOrigin + performance.now();
        app0 = process.cpuUsage();
        pg0 = onPg ? postgresCpu(o.dbName) : null;
      } else {
        app = process.cpuUsage(app0);
        pg1 = onPg ? postgresCpu(o.dbName) : null;
      }
    });
    const appSeconds = (app.user + app.system) / 1e6;
    const pgSeconds = pg0 !== null && pg1 !== null ? pg1 - pg0 : null;
    // Requests whose clients gave up may still be running: let them finish before the next run.
    const quietMs = await waitForQuiet(runtime);
    if (quietMs > 1_000)
      say(`  (the server worked ${(quietMs / 1000).toFixed(1)} s more on abandoned requests)`);
    // Per request answered in the measured period: what the server did then, even when it fell behind.
    const perRequest = (s: number) => (s * 1000) / Math.max(r.answeredInPeriod, 1);
    const row: OpenRow = {
      scenario: NAMES[scenario],
      throughput: round(r.achievedRate, 1),
      p50_ms: round(r.latency.p50, 2),
      p99_ms: round(r.latency.p99, 2),
      limit: null,
      ratio: null,
      offered_rate: rate,
      p90_ms: round(r.latency.p90, 2),
      p999_ms: round(r.latency.p999, 2),
      max_ms: round(r.latency.max, 2),
      planned: r.planned,
      errors: r.errors,
      other_statuses: r.statusCounts,
      machine_busy: round(r.machineBusy, 3),
      app_cpu_ms: round(perRequest(appSeconds), 3),
      pg_cpu_ms: pgSeconds === null ? null : round(perRequest(pgSeconds), 3),
      loadgen_cpu_ms: round(perRequest(r.cpuSeconds), 3),
      others_busy:
        pgSeconds === null
          ? null
          : round(
              (r.machineBusy * Math.max(0, r.machineBusySeconds - appSeconds - pgSeconds - r.cpuSeconds)) /
                Math.max(r.machineBusySeconds, 1e-9),
              3,
            ),
      target_p99_ms: OPEN_TARGETS[scenario].p99Ms,
    };
    rows.push(row);
    const others = Object.entries(r.statusCounts).map(([s, n]) => `${n}×${s}`);
    say(
      `${row.scenario} at ${rate}/s offered: ${r.ok} of ${r.planned} planned answered ${scenario === 'payments' ? 201 : 200}` +
        `${others.length ? `, ${others.join(', ')}` : ''}, ${r.errors} errors; machine ${Math.round(r.machineBusy * 100)}% busy ` +
        `(${cpus().length} cores` +
        (row.others_busy === null
          ? ''
          : `; other processes than the bench's ${Math.round(row.others_busy * 100)}%`) +
        `); the load generator's worst lag behind its plan ${r.maxSendLagMs.toFixed(1)} ms; CPU per request: ` +
        `app ${row.app_cpu_ms} ms` +
        (row.pg_cpu_ms === null ? '' : `, PostgreSQL ${row.pg_cpu_ms} ms`) +
        `, load generator ${row.loadgen_cpu_ms} ms (${((performance.now() - t0) / 1000).toFixed(1)} s with warm-up and drain)`,
    );
    if (r.latencyAll.count > r.latency.count)
      say(`  every measured answer, failures included: ${describe(r.latencyAll)}`);
    if (stalls && o.stallsMs !== null)
      for (const line of describeStalls(r.slow, await stalls.stop(), measureStartWall, o.stallsMs)) say(line);
  }

  let ok = true;
  if (paymentsRun) {
    const integrity = await checkIntegrity(runtime.deps);
    ok = integrity.ok;
    say(
      integrity.ok
        ? 'integrity: clean'
        : `integrity: ${integrity.violations.length} VIOLATIONS:\n${JSON.stringify(integrity.violations.slice(0, 5), null, 2)}`,
    );
  }

  say();
  const header = [
    'scenario',
    'offered/s',
    'achieved/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms',
    'errors',
    'busy',
  ];
  const cells = rows.map((r) => [
    r.scenario,
    String(r.offered_rate),
    r.throughput.toFixed(1),
    r.p50_ms.toFixed(2),
    r.p90_ms.toFixed(2),
    r.p99_ms.toFixed(2),
    r.p999_ms.toFixed(2),
    r.max_ms.toFixed(2),
    String(r.errors + Object.values(r.other_statuses).reduce((a, b) => a + b, 0)),
    `${Math.round(r.machine_busy * 100)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const fmt = (c: string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
  say(fmt(header));
  say(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) say(fmt(c));
  say();
  for (const [k, r] of rows.entries()) {
    const run = o.runs[k];
    if (!run) continue;
    const target = OPEN_TARGETS[run.scenario];
    const atTarget = run.rate >= target.rate && (run.scenario !== 'dashboard' || memberCount >= 100_000);
    say(
      `target: ${r.scenario} p99 < ${target.p99Ms} ms at ${target.rate}/s` +
        (run.scenario === 'dashboard' ? ' over 100,000 members' : '') +
        (atTarget
          ? `: ${r.p99_ms < target.p99Ms && r.errors === 0 && Object.keys(r.other_statuses).length === 0 ? 'met' : 'MISSED'} (${r.p99_ms} ms at ${run.rate}/s)`
          : `: not this run's load (${run.rate}/s${run.scenario === 'dashboard' ? `, ${memberCount} members` : ''})`),
    );
  }
  return { rows, ok };
}

function describe(h: LatencyHistogram): string {
  return `p50 ${h.p50.toFixed(2)} ms, p99 ${h.p99.toFixed(2)} ms, max ${h.max.toFixed(2)} ms (${h.count})`;
}
