/**
 * `npx tsx bench/autopay-profile.ts [--accounts 30000] [--runners 3] [--batch 500] [--table-stats]
 * [--explain-slower-than ms]`: the autopay run alone, without the rest of the bench, to see what one
 * automatic payment costs. On a database of its own on BENCH_DATABASE_URL's server, `--accounts`
 * members each get an automatic payment due (as the crash test and the bench set them up); `--runners`
 * in-process runners then call runDueAutopay with claims of `--batch` until none is due. Prints payments/s, the whole machine's busy CPU time per
 * payment (app and PostgreSQL together) and the app process's own, and checks integrity. The last two
 * options are bench/pg-diagnostics.ts's.
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { runDueAutopay } from '../src/modules/autopay/autopay-run.service';
import { checkIntegrity } from '../src/modules/integrity/integrity.service';
import { createLogger } from '../src/platform/logger';
import { openRuntime } from '../src/runtime';
import { seedMembersWithAutopayDue } from './autopay-seed';
import { describeTableStats, explainSlowerThan, statsSettled, tableStats } from './pg-diagnostics';
import { machineCpu } from './protocol';

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '30000' },
    runners: { type: 'string', default: '3' },
    batch: { type: 'string', default: '500' },
    'table-stats': { type: 'boolean', default: false },
    'explain-slower-than': { type: 'string' },
  },
});

const server = process.env.BENCH_DATABASE_URL;
if (!server) {
  console.error(
    'Set BENCH_DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  );
  process.exit(2);
}

async function admin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

const dbName = `settle_autopay_${process.pid}`;
const url = new URL(server);
url.pathname = `/${dbName}`;
await admin(async (client) => {
  await client.query(`create database ${dbName}`);
  if (args['explain-slower-than'] !== undefined) {
    await explainSlowerThan(client, dbName, Number(args['explain-slower-than']));
  }
});
const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' });
const runtime = await openRuntime(config, { logger: createLogger('warn') });
let ok = false;
try {
  const db = runtime.deps.db;
  const t0 = performance.now();
  const { due } = await seedMembersWithAutopayDue(db, config, {
    processor: runtime.deps.processor.name,
    count: Number(args.accounts),
  });
  await sql`checkpoint`.execute(db);
  console.log(`${due} automatic payments due, set up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const tables0 = args['table-stats'] ? await tableStats(db) : null;
  const counts = { paid: 0, declined: 0, skipped: 0, pending: 0 };
  const started = performance.now();
  const busy0 = machineCpu().busy;
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: Number(args.runners) }, async () => {
      for (;;) {
        const c = await runDueAutopay(runtime.deps, Number(args.batch));
        for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += c[k];
        if (c.paid + c.declined + c.skipped + c.pending === 0) return;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const busy = (machineCpu().busy - busy0) * 1000;
  const per = (ms: number) => (ms / Math.max(counts.paid, 1)).toFixed(3);
  console.log(
    `${counts.paid} paid, ${counts.declined} declined, ${counts.skipped} skipped, ${counts.pending} pending ` +
      `in ${seconds.toFixed(1)} s by ${args.runners} runners in claims of ${args.batch}: ` +
      `${(counts.paid / seconds).toFixed(0)} payments/s`,
  );
  console.log(
    `CPU per payment: machine ${per(busy)} ms (app and PostgreSQL), app process ${per((cpu.user + cpu.system) / 1000)} ms`,
  );
  if (tables0) {
    await statsSettled();
    console.log(
      `rows per payment, by table:\n${describeTableStats(tables0, await tableStats(db), counts.paid).join('\n')}`,
    );
  }
  const integrity = await checkIntegrity(runtime.deps);
  console.log(integrity.ok ? 'integrity clean' : `${integrity.violations.length} INTEGRITY VIOLATIONS`);
  ok = integrity.ok && counts.paid === due;
} finally {
  await runtime.close();
  await admin((client) => client.query(`drop database if exists ${dbName} with (force)`));
}
process.exit(ok ? 0 : 1);
