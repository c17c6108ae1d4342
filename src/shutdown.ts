import type { FastifyInstance } from 'fastify';
import type { Logger } from './platform/logger';
import type { Worker } from './worker';

export interface DrainOptions {
  app?: FastifyInstance | null;
  worker?: Worker | null;
  /** Closes what both used (the database, mail and text connections), after they are done. */
  close: () => Promise<void>;
  logger: Logger;
  /** Past this, give up waiting and report failure (orchestrators kill at 30 s by default). */
  timeoutMs?: number;
}

/**
 * A graceful stop on SIGTERM: the server stops accepting connections (new requests on kept-alive ones
 * get a 503), requests in flight finish, the worker finishes the job in hand (a claimed payment is
 * charged and recorded, not abandoned to its lease), then the database closes. Resolves with the exit
 * code: 0 when everything drained, 1 when something failed or took longer than `timeoutMs`.
 */
export async function drain(options: DrainOptions): Promise<number> {
  const { app, worker, close, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, 'shutdown: drain timed out');
      resolve(1);
    }, options.timeoutMs ?? 25_000);
  });
  const drained = (async () => {
    try {
      await Promise.all([app?.close(), worker?.stop()]);
      await close();
      return 0;
    } catch (err) {
      logger.error({ err }, 'shutdown: drain failed');
      return 1;
    }
  })();
  try {
    return await Promise.race([drained, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Drains once on the first SIGTERM or SIGINT, then exits with drain's code. */
export function drainOnSignal(options: DrainOptions): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) return;
    draining = true;
    options.logger.info({ signal }, 'shutdown: draining');
    void drain(options).then((code) => {
      // Output to a pipe is written asynchronously: exit once everything printed has gone out.
      process.stdout.write('', () => process.exit(code));
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
