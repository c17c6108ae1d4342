import path from 'node:path';
import type { Config } from './config';
import { migrate } from './db/migrate';
import type { Deps } from './deps';
import { AdjustableClock, type Clock, systemClock } from './platform/clock';
import { type Db, type DbHandle, openDb } from './platform/db';
import { describeDatabaseUrl, pingDatabase } from './platform/db-health';
import { createLogger, type Logger } from './platform/logger';
import { createSmtpMailer } from './platform/mailer';
import { Metrics } from './platform/metrics';
import type { PaymentProcessor } from './platform/processors/processor';
import { SandboxProcessor } from './platform/processors/sandbox/sandbox';
import { StripeProcessor } from './platform/processors/stripe/stripe-processor';
import { createTwilioSender } from './platform/sms';

export interface Runtime {
  deps: Deps;
  handle: DbHandle;
  close(): Promise<void>;
}

export interface OpenRuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  /** An already open database (tests). */
  handle?: DbHandle;
  migrate?: boolean;
  /** A processor to use instead of the one the config names (tests: Stripe's adapter on a local fake). */
  processor?: PaymentProcessor;
}

/** Wires config to real adapters: the database, processor, mailer, texter, clock and logger. */
export async function openRuntime(config: Config, options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const handle =
    options.handle ??
    (await openDb({
      url: config.databaseUrl,
      poolSize: config.databasePoolSize,
      timeouts: config.databaseTimeouts,
      dataDir: config.dataDir.startsWith('memory://') ? config.dataDir : path.resolve(config.dataDir),
      // Only what helps: pg attaches its whole client (statement texts and all) to such errors.
      onIdleError: (err) =>
        logger.warn(
          { err: { message: err.message, code: (err as { code?: string }).code } },
          'idle database connection lost',
        ),
    }));
  if (!options.handle && handle.kind === 'postgres' && config.databaseUrl) {
    // Fail start-up with a clear message when the database does not answer, rather than hang.
    await pingDatabase(handle.db, {
      timeoutMs: config.databaseTimeouts.connectMs,
      where: describeDatabaseUrl(config.databaseUrl),
    }).catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
  }
  if (options.migrate !== false) {
    const ran = await migrate(handle.db);
    if (ran.length > 0) logger.info({ migrations: ran }, 'database migrated');
  }
  // Outside production the clock can be moved forward (/dev/clock) to see payments come due.
  const clock = options.clock ?? (config.env === 'production' ? systemClock : new AdjustableClock());
  const { processor, sandbox } = options.processor
    ? {
        processor: options.processor,
        sandbox: options.processor instanceof SandboxProcessor ? options.processor : null,
      }
    : createProcessor(config, handle.db, clock);
  const mailer = config.smtpUrl ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom }) : null;
  const texter = config.twilio ? createTwilioSender(config.twilio) : null;
  const metrics = new Metrics({
    db: handle.db,
    ...(handle.poolStats ? { poolStats: handle.poolStats } : {}),
  });
  const deps: Deps = {
    config,
    db: handle.db,
    clock,
    logger,
    processor,
    sandbox,
    mailer,
    texter,
    metrics,
  };
  return {
    deps,
    handle,
    async close() {
      await mailer?.close();
      await texter?.close();
      await handle.close();
    },
  };
}

/**
 * The processor PROCESSOR names: the sandbox (whose tokenization endpoint is mounted only then), or
 * Stripe with its secret key. config.ts has made sure Stripe's keys are there when it is chosen.
 */
export function createProcessor(
  config: Config,
  db: Db,
  clock: Clock,
): { processor: PaymentProcessor; sandbox: SandboxProcessor | null } {
  if (config.processor === 'stripe') {
    if (!config.stripe) throw new Error('PROCESSOR=stripe without Stripe keys');
    return { processor: new StripeProcessor({ secretKey: config.stripe.secretKey }), sandbox: null };
  }
  const sandbox = new SandboxProcessor(db, clock, { mode: config.processorMode });
  return { processor: sandbox, sandbox };
}
