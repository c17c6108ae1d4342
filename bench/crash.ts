/**
 * `npm run crash-test [-- --accounts 10000 --workers 4 --kills 3]`: exactly once under SIGKILL.
 *
 * On a PostgreSQL server (CRASH_DATABASE_URL, else BENCH_DATABASE_URL) it creates a database of its
 * own, with `--accounts` members who each have an automatic payment due (enrolled, noticed, its date
 * passed). It starts `--workers` `settle worker` processes on it, and `--kills` times kills one of them
 * with SIGKILL at a random point of the run (by payments still to run) and starts it again. When every
 * payment has run, it checks that each account was charged exactly once — our payments and the
 * sandbox processor's charges agree, one each, for the noticed amount — and that `checkIntegrity` is
 * clean. Exit code 1 on any violation, or if a kill landed after every payment had run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { checkIntegrity } from '../src/modules/integrity/integrity.service';
import { createLogger } from '../src/platform/logger';
import { openRuntime } from '../src/runtime';
import { seedMembersWithAutopayDue } from './autopay-seed';

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '4' },
    kills: { type: 'string', default: '3' },
    'claim-seconds': { type: 'string', default: '10' },
    'timeout-seconds': { type: 'string', default: '900' },
  },
});
const ACCOUNTS = Number(args.accounts);
const WORKERS = Number(args.workers);
const KILLS = Number(args.kills);
const CLAIM_SECONDS = Number(args['claim-seconds']);

const serverUrl = process.env.CRASH_DATABASE_URL ?? process.env.BENCH_DATABASE_URL;
if (!serverUrl) {
  console.error(
    'Set CRASH_DATABASE_URL (or BENCH_DATABASE_URL) to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  );
  process.exit(2);
}
const dbName = `settle_crash_${process.pid}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const mainTs = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function startWorker(n: number): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', mainTs, 'worker'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: dbUrl.toString(),
      DATABASE_POOL_SIZE: '4',
      WORKER_CLAIM_SECONDS: String(CLAIM_SECONDS),
      LOG_LEVEL: 'warn',
      SMTP_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && code !== 0)
      say(`worker ${n} exited with ${code ?? signal}`);
  });
  return child;
}

async function main(): Promise<void> {
  await admin(`create database ${dbName}`);
  const config = loadConfig({ ...process.env, DATABASE_URL: dbUrl.toString(), LOG_LEVEL: 'warn' });
  const runtime = await openRuntime(config, { logger: createLogger('warn') });
  const db = runtime.deps.db;
  let failed = false;
  const workers: ChildProcess[] = [];
  try {
    // 1. Members with an automatic payment due: bulk members (as `settle demo --members` makes them),
    // each with a saved card, an enrollment, and its first bill's payment noticed and due yesterday.
    let t0 = performance.now();
    const { chargeOn } = await seedMembersWithAutopayDue(db, config, {
      processor: runtime.deps.processor.name,
      count: ACCOUNTS,
    });
    say(
      `${ACCOUNTS} accounts with an automatic payment due on ${chargeOn}, set up in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // 2. Workers, and SIGKILL at random moments.
    t0 = performance.now();
    for (let n = 0; n < WORKERS; n++) workers.push(startWorker(n));
    const waiting = async () => {
      const row = await db
        .selectFrom('autopay_items')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', 'in', ['noticed', 'processing', 'retrying'])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    // Kills land while payments are being made, however fast the run: each when the payments still to
    // run first fall to a random point in its own band (90 % … 20 % of them, the first kill in the top
    // band), a worker still alive is killed, and it is started again a moment later. A kill that
    // found nothing left to run would prove nothing, so the test fails then.
    const restarts: Promise<void>[] = [];
    let idleKills = 0;
    for (let k = 0; k < KILLS; k++) {
      const band = 0.7 / KILLS;
      const point = Math.floor(ACCOUNTS * (0.9 - band * (k + Math.random())));
      while ((await waiting()) > point) await sleep(25);
      const alive = workers.flatMap((w, i) => (!w.killed && w.exitCode === null ? [i] : []));
      const n = alive[Math.floor(Math.random() * alive.length)] ?? 0;
      workers[n]?.kill('SIGKILL');
      const left = await waiting();
      if (left === 0) idleKills++;
      say(
        `kill ${k + 1}/${KILLS}: SIGKILL worker ${n} with ${left} payments still to run; starting it again`,
      );
      restarts.push(
        sleep(200 + Math.random() * 800).then(() => {
          workers[n] = startWorker(n);
        }),
      );
    }
    await Promise.all(restarts);
    if (idleKills > 0) {
      say(`${idleKills} kills landed after every payment had run: they tested nothing`);
      failed = true;
    }
    const deadline = performance.now() + Number(args['timeout-seconds']) * 1000;
    for (;;) {
      const left = await waiting();
      const open = await db
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('status', 'in', ['pending', 'processing', 'unknown'])
        .executeTakeFirstOrThrow();
      if (left === 0 && Number(open.n) === 0) break;
      if (performance.now() > deadline) {
        say(`timed out with ${left} payments still to run and ${open.n} attempts unresolved`);
        failed = true;
        break;
      }
      await sleep(1_000);
    }
    const seconds = (performance.now() - t0) / 1000;
    say(
      `all payments ran in ${seconds.toFixed(1)} s (${(ACCOUNTS / seconds).toFixed(0)} accounts/s with the kills and restarts)`,
    );
    for (const w of workers) w.kill('SIGTERM');
    await sleep(1_500);

    // 3. Exactly once: per account, our succeeded payments, the sandbox's charges, and the item.
    const perAccount = await sql<{
      account_id: string;
      items_paid: number;
      payments: number;
      succeeded: number;
      charges: number;
      charged_cents: number;
      noticed_cents: number;
    }>`
      select i.account_id,
        count(*) filter (where i.status = 'paid')::int as items_paid,
        (select count(*) from payments p where p.account_id = i.account_id)::int as payments,
        (select count(*) from payments p where p.account_id = i.account_id and p.status = 'succeeded')::int as succeeded,
        (select count(*) from payments p join sandbox_charges c on c.idempotency_key = p.id::text
          where p.account_id = i.account_id and c.status = 'succeeded')::int as charges,
        coalesce((select sum(c.amount_cents) from payments p join sandbox_charges c on c.idempotency_key = p.id::text
          where p.account_id = i.account_id and c.status = 'succeeded'), 0)::bigint as charged_cents,
        sum(i.noticed_amount_cents)::bigint as noticed_cents
      from autopay_items i
      group by i.account_id`.execute(db);
    const wrong = perAccount.rows.filter(
      (r) =>
        r.items_paid !== 1 ||
        r.succeeded !== 1 ||
        r.charges !== 1 ||
        Number(r.charged_cents) !== Number(r.noticed_cents),
    );
    const orphanCharges = await sql<{ n: number }>`
      select count(*)::int as n from sandbox_charges c
      where not exists (select 1 from payments p where p.id::text = c.idempotency_key)`.execute(db);
    const extraAttempts = perAccount.rows.reduce((sum, r) => sum + (r.payments - 1), 0);
    // Payments whose worker died between its attempt and its outcome (a batch's attempts are committed
    // together): a later pass or the reconciler finished them, well after they were attempted.
    const finishedLater = await sql<{ n: number }>`
      select count(*)::int as n from payments
      where completed_at - created_at > make_interval(secs => ${CLAIM_SECONDS / 2})`.execute(db);
    const integrity = await checkIntegrity(runtime.deps);
    say(
      `accounts: ${perAccount.rows.length}; charged exactly once: ${perAccount.rows.length - wrong.length}; ` +
        `wrong: ${wrong.length}; sandbox charges without a payment: ${orphanCharges.rows[0]?.n ?? '?'}; ` +
        `extra payment attempts (declined or unresolved): ${extraAttempts}; ` +
        `finished by a later pass after their worker was killed: ${finishedLater.rows[0]?.n ?? '?'}; ` +
        `integrity violations: ${integrity.violations.length}`,
    );
    if (wrong.length > 0) {
      say(`first wrong accounts: ${JSON.stringify(wrong.slice(0, 5))}`);
      const detail = await db
        .selectFrom('autopay_items')
        .select(['account_id', 'status', 'tries', 'last_decline_code', 'payment_id'])
        .where(
          'account_id',
          'in',
          wrong.slice(0, 5).map((w) => w.account_id),
        )
        .execute();
      say(`their items: ${JSON.stringify(detail)}`);
      const trail = await db
        .selectFrom('audit_events')
        .select(['at', 'action', 'result', 'detail'])
        .where(
          'account_id',
          'in',
          wrong.slice(0, 5).map((w) => w.account_id),
        )
        .orderBy('at')
        .execute();
      say(`their audit trail: ${JSON.stringify(trail)}`);
    }
    if (integrity.violations.length > 0)
      say(`integrity: ${JSON.stringify(integrity.violations.slice(0, 5))}`);
    if (perAccount.rows.length !== ACCOUNTS || wrong.length > 0 || (orphanCharges.rows[0]?.n ?? 1) > 0)
      failed = true;
    if (integrity.violations.length > 0) failed = true;
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await runtime.close();
    await admin(`drop database if exists ${dbName} with (force)`);
  }
  say(failed ? 'FAILED: see above' : 'passed: every due account was charged exactly once');
  process.exit(failed ? 1 : 0);
}

await main();
