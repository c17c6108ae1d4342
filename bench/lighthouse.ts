/**
 * `npm run lighthouse`: Lighthouse (mobile, default simulated throttling) on the home page,
 * /pay/region and /sign-in, served by the real server in production mode (the built web app, an
 * embedded in-memory database), in Debian's Chromium. Each page is measured `--runs` times
 * (default 3) and one JSON line per page gives the median of each figure. Not in CI: scores move
 * with a busy machine, so the line also says how busy it was.
 *
 *   npm run lighthouse [-- --runs 5] [--url http://127.0.0.1:3000] [--web-dist DIR] [--verbose] [--save DIR]
 *
 * --url measures a server already up; --web-dist serves another build of the web app (e.g. an
 * older commit's, to compare); --verbose lists the audits that did not pass; --save writes each
 * full Lighthouse report (JSON) to DIR.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import lighthouse from 'lighthouse';
import { buildApp } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/platform/logger';
import { openRuntime, type Runtime } from '../src/runtime';

const PAGES = ['/', '/pay/region', '/sign-in'] as const;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The closed network here refuses Chromium's background calls; these flags keep it from making them.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface RunFigures {
  performance: number;
  accessibility: number;
  best_practices: number;
  fcp_ms: number;
  lcp_ms: number;
  tbt_ms: number;
  cls: number;
  speed_index_ms: number;
  js_transfer_bytes: number;
  total_transfer_bytes: number;
}

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    url: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    save: { type: 'string' },
    'web-dist': { type: 'string' },
  },
});
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 20)
  throw new Error('--runs takes a whole number from 1 to 20');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Starts Chromium with a DevTools port of its own choosing and resolves with that port. */
async function startChromium(userDataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    CHROMIUM,
    [...CHROMIUM_FLAGS, '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${seen}`)), 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}):\n${seen}`)));
  });
  return { child, port };
}

/** The real server, production-like: built web app, in-memory database, no worker. */
async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1',
    LOG_LEVEL: 'warn',
    DATA_DIR: 'memory://',
    ...(process.env.ORGANIZATION_FILE ? { ORGANIZATION_FILE: process.env.ORGANIZATION_FILE } : {}),
  });
  const runtime: Runtime = await openRuntime(config, { logger: createLogger('warn', process.stderr) });
  const webDist = args['web-dist'] ? path.resolve(args['web-dist']) : undefined;
  const app: FastifyInstance = await buildApp(runtime.deps, webDist ? { webDist } : {});
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await app.close();
      await runtime.close();
    },
  };
}

async function measure(url: string, port: number): Promise<RunFigures> {
  const result = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  const metric = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  const summary = (
    lhr.audits['resource-summary']?.details as { items?: { resourceType: string; transferSize: number }[] }
  )?.items;
  const transfer = (type: string) =>
    summary?.find((i) => i.resourceType === type)?.transferSize ?? Number.NaN;
  if (args.verbose) {
    for (const audit of Object.values(lhr.audits)) {
      if (audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== 'informative')
        console.error(`  ${url} ${audit.id}: ${audit.score} ${audit.displayValue ?? ''}`);
    }
  }
  if (args.save) {
    const name = `${new URL(url).pathname.replaceAll('/', '_') || '_'}-${Date.now()}.json`;
    await writeFile(path.join(args.save, name), JSON.stringify(lhr));
  }
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    best_practices: score('best-practices'),
    fcp_ms: Math.round(metric('first-contentful-paint')),
    lcp_ms: Math.round(metric('largest-contentful-paint')),
    tbt_ms: Math.round(metric('total-blocking-time')),
    cls: Math.round(metric('cumulative-layout-shift') * 1000) / 1000,
    speed_index_ms: Math.round(metric('speed-index')),
    js_transfer_bytes: transfer('script'),
    total_transfer_bytes: transfer('total'),
  };
}

if (args.save) await mkdir(args.save, { recursive: true });
const server = args.url ? null : await startServer();
const baseUrl = args.url ?? server?.url ?? '';
const userDataDir = await mkdtemp(path.join(tmpdir(), 'settle-lighthouse-'));
const chromium = await startChromium(userDataDir);
try {
  console.error(
    `Lighthouse ${runs}× per page against ${baseUrl}; load average ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`,
  );
  for (const page of PAGES) {
    const loadBefore = loadavg()[0] ?? 0;
    const results: RunFigures[] = [];
    for (let i = 0; i < runs; i++) {
      // A run can fail on a very busy machine (a DevTools call that times out): one more try.
      results.push(
        await measure(`${baseUrl}${page}`, chromium.port).catch((err: unknown) => {
          console.error(
            `  ${page}: run failed (${err instanceof Error ? err.message : String(err)}), trying again`,
          );
          return measure(`${baseUrl}${page}`, chromium.port);
        }),
      );
    }
    const line: Record<string, unknown> = { page, runs };
    for (const key of Object.keys(results[0] ?? {}) as (keyof RunFigures)[]) {
      line[key] = median(results.map((r) => r[key]));
    }
    line.performance_each = results.map((r) => r.performance);
    line.load_avg_1m = Math.round(((loadBefore + (loadavg()[0] ?? 0)) / 2) * 100) / 100;
    line.cores = cpus().length;
    console.log(JSON.stringify(line));
  }
} finally {
  chromium.child.kill();
  await server?.stop();
  await rm(userDataDir, { recursive: true, force: true });
}
