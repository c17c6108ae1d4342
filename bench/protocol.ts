import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { OpenLoopResult } from './open-loop';

/** Messages between the bench (server side) and its load-generator child process. */

/** One pre-built guest payment: its own session, bill, processor token and client IP. */
export interface PaymentSpec {
  sessionToken: string;
  billId: string;
  amountCents: number;
  paymentToken: string;
  ip: string;
}

export type LoadJob =
  | { kind: 'health'; url: string; connections: number; durationSeconds: number }
  /** Signed-in members asking for their dashboard: each request with the next session cookie. */
  | { kind: 'dashboard'; url: string; connections: number; durationSeconds: number; cookies: string[] }
  | {
      kind: 'payments';
      url: string;
      connections: number;
      durationSeconds: number;
      payments: PaymentSpec[];
    };

/**
 * An open-loop run (`--rate`): `rate` requests per second at evenly spaced planned times for
 * `warmupSeconds + durationSeconds`, whatever the answers; latency counts from each planned start.
 * Payments need one payer per request (rate × (warm-up + duration)); dashboards cycle the cookies.
 */
export type OpenLoadJob = {
  kind: 'open';
  url: string;
  rate: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Most connections the generator keeps open to the server (requests beyond them wait, timed). */
  connections: number;
  /** `--stalls`: list measured requests slower than this many ms (planned start on the wall clock). */
  slowMs?: number;
} & ({ target: 'payments'; payments: PaymentSpec[] } | { target: 'dashboard'; cookies: string[] });

export interface OpenLoadResult extends OpenLoopResult {
  /** CPU seconds the load generator used during the measured period. */
  cpuSeconds: number;
  /** Share of the whole machine's CPU busy during the measured period (0–1), all processes. */
  machineBusy: number;
  /** The same, in CPU seconds (all cores). */
  machineBusySeconds: number;
  /** Requests sent in all, warm-up included. */
  sent: number;
}

/** The open loop's measured period begins or ends (sent while the job runs, before its result). */
export type MeasureMark = 'start' | 'end';

/** What the load generator sends back: marks while an open-loop job runs, then one result. */
export type LoadMessage =
  | { mark: MeasureMark }
  | { ok: true; result: LoadResult | OpenLoadResult }
  | { ok: false; error: string };

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  durationSeconds: number;
  /** CPU seconds the load generator itself used during the run. */
  cpuSeconds: number;
  /** Responses by HTTP status. */
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Latency of the responses that count (201 for payments, 200 for the trivial route), in ms. */
  latency: LatencySummary;
  /** Every pre-built payment was used before the time was up. */
  exhausted: boolean;
  /** Pre-built payments handed to autocannon (some may not have been sent when time ran out). */
  used: number;
}

export function percentiles(values: number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/** A distinct client address per payer, as a load balancer would forward it (10.x.y.z). */
export function payerIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

/** Busy and total CPU time of the whole machine so far (all cores), in seconds. */
export function machineCpu(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy: busy / 1000, total: total / 1000 };
}

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/**
 * CPU seconds used so far by a local PostgreSQL's processes that work for `dbName`: its backends and
 * the server's shared helpers (WAL writer, checkpointer, background writer), and the backends that
 * have ended (a pool closes idle connections), which the server's postmaster counts as its children's
 * time — of any database, so run nothing else on the server meanwhile. Null where /proc is not
 * readable (not Linux, or the server is elsewhere).
 */
export function postgresCpu(dbName: string): number | null {
  try {
    let ticks = 0;
    let seen = 0;
    const postmasters = new Set<string>();
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let cmdline: string;
      let stat: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        if (!cmdline.startsWith('postgres:')) continue;
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // the process ended meanwhile
      }
      const ours = cmdline.includes(` ${dbName} `);
      const helper = /: (walwriter|checkpointer|background writer)/.test(cmdline);
      if (!ours && !helper) continue;
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      postmasters.add(fields[1] ?? '');
      seen++;
    }
    for (const pid of postmasters) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // cutime and cstime: the CPU of the children it has waited for.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[13]) + Number(fields[14]);
      } catch {
        // the server stopped meanwhile
      }
    }
    return seen > 0 ? ticks / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
