import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { serveMetrics } from './http/metrics-server';
import { apiKeyCommand } from './modules/api-keys/api-keys.cli';
import { BULK_MEMBER_DOMAIN, seedBulkMembers } from './modules/demo/bulk-members';
import { DEMO_MEMBER_PASSWORD } from './modules/demo/demo.data';
import { demoData, seedDemo } from './modules/demo/demo.service';
import { importCommand } from './modules/imports/imports.cli';
import { checkIntegrity } from './modules/integrity/integrity.service';
import { systemClock } from './platform/clock';
import { DatabaseUnavailableError } from './platform/db-health';
import { hashPassword } from './platform/passwords';
import { openRuntime, type Runtime } from './runtime';
import { drainOnSignal } from './shutdown';
import { withTestJobs } from './test-jobs';
import { startWorker, workerJobs } from './worker';

const usage = `Usage: settle <command> [options]

Commands:
  start      migrate, seed the demo organization on first run (never in production), serve the web app
             + API and run the worker
  serve      serve the web app + API (no background jobs)
  worker     run background jobs: payment reconciliation, email delivery, housekeeping
  migrate    apply database migrations and exit
  seed       seed the demo organization (accounts and bills, people and members) where missing;
             refused with NODE_ENV=production unless --demo-in-production (a public demo)
  demo       print demo identities (--json for JSON); --members N adds N demo members to the database
             (refused in production like seed)
  check      verify the money invariants; exits 1 with a JSON report of any violation
  api-key    create, list, rotate or revoke integrators' API keys (settle api-key --help)
  import     import a file of people, accounts and bills (NDJSON or CSV) with a progress bar
             (settle import --help)

Environment: see README.md and .env.example (DATABASE_URL, DATA_DIR, PORT, SMTP_URL, …).`;

async function buildWebIfStale(): Promise<void> {
  const dist = path.resolve('web/dist/index.html');
  const src = path.resolve('web/src');
  if (!existsSync(src)) return;
  const newestSource = (dir: string): number => {
    let newest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
    }
    return newest;
  };
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSource(src)) return;
  // vite is a dev dependency: without it (npm ci --omit=dev), serve the build that is there.
  const vite = await import('vite').catch((err: { code?: string }) => {
    if (err.code === 'ERR_MODULE_NOT_FOUND') return null;
    throw err;
  });
  if (!vite) {
    console.warn('web/dist is older than web/src, and vite is not installed to rebuild it (npm run build).');
    return;
  }
  console.log('Building the web app (first run or sources changed)…');
  await vite.build({ configFile: path.resolve('web/vite.config.ts'), logLevel: 'warn' });
}

async function serve(runtime: Runtime, config: Config, withWorker: boolean): Promise<void> {
  const app = await buildApp(runtime.deps);
  runtime.deps.metrics?.collectProcessMetrics();
  const worker = withWorker ? startWorker(runtime.deps) : null;
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  console.log(`\n  ${config.organization.name} bill pay is running at http://${config.host}:${port}`);
  // The demo hints and developer pages exist only outside production.
  if (withWorker && config.env !== 'production') {
    console.log(
      `  Demo bills to pay and members to sign in as: npx settle demo   (or npx settle demo --json)`,
    );
    console.log(`  Emails it sends: http://${config.host}:${port}/dev/mailbox`);
    console.log(`  API docs: http://${config.host}:${port}/api/docs\n`);
  }
  drainOnSignal({ app, worker, close: () => runtime.close(), logger: runtime.deps.logger });
}

function printDemo(config: Config, json: boolean): void {
  const data = demoData({ config, clock: systemClock });
  const { registrable, registered } = data.members;
  if (json) {
    console.log(JSON.stringify({ ...data, members: { registrable, registered } }, null, 2));
    return;
  }
  console.log(
    `Demo identities for ${data.organization} (fictional). Pay them at "Make a one-time payment".\n`,
  );
  for (const r of data.regions) {
    console.log(`${r.regionName}`);
    console.log(`  Medical bill:   account ${r.medical.accountNumber}, ZIP ${r.medical.postalCode}`);
    console.log(
      `  Premium coupon: account ${r.premium.accountNumber}, invoice ${r.premium.invoiceNumber}, last name ${r.premium.lastName}`,
    );
  }
  console.log(`\nSign in (password "${registered[0]?.password}" for every demo member):`);
  for (const m of registered.filter((_, i) => i < 2)) {
    const pays = m.responsibleFor.length > 0 ? `, also pays for ${m.responsibleFor.join(' and ')}` : '';
    console.log(`  ${m.email} (${m.name}${pays})`);
  }
  const r0 = registrable[0];
  if (r0) {
    console.log(
      `Register: ${r0.firstName} ${r0.lastName}, born ${r0.birthDate}, record number ${r0.medicalRecordNumber}, region ${r0.regionId}`,
    );
  }
  console.log('More members: npx settle demo --json');
  console.log('\nTest cards: 4242 4242 4242 4242 (Visa), any future expiry, any 3-digit CVC.');
  console.log('Test bank: routing 110000000, account 000123456789.');
}

/**
 * Demo members sign in with a password printed in the README, so demo data never reaches a
 * production database unless the operator says it is a public demo (--demo-in-production).
 */
function demoRefusedInProduction(config: Config, allowed: boolean): boolean {
  if (config.env !== 'production' || allowed) return false;
  console.error(
    'Refusing to add demo data with NODE_ENV=production: demo members sign in with a published password.\n' +
      'For a public demo deployment, run it again with --demo-in-production.',
  );
  return true;
}

/** One-off commands (seeding, checks) may run long statements: no statement timeout for them. */
function withoutStatementTimeout(config: Config): Config {
  return { ...config, databaseTimeouts: { ...config.databaseTimeouts, statementMs: 0 } };
}

/** `settle demo --members N`: N more registered demo members (a medical account and two bills each). */
async function seedManyMembers(config: Config, countText: string): Promise<number> {
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
    console.error('--members takes a whole number from 1 to 1000000');
    return 2;
  }
  const started = performance.now();
  const runtime = await openRuntime(withoutStatementTimeout(config));
  try {
    const region = config.organization.regions[0];
    if (!region) throw new Error('the organization has no region');
    const result = await seedBulkMembers(runtime.deps.db, {
      count,
      passwordHash: await hashPassword(DEMO_MEMBER_PASSWORD),
      regionId: region.id,
      stateCode: region.states[0]?.code ?? 'CA',
      now: new Date(),
    });
    console.log(
      `Added ${result.members} demo members (${result.bills} bills) in ${((performance.now() - started) / 1000).toFixed(1)} s. ` +
        `Sign in as member-<n>@${BULK_MEMBER_DOMAIN} with "${DEMO_MEMBER_PASSWORD}".`,
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  // Its own subcommands and options (create --name … --scopes …).
  if (argv[0] === 'api-key') return apiKeyCommand(loadConfig(), argv.slice(1));
  if (argv[0] === 'import') return importCommand(loadConfig(), argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      members: { type: 'string' },
      'demo-in-production': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0] ?? 'start';
  if (values.help || command === 'help') {
    console.log(usage);
    return 0;
  }
  const config = loadConfig();
  const demoInProduction = values['demo-in-production'] ?? false;

  switch (command) {
    case 'demo':
      if (values.members !== undefined) {
        if (demoRefusedInProduction(config, demoInProduction)) return 2;
        return seedManyMembers(config, values.members);
      }
      printDemo(config, values.json ?? false);
      return 0;
    case 'migrate': {
      const runtime = await openRuntime(config);
      await runtime.close();
      console.log('Database is up to date.');
      return 0;
    }
    case 'seed': {
      if (demoRefusedInProduction(config, demoInProduction)) return 2;
      const runtime = await openRuntime(withoutStatementTimeout(config));
      const result = await seedDemo(runtime.deps);
      await runtime.close();
      console.log(
        result.seeded
          ? `Seeded ${result.accounts} accounts, ${result.bills} bills, ${result.members} members.`
          : 'Already seeded.',
      );
      return 0;
    }
    case 'check': {
      const runtime = await openRuntime(withoutStatementTimeout(config));
      const report = await checkIntegrity(runtime.deps);
      await runtime.close();
      console.log(JSON.stringify(report, null, 2));
      return report.ok ? 0 : 1;
    }
    case 'start': {
      // Production runs what `npm run build` made; vite is a dev dependency it never loads.
      if (config.env !== 'production') await buildWebIfStale();
      else if (!existsSync(path.resolve('web/dist/index.html')))
        console.warn('web/dist is missing: serving the API only (run `npm run build` for the web app).');
      const runtime = await openRuntime(config);
      if (config.env === 'production') {
        console.log('NODE_ENV=production: the demo organization is not seeded.');
      } else {
        const seeded = await seedDemo(runtime.deps);
        if (seeded.seeded)
          console.log(
            `Seeded the demo organization: ${seeded.accounts} accounts, ${seeded.bills} bills, ${seeded.members} members.`,
          );
      }
      await serve(runtime, config, true);
      return -1;
    }
    case 'serve': {
      const runtime = await openRuntime(config);
      await serve(runtime, config, false);
      return -1;
    }
    case 'worker': {
      const runtime = await openRuntime(config);
      const worker = startWorker(runtime.deps, 1000, withTestJobs(workerJobs, process.env));
      console.log('Worker running. Ctrl+C to stop.');
      const metricsServer =
        config.metricsPort && runtime.deps.metrics
          ? await serveMetrics(runtime.deps.metrics, { host: config.host, port: config.metricsPort })
          : null;
      runtime.deps.metrics?.collectProcessMetrics();
      const close = async () => {
        await metricsServer?.close();
        await runtime.close();
      };
      drainOnSignal({ worker, close, logger: runtime.deps.logger });
      return -1;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Output to a pipe is written asynchronously: exit once everything printed has gone out.
    if (code >= 0) process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DatabaseUnavailableError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  },
);
