import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { type BuildAppOptions, buildApp } from '../src/app';
import { type Config, loadConfig } from '../src/config';
import type { Deps } from '../src/deps';
import { FixedClock } from '../src/platform/clock';
import { createLogger } from '../src/platform/logger';
import type { PaymentProcessor } from '../src/platform/processors/processor';
import type { SandboxProcessor } from '../src/platform/processors/sandbox/sandbox';
import { openRuntime } from '../src/runtime';
import { openTestDb } from './db';

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  clock: FixedClock;
  /** The sandbox; null (despite the type, for the many tests that use it) when given another processor. */
  sandbox: SandboxProcessor;
  /** Every log line the app wrote, for tests that prove secrets never reach the logs. */
  logLines: string[];
  dbUrl: string | null;
  close(): Promise<void>;
}

/** The real config (config/organization.json) with named overrides, as STYLE.md §5 asks. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info' }, overrides);
}

export async function buildTestApp(
  options: {
    config?: Partial<Config>;
    now?: string;
    /** Told of every route as it is added. */
    onRoute?: BuildAppOptions['onRoute'];
    /** Another processor than the sandbox (then `sandbox` is null). */
    processor?: PaymentProcessor;
    /** Adds to the app before it is ready (routes that exist only for a test). */
    beforeReady?: (app: FastifyInstance) => void | Promise<void>;
  } = {},
): Promise<TestApp> {
  const handle = await openTestDb();
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const clock = new FixedClock(Temporal.Instant.from(options.now ?? '2026-11-23T18:00:00Z'));
  const runtime = await openRuntime(testConfig(options.config), {
    handle,
    clock,
    logger: createLogger('info', sink),
    migrate: false,
    ...(options.processor ? { processor: options.processor } : {}),
  });
  const app = await buildApp(runtime.deps, {
    webDist: '/nonexistent',
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  await options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    deps: runtime.deps,
    clock,
    sandbox: runtime.deps.sandbox!,
    logLines,
    dbUrl: handle.url,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}
