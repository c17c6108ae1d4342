import type { Config } from './config';
import { type Clock, FixedClock } from './platform/clock';
import type { Db } from './platform/db';
import type { Logger } from './platform/logger';
import type { Mailer } from './platform/mailer';
import type { Metrics } from './platform/metrics';
import type { PaymentProcessor } from './platform/processors/processor';
import type { SandboxProcessor } from './platform/processors/sandbox/sandbox';
import type { TextSender } from './platform/sms';

/** Everything a service needs from the outside, passed explicitly (no module singletons). */
export interface Deps {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly processor: PaymentProcessor;
  /** The sandbox, when it is the processor: its tokenization endpoint is mounted only then. */
  readonly sandbox: SandboxProcessor | null;
  /** SMTP delivery when SMTP_URL is set; otherwise mail waits in the outbox (see /dev/mailbox). */
  readonly mailer: Mailer | null;
  /** Twilio when configured; otherwise texts wait in the outbox (see /dev/texts). */
  readonly texter: TextSender | null;
  /** This process's metrics (served at /metrics); absent in one-shot commands that serve none. */
  readonly metrics?: Metrics;
}

/** Who is acting, for authorization and the audit trail. */
export type Actor =
  | { type: 'guest'; sessionId: string; accountId: string; billIds: readonly string[] }
  | { type: 'member'; memberId: string; personId: string }
  /** An integrator calling with an API key (modules/api-keys); `keyId` is the key's public id. */
  | { type: 'api'; keyId: string }
  | { type: 'system'; name: string };

export interface RequestContext {
  ip: string | null;
  requestId: string;
  locale: 'en' | 'es';
}

/** The same dependencies with time stopped at now: work done at one instant (a batch of payments). */
export function atOneInstant(deps: Deps): Deps {
  return { ...deps, clock: new FixedClock(deps.clock.now()) };
}
