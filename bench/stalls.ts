/**
 * `--stalls`: when the open loop's slow answers happened, and what the server was doing then. Slow
 * requests (bench/open-loop.ts `slow`, planned starts on the wall clock) are grouped into episodes;
 * beside each episode the report lists, for the same moments, the app process's garbage-collection
 * pauses and event-loop lags, and what PostgreSQL's active backends of the bench database were
 * waiting on (pg_stat_activity sampled every 20 ms on a connection of its own). A diagnostic: the
 * sampling costs a little CPU, so a run with `--stalls` is not a run for the figures.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import pg from 'pg';

/** Wall-clock milliseconds (performance.timeOrigin + performance.now()). */
const wallNow = () => performance.timeOrigin + performance.now();

interface Pause {
  at: number;
  ms: number;
  what: string;
}

interface WaitSample {
  at: number;
  /** Active backends by what they wait on ("CPU" when not waiting). */
  waits: Record<string, number>;
}

export interface StallRecorder {
  stop(): Promise<{ pauses: Pause[]; samples: WaitSample[]; loopP99Ms: number; loopMaxMs: number }>;
}

const GC_KINDS: Record<number, string> = { 1: 'gc minor', 2: 'gc major', 4: 'gc incremental', 8: 'gc weak' };

/** Starts recording the app's pauses (GC ≥ 5 ms, timer lag ≥ 15 ms) and PostgreSQL's wait events. */
export async function recordStalls(databaseUrl: string | null, dbName: string): Promise<StallRecorder> {
  const pauses: Pause[] = [];
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration < 5) continue;
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0;
      pauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration, what: GC_KINDS[kind] ?? 'gc' });
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // A 5 ms timer that fires late shows the event loop blocked (by GC, a long callback, or no CPU).
  let expected = wallNow() + 5;
  const lagTimer = setInterval(() => {
    const now = wallNow();
    if (now - expected >= 15) pauses.push({ at: expected, ms: now - expected, what: 'event loop late' });
    expected = now + 5;
  }, 5);

  const samples: WaitSample[] = [];
  let client: pg.Client | null = null;
  let sampling = true;
  let sampler: Promise<void> = Promise.resolve();
  if (databaseUrl) {
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const c = client;
    sampler = (async () => {
      while (sampling) {
        const at = wallNow();
        const { rows } = await c.query<{ w: string; n: string }>(
          `select coalesce(wait_event_type || ':' || wait_event, 'CPU') as w, count(*) as n
           from pg_stat_activity
           where (datname = $1 and state = 'active' and pid <> pg_backend_pid())
              or backend_type in ('walwriter', 'checkpointer', 'background writer')
                 and wait_event is distinct from null and wait_event not in ('WalWriterMain', 'CheckpointerMain', 'BgWriterHibernate', 'BgWriterMain')
           group by 1`,
          [dbName],
        );
        samples.push({ at, waits: Object.fromEntries(rows.map((r) => [r.w, Number(r.n)])) });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
  }

  return {
    async stop() {
      sampling = false;
      await sampler;
      await client?.end();
      clearInterval(lagTimer);
      gc.disconnect();
      loop.disable();
      return {
        pauses,
        samples,
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
      };
    },
  };
}

/** Slow requests grouped into episodes: a gap of more than 100 ms between planned starts ends one. */
function episodes(slow: readonly { plannedAt: number; latency: number }[]) {
  const sorted = [...slow].sort((a, b) => a.plannedAt - b.plannedAt);
  const out: { start: number; end: number; count: number; worst: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.plannedAt - last.end <= 100) {
      last.end = Math.max(last.end, r.plannedAt + r.latency);
      last.count++;
      last.worst = Math.max(last.worst, r.latency);
    } else out.push({ start: r.plannedAt, end: r.plannedAt + r.latency, count: 1, worst: r.latency });
  }
  return out;
}

/** Lines for the report: each episode of slow answers, with the pauses and waits seen during it. */
export function describeStalls(
  slow: readonly { plannedAt: number; latency: number }[],
  recorded: Awaited<ReturnType<StallRecorder['stop']>>,
  measureStart: number,
  slowMs: number,
): string[] {
  const lines = [
    `  stalls: ${slow.length} answers slower than ${slowMs} ms; app event loop delay p99 ${recorded.loopP99Ms.toFixed(1)} ms, ` +
      `max ${recorded.loopMaxMs.toFixed(1)} ms; ${recorded.pauses.filter((p) => p.what.startsWith('gc')).length} GC pauses ≥ 5 ms ` +
      `(${recorded.pauses
        .filter((p) => p.what.startsWith('gc'))
        .reduce((a, p) => a + p.ms, 0)
        .toFixed(0)} ms in all)`,
  ];
  const all = episodes(slow);
  const shown = [...all].sort((a, b) => b.worst - a.worst).slice(0, 8);
  for (const e of shown.sort((a, b) => a.start - b.start)) {
    const from = e.start - 50;
    const to = e.end;
    const during = recorded.pauses.filter((p) => p.at + p.ms >= from && p.at <= to);
    const pauses = [...during]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 6)
      .map((p) => `${p.what} ${p.ms.toFixed(0)} ms at +${(p.at - e.start).toFixed(0)}`);
    if (during.length > pauses.length) pauses.push(`${during.length - pauses.length} more`);
    const waits: Record<string, number> = {};
    let n = 0;
    for (const s of recorded.samples) {
      if (s.at < from || s.at > to) continue;
      n++;
      for (const [w, c] of Object.entries(s.waits)) waits[w] = (waits[w] ?? 0) + c;
    }
    const waitText = Object.entries(waits)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([w, c]) => `${w} ${(c / Math.max(n, 1)).toFixed(1)}`)
      .join(', ');
    lines.push(
      `    at ${((e.start - measureStart) / 1000).toFixed(2)} s: ${e.count} slow, worst ${e.worst.toFixed(0)} ms over ` +
        `${(e.end - e.start).toFixed(0)} ms; app: ${pauses.join('; ') || 'no pause'}; PostgreSQL active backends ` +
        `(mean of ${n} samples): ${waitText || 'none'}`,
    );
  }
  if (all.length > shown.length) lines.push(`    … and ${all.length - shown.length} smaller episodes`);
  return lines;
}
