import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { DEVELOPMENT_KEY } from './platform/secrets';

const localized = z.object({ en: z.string().min(1), es: z.string().min(1) });
const cardBrand = z.enum(['visa', 'mastercard', 'discover', 'amex']);

const regionSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: localized,
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as America/Los_Angeles'),
  states: z
    .array(
      z.object({
        code: z.string().regex(/^[A-Z]{2}$/),
        premiumDue: z.enum(['end_of_prior_month', 'first_of_coverage_month']),
      }),
    )
    .min(1),
  phone: z.string().min(1),
  hours: localized,
  mailingAddress: z.array(z.string().min(1)).min(1),
  guestPayment: z.object({ medical: z.boolean(), premium: z.boolean() }),
  autopay: z.discriminatedUnion('status', [
    z.object({ status: z.literal('available') }),
    z.object({ status: z.literal('unavailable'), explanation: localized }),
    z.object({ status: z.literal('external'), url: z.url() }),
  ]),
});

export const organizationSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    shortName: z.string().min(1),
    currency: z.literal('USD'),
    branding: z.object({ accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/) }),
    support: z.object({ phone: z.string().min(1), tty: z.string().min(1), hours: localized }),
    mailingAddress: z.array(z.string().min(1)).min(1),
    payments: z.object({
      acceptedCardBrands: z.array(cardBrand).min(1),
      bankAccounts: z.boolean(),
      minimumCents: z.number().int().min(1),
      /** Version of the one-time bank debit authorization (organization view's text). */
      achAuthorizationVersion: z.string().min(1),
      /**
       * Version of the recurring debit authorization members accept for automatic payments. Its words
       * ship with the web app (autopay.setup.authorization*); change this when they change.
       */
      achRecurringAuthorizationVersion: z.string().min(1),
    }),
    /**
     * What a refund (POST /api/v1/payments/{id}/refunds) does with the money. `reopen_bill`: it goes
     * back to the card or bank account it was paid with, through the processor, and the bills the
     * payment paid owe that much again (the latest due first). `keep_credit`: it is not sent back but
     * kept as a credit on the account (the member's dashboard shows it), and the bills stay paid.
     */
    refunds: z
      .object({ afterRefund: z.enum(['reopen_bill', 'keep_credit']).default('reopen_bill') })
      .default({ afterRefund: 'reopen_bill' }),
    accountTypes: z.array(z.enum(['individual_family', 'employer_group'])).min(1),
    /**
     * The organization's administrators: emailed about the integration's health (a webhook endpoint
     * disabled after failing for three days). Never shown to members.
     */
    administrators: z.array(z.email()).default([]),
    /** Version of the portal terms members accept when they register. */
    termsVersion: z.string().min(1).default('2026-11-01'),
    regions: z.array(regionSchema).min(1),
  })
  .superRefine((org, ctx) => {
    const seen = new Set<string>();
    org.regions.forEach((region, i) => {
      if (seen.has(region.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['regions', i, 'id'],
          message: `duplicate region id ${region.id}`,
        });
      }
      seen.add(region.id);
    });
  });

export type Organization = z.infer<typeof organizationSchema>;
export type Region = Organization['regions'][number];

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.string().optional(),
  /** 32 random bytes, base64: seals secrets kept at rest (two-step verification keys). */
  DATA_ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || Buffer.from(v, 'base64').length === 32, {
      message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  /** How long to wait for a PostgreSQL connection (new or from the pool) before failing. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** PostgreSQL's statement_timeout for every pooled connection; 0 turns it off. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** PostgreSQL's idle_in_transaction_session_timeout; 0 turns it off. */
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  DATA_DIR: z.string().default('./data'),
  ORGANIZATION_FILE: z.string().default('config/organization.json'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Settle <billing@example.org>'),
  /** Texts go through Twilio when all three are set; otherwise they wait in the outbox (/dev/texts). */
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  /** The sending number (E.164) or a Messaging Service SID (MG…). */
  TWILIO_FROM: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROCESSOR_MODE: z.enum(['test', 'live']).default('test'),
  /** Who takes the money: Settle's own sandbox (the default) or Stripe (the three STRIPE_ keys). */
  PROCESSOR: z.enum(['sandbox', 'stripe']).default('sandbox'),
  STRIPE_SECRET_KEY: stripeKey(
    /^(sk|rk)_(test|live)_[A-Za-z0-9]{10,}$/,
    'must be a Stripe secret key (sk_test_…, sk_live_…, or a restricted rk_test_…/rk_live_… key)',
  ),
  STRIPE_PUBLISHABLE_KEY: stripeKey(
    /^pk_(test|live)_[A-Za-z0-9]{10,}$/,
    'must be a Stripe publishable key (pk_test_… or pk_live_…)',
  ),
  STRIPE_WEBHOOK_SECRET: stripeKey(
    /^whsec_[A-Za-z0-9+/=]{10,}$/,
    "must be the webhook endpoint's signing secret (whsec_…)",
  ),
  GUEST_SESSION_MINUTES: z.coerce.number().int().min(1).max(120).default(20),
  /** How long a worker holds a due payment it claimed; a worker that dies frees its claims after this. */
  WORKER_CLAIM_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  /** `settle worker` serves /metrics on this port (on HOST) when set; API processes serve it themselves. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

/** A Stripe key: unset or blank, or of its documented form (the message never repeats the value). */
function stripeKey(pattern: RegExp, message: string) {
  return z
    .string()
    .optional()
    .refine((v) => v === undefined || v.trim() === '' || pattern.test(v.trim()), { message })
    .transform((v) => (v?.trim() ? v.trim() : undefined));
}

/** Stripe's keys (PROCESSOR=stripe). Secrets: never logged, never sent to a page but the publishable key. */
export interface StripeSettings {
  readonly secretKey: string;
  /** Handed to Stripe.js in the payment page. */
  readonly publishableKey: string;
  /** Verifies the signatures of the events Stripe sends to /webhooks/stripe. */
  readonly webhookSecret: string;
  /** Whether the keys are test-mode keys (sk_test_/pk_test_) or live ones. */
  readonly mode: 'test' | 'live';
}

export interface DatabaseTimeouts {
  readonly connectMs: number;
  readonly statementMs: number;
  readonly idleInTransactionMs: number;
}

/**
 * Which X-Forwarded-For hops to believe: false (none), a hop count (the last N proxies in front of
 * us), or the balancer's own addresses/CIDRs. `true` (every hop) is refused: it lets a client write
 * its own address into the header and so pick the address rate limits and audit rows see.
 */
export type TrustProxy = false | number | readonly string[];

function parseTrustProxy(raw: string, ctx: z.RefinementCtx): TrustProxy {
  const value = raw.trim();
  if (value === '' || value === 'false' || value === '0') return false;
  if (value === 'true') {
    ctx.addIssue({
      code: 'custom',
      message:
        'true would trust every X-Forwarded-For hop, so clients could choose their own address; ' +
        'set the number of proxies in front of the app (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8)',
    });
    return false;
  }
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isAddressOrCidr(e));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected false, a hop count or IP addresses/CIDRs; not an address: ${bad.join(', ')}`,
    });
    return false;
  }
  return entries;
}

/** An address, a CIDR, or one of proxy-addr's named ranges (loopback, linklocal, uniquelocal). */
function isAddressOrCidr(entry: string): boolean {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly databaseUrl: string | undefined;
  /** Connections each process keeps to PostgreSQL. */
  readonly databasePoolSize: number;
  /** PostgreSQL timeouts in milliseconds (0: none, except connect); PGlite ignores them. */
  readonly databaseTimeouts: DatabaseTimeouts;
  /** Seals secrets at rest; a fixed development key outside production. */
  readonly dataEncryptionKey: Buffer;
  readonly dataDir: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  /** Twilio credentials for texts; null keeps texts in the outbox. */
  readonly twilio: { accountSid: string; authToken: string; from: string } | null;
  readonly logLevel: string;
  readonly processorMode: 'test' | 'live';
  /** The processor behind payments; `stripe` comes with its keys in `stripe`. */
  readonly processor: 'sandbox' | 'stripe';
  /** Stripe's keys when `processor` is `stripe`, otherwise null. */
  readonly stripe: StripeSettings | null;
  readonly guestSessionMinutes: number;
  /** How long a worker holds a due scheduled or automatic payment it claimed. */
  readonly workerClaimSeconds: number;
  /** X-Forwarded-For hops to believe: none, the last N, or those from these addresses/CIDRs. */
  readonly trustProxy: TrustProxy;
  /** Where a worker-only process serves /metrics; null: it serves none. */
  readonly metricsPort: number | null;
  readonly organization: Organization;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function describeIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${prefix}${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

export function parseOrganization(raw: unknown, source = 'organization'): Organization {
  const result = organizationSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(`${source}: `, result.error));
  return result.data;
}

/**
 * The environment, with each invalid variable reported and left at its default, so the checks that
 * depend on the others (production rules, the organization file) still run and report too.
 */
function parseEnv(env: NodeJS.ProcessEnv, problems: string[]) {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return { e: parsed.data, invalid: new Set<string>() };
  problems.push(...describeIssues('env ', parsed.error));
  const invalid = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
  const rest = Object.fromEntries(Object.entries(env).filter(([key]) => !invalid.has(key)));
  return { e: envSchema.parse(rest), invalid };
}

/** Reads the environment and the organization file once, listing every problem before failing. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const { e, invalid } = parseEnv(env, problems);

  let organization: Organization | undefined;
  const file = path.resolve(e.ORGANIZATION_FILE);
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    organization = parseOrganization(raw, path.relative(process.cwd(), file));
  } catch (err) {
    if (err instanceof ConfigError) problems.push(...err.problems);
    else problems.push(`cannot read organization file ${file}: ${(err as Error).message}`);
  }
  const production = e.NODE_ENV === 'production';
  if (
    production &&
    e.PROCESSOR_MODE === 'test' &&
    !invalid.has('PROCESSOR_MODE') &&
    !env.ALLOW_TEST_PROCESSOR_IN_PRODUCTION
  ) {
    problems.push(
      'PROCESSOR_MODE=test in production: set ALLOW_TEST_PROCESSOR_IN_PRODUCTION=1 for a demo deployment',
    );
  }
  if (production && !e.DATA_ENCRYPTION_KEY && !invalid.has('DATA_ENCRYPTION_KEY')) {
    problems.push(
      'DATA_ENCRYPTION_KEY is required in production (generate one with: openssl rand -base64 32)',
    );
  }
  const stripe = e.PROCESSOR === 'stripe' ? checkStripe(env, e, invalid, problems) : null;
  const twilioVars = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM].filter(Boolean);
  if (twilioVars.length > 0 && twilioVars.length < 3) {
    problems.push('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
  }
  if (problems.length > 0 || !organization) throw new ConfigError(problems);

  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`,
    databaseUrl: e.DATABASE_URL || undefined,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseTimeouts: Object.freeze({
      connectMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    }),
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY ? Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64') : DEVELOPMENT_KEY,
    dataDir: e.DATA_DIR,
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM }
        : null,
    logLevel: e.LOG_LEVEL,
    processorMode: e.PROCESSOR_MODE,
    processor: e.PROCESSOR,
    stripe,
    guestSessionMinutes: e.GUEST_SESSION_MINUTES,
    workerClaimSeconds: e.WORKER_CLAIM_SECONDS,
    trustProxy: e.TRUST_PROXY,
    metricsPort: e.METRICS_PORT ?? null,
    organization,
    ...overrides,
  });
}

/**
 * PROCESSOR=stripe: all three keys present, secret and publishable keys of one mode, that mode the
 * PROCESSOR_MODE's, live keys only in production, and test keys in production only for a demo
 * deployment (ALLOW_TEST_PROCESSOR_IN_PRODUCTION). Each problem is listed; no key is ever repeated.
 */
function checkStripe(
  env: NodeJS.ProcessEnv,
  e: z.infer<typeof envSchema>,
  invalid: ReadonlySet<string>,
  problems: string[],
): StripeSettings | null {
  const keys = {
    STRIPE_SECRET_KEY: e.STRIPE_SECRET_KEY,
    STRIPE_PUBLISHABLE_KEY: e.STRIPE_PUBLISHABLE_KEY,
    STRIPE_WEBHOOK_SECRET: e.STRIPE_WEBHOOK_SECRET,
  };
  const before = problems.length;
  for (const [name, value] of Object.entries(keys)) {
    if (!value && !invalid.has(name)) problems.push(`${name} is required when PROCESSOR=stripe`);
  }
  const modeOf = (key: string | undefined) => (key ? (key.split('_')[1] as 'test' | 'live') : undefined);
  const secretMode = modeOf(keys.STRIPE_SECRET_KEY);
  const publishableMode = modeOf(keys.STRIPE_PUBLISHABLE_KEY);
  if (secretMode && publishableMode && secretMode !== publishableMode) {
    problems.push('STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must both be test keys or both live keys');
  }
  const production = e.NODE_ENV === 'production';
  for (const [name, mode] of [
    ['STRIPE_SECRET_KEY', secretMode],
    ['STRIPE_PUBLISHABLE_KEY', publishableMode],
  ] as const) {
    if (mode === 'live' && !production) {
      problems.push(`${name} is a live key: live Stripe keys are accepted only with NODE_ENV=production`);
    }
  }
  const mode = secretMode ?? publishableMode;
  // With PROCESSOR_MODE=test, the production rule above has said this already.
  if (
    mode === 'test' &&
    production &&
    !env.ALLOW_TEST_PROCESSOR_IN_PRODUCTION &&
    e.PROCESSOR_MODE !== 'test'
  ) {
    problems.push(
      'the Stripe keys are test keys in production: set ALLOW_TEST_PROCESSOR_IN_PRODUCTION=1 for a demo deployment',
    );
  }
  if (mode && mode !== e.PROCESSOR_MODE && !invalid.has('PROCESSOR_MODE')) {
    problems.push(
      `PROCESSOR_MODE=${e.PROCESSOR_MODE} but the Stripe keys are ${mode} keys: set PROCESSOR_MODE=${mode}`,
    );
  }
  if (problems.length > before || !mode) return null;
  return Object.freeze({
    secretKey: keys.STRIPE_SECRET_KEY ?? '',
    publishableKey: keys.STRIPE_PUBLISHABLE_KEY ?? '',
    webhookSecret: keys.STRIPE_WEBHOOK_SECRET ?? '',
    mode,
  });
}

export function findRegion(config: Config, regionId: string): Region | undefined {
  return config.organization.regions.find((r) => r.id === regionId);
}
