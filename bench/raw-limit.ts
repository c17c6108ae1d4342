/**
 * The same run's limit: what the database does with a payment-shaped transaction and nothing else —
 * one insert with a unique key, one balance update, one ledger insert — at the same concurrency.
 * pgbench when it is installed (custom script, prepared statements), otherwise a raw SQL loop with pg.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import type { Db } from '../src/platform/db';
import { type LatencySummary, percentiles } from './protocol';

const BALANCE_ROWS = 100_000;

export interface RawLimitResult {
  method: string;
  tps: number;
  latency: LatencySummary;
}

export async function createRawTables(db: Db): Promise<void> {
  await sql`create table bench_raw_balances (id integer primary key, balance_cents bigint not null)`.execute(
    db,
  );
  await sql`insert into bench_raw_balances select g, 1000000000 from generate_series(1, ${BALANCE_ROWS}) g`.execute(
    db,
  );
  await sql`create table bench_raw_payments (
    id uuid primary key, balance_id integer not null, amount_cents bigint not null,
    created_at timestamptz not null default now())`.execute(db);
  await sql`create table bench_raw_ledger (
    id bigint generated always as identity primary key, balance_id integer not null,
    amount_cents bigint not null)`.execute(db);
  await sql`analyze bench_raw_balances`.execute(db);
}

const PGBENCH_SCRIPT = `\\set id random(1, ${BALANCE_ROWS})
\\set amount random(100, 10000)
BEGIN;
INSERT INTO bench_raw_payments (id, balance_id, amount_cents) VALUES (gen_random_uuid(), :id, :amount);
UPDATE bench_raw_balances SET balance_cents = balance_cents - :amount WHERE id = :id;
INSERT INTO bench_raw_ledger (balance_id, amount_cents) VALUES (:id, :amount);
END;
`;

export function findPgbench(): string | null {
  const candidates = ['pgbench'];
  const lib = '/usr/lib/postgresql';
  if (existsSync(lib)) {
    for (const v of readdirSync(lib).sort().reverse()) candidates.push(path.join(lib, v, 'bin', 'pgbench'));
  }
  for (const c of candidates) {
    if (spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0) return c;
  }
  return null;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

export async function pgbenchLimit(
  pgbench: string,
  url: string,
  clients: number,
  durationSeconds: number,
): Promise<RawLimitResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'settle-pgbench-'));
  try {
    const script = path.join(dir, 'payment.sql');
    writeFileSync(script, PGBENCH_SCRIPT);
    const { code, out } = await run(pgbench, [
      '--no-vacuum',
      '--protocol=prepared',
      `--client=${clients}`,
      '--jobs=2',
      `--time=${durationSeconds}`,
      `--file=${script}`,
      '--log',
      `--log-prefix=${path.join(dir, 'tx')}`,
      url,
    ]);
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out)?.[1];
    if (code !== 0 || !tps) throw new Error(`pgbench failed (exit ${code}):\n${out}`);
    // Per-transaction log: client_id transaction_no time_us script_no epoch epoch_us
    const latencies: number[] = [];
    for (const f of readdirSync(dir).filter((n) => n.startsWith('tx.'))) {
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const us = Number(line.split(' ')[2]);
        if (Number.isFinite(us) && line.length > 0) latencies.push(us / 1000);
      }
    }
    return { method: 'pgbench', tps: Number(tps), latency: percentiles(latencies) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RawClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

async function rawLoop(
  durationSeconds: number,
  concurrency: number,
  transaction: (work: (q: RawClient) => Promise<void>) => Promise<void>,
): Promise<{ tps: number; latency: LatencySummary }> {
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationSeconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const id = 1 + Math.floor(Math.random() * BALANCE_ROWS);
      const amount = 100 + Math.floor(Math.random() * 9_900);
      const t0 = performance.now();
      await transaction(async (q) => {
        await q.query(
          'insert into bench_raw_payments (id, balance_id, amount_cents) values (gen_random_uuid(), $1, $2)',
          [id, amount],
        );
        await q.query('update bench_raw_balances set balance_cents = balance_cents - $2 where id = $1', [
          id,
          amount,
        ]);
        await q.query('insert into bench_raw_ledger (balance_id, amount_cents) values ($1, $2)', [
          id,
          amount,
        ]);
      });
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { tps: latencies.length / elapsed, latency: percentiles(latencies) };
}

/** Fallback without pgbench: the same transaction from Node with pg, one connection per client. */
export async function nodePgLimit(
  url: string,
  clients: number,
  durationSeconds: number,
): Promise<RawLimitResult> {
  const pool = new pg.Pool({ connectionString: url, max: clients });
  try {
    const r = await rawLoop(durationSeconds, clients, async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await work(client);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    });
    return { method: `node pg loop (${clients} connections; pgbench not found)`, ...r };
  } finally {
    await pool.end();
  }
}

/** PGlite: the same transaction through the app's own (single) connection. */
export async function sameConnectionLimit(
  db: Db,
  concurrency: number,
  durationSeconds: number,
): Promise<RawLimitResult> {
  const r = await rawLoop(durationSeconds, concurrency, (work) =>
    db
      .transaction()
      .execute((trx) =>
        work({ query: (text, values = []) => trx.executeQuery(CompiledQuery.raw(text, values)) }),
      ),
  );
  return { method: 'raw SQL loop on the same single PGlite connection', ...r };
}
