import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseOrganization } from './config';

const example: unknown = JSON.parse(readFileSync('config/organization.json', 'utf8'));

describe('organization config', () => {
  it('accepts the shipped example and expresses the seeds’ regional rules', () => {
    const org = parseOrganization(example);
    const byId = Object.fromEntries(org.regions.map((r) => [r.id, r]));
    for (const id of ['colorado', 'georgia', 'northwest', 'washington']) {
      expect(byId[id]?.autopay.status).toBe('unavailable');
    }
    for (const id of ['ncal', 'scal', 'hawaii', 'midatlantic'])
      expect(byId[id]?.autopay.status).toBe('available');
    const md = byId.midatlantic?.states.find((s) => s.code === 'MD');
    const va = byId.midatlantic?.states.find((s) => s.code === 'VA');
    expect(md?.premiumDue).toBe('first_of_coverage_month');
    expect(va?.premiumDue).toBe('end_of_prior_month');
    expect(org.payments.acceptedCardBrands).toEqual(['visa', 'mastercard', 'discover']);
  });

  it('lists every problem at once', () => {
    const bad = structuredClone(example) as { regions: Record<string, unknown>[]; branding: object };
    bad.branding = { accentColor: 'green' };
    bad.regions[0] = { ...bad.regions[0], timeZone: 'Mars/Olympus' };
    bad.regions[1] = { ...bad.regions[1], id: 'ncal' };
    try {
      parseOrganization(bad, 'org.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('branding.accentColor');
      expect(problems).toContain('regions.0.timeZone');
      expect(problems).toContain('duplicate region id ncal');
    }
  });

  it('refuses bad environment values with their names', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });

  it('lists every problem at once: bad variables, production rules and the organization file', () => {
    const bad = structuredClone(example) as { branding: object };
    bad.branding = { accentColor: 'green' };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'settle-config-')), 'org.json');
    writeFileSync(file, JSON.stringify(bad));
    try {
      loadConfig({
        NODE_ENV: 'production',
        PORT: 'eighty',
        DATABASE_STATEMENT_TIMEOUT_MS: '-1',
        ORGANIZATION_FILE: file,
        TWILIO_ACCOUNT_SID: 'AC123',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toEqual([
        expect.stringMatching(/^env PORT: /),
        expect.stringMatching(/^env DATABASE_STATEMENT_TIMEOUT_MS: /),
        expect.stringMatching(/branding\.accentColor/),
        expect.stringMatching(/^PROCESSOR_MODE=test in production/),
        expect.stringMatching(/^DATA_ENCRYPTION_KEY is required in production/),
        expect.stringMatching(/^TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM/),
      ]);
    }
  });

  it('reports a bad data encryption key once, not also as missing', () => {
    try {
      loadConfig({
        NODE_ENV: 'production',
        ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1',
        DATA_ENCRYPTION_KEY: 'c2hvcnQ=',
      });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        expect.stringMatching(/DATA_ENCRYPTION_KEY: must be 32 bytes/),
      ]);
    }
  });

  it('reads the database timeouts, with defaults', () => {
    expect(loadConfig({}).databaseTimeouts).toEqual({
      connectMs: 5000,
      statementMs: 30_000,
      idleInTransactionMs: 60_000,
    });
    expect(
      loadConfig({
        DATABASE_CONNECT_TIMEOUT_MS: '250',
        DATABASE_STATEMENT_TIMEOUT_MS: '0',
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1000',
      }).databaseTimeouts,
    ).toEqual({ connectMs: 250, statementMs: 0, idleInTransactionMs: 1000 });
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
  });

  it('refuses the test processor in production unless a demo deployment says so', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: key })).toThrow(
      /PROCESSOR_MODE=test/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1',
        DATA_ENCRYPTION_KEY: key,
      }).env,
    ).toBe('production');
  });

  it('requires a 32-byte data encryption key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1' })).toThrow(
      /DATA_ENCRYPTION_KEY is required/,
    );
    expect(() => loadConfig({ DATA_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(
      /DATA_ENCRYPTION_KEY[\s\S]*32 bytes/,
    );
  });

  it('texts through Twilio only when all three of its settings are given', () => {
    expect(loadConfig({}).twilio).toBeNull();
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC123' })).toThrow(/TWILIO_AUTH_TOKEN and TWILIO_FROM/);
    expect(
      loadConfig({ TWILIO_ACCOUNT_SID: 'AC123', TWILIO_AUTH_TOKEN: 'secret', TWILIO_FROM: 'MG456' }).twilio,
    ).toEqual({ accountSid: 'AC123', authToken: 'secret', from: 'MG456' });
  });
});

describe('processor settings', () => {
  const test = {
    STRIPE_SECRET_KEY: 'sk_test_51Settle000000000000000000',
    STRIPE_PUBLISHABLE_KEY: 'pk_test_51Settle000000000000000000',
    STRIPE_WEBHOOK_SECRET: 'whsec_Settle0000000000000000000000',
  };
  const live = {
    STRIPE_SECRET_KEY: 'sk_live_51Settle000000000000000000',
    STRIPE_PUBLISHABLE_KEY: 'pk_live_51Settle000000000000000000',
    STRIPE_WEBHOOK_SECRET: 'whsec_Settle0000000000000000000000',
  };
  const dataKey = Buffer.alloc(32, 7).toString('base64');
  function problemsOf(env: NodeJS.ProcessEnv): string[] {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      // No key ever appears in what is reported.
      for (const value of [...Object.values(test), ...Object.values(live)])
        expect(problems.join('\n')).not.toContain(value);
      return problems;
    }
    return [];
  }

  it('keeps the sandbox by default and ignores Stripe keys it does not use', () => {
    expect(loadConfig({})).toMatchObject({ processor: 'sandbox', stripe: null });
    expect(loadConfig({ ...test, STRIPE_SECRET_KEY: '' })).toMatchObject({
      processor: 'sandbox',
      stripe: null,
    });
  });

  it('takes Stripe test keys outside production', () => {
    expect(loadConfig({ PROCESSOR: 'stripe', ...test })).toMatchObject({
      processor: 'stripe',
      processorMode: 'test',
      stripe: {
        secretKey: test.STRIPE_SECRET_KEY,
        publishableKey: test.STRIPE_PUBLISHABLE_KEY,
        webhookSecret: test.STRIPE_WEBHOOK_SECRET,
        mode: 'test',
      },
    });
    expect(
      loadConfig({ PROCESSOR: 'stripe', ...test, STRIPE_SECRET_KEY: 'rk_test_51Settle0000000000000' }).stripe
        ?.secretKey,
    ).toBe('rk_test_51Settle0000000000000');
  });

  it('lists every missing or ill-formed key at once', () => {
    expect(problemsOf({ PROCESSOR: 'stripe' })).toEqual([
      'STRIPE_SECRET_KEY is required when PROCESSOR=stripe',
      'STRIPE_PUBLISHABLE_KEY is required when PROCESSOR=stripe',
      'STRIPE_WEBHOOK_SECRET is required when PROCESSOR=stripe',
    ]);
    expect(
      problemsOf({
        PROCESSOR: 'stripe',
        STRIPE_SECRET_KEY: test.STRIPE_PUBLISHABLE_KEY,
        STRIPE_PUBLISHABLE_KEY: 'pk_demo_123',
        STRIPE_WEBHOOK_SECRET: 'secret',
      }),
    ).toEqual([
      expect.stringMatching(/^env STRIPE_SECRET_KEY: must be a Stripe secret key/),
      expect.stringMatching(/^env STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key/),
      expect.stringMatching(/^env STRIPE_WEBHOOK_SECRET: must be the webhook endpoint's signing secret/),
    ]);
    expect(problemsOf({ PROCESSOR: 'paypal' })).toEqual([expect.stringMatching(/^env PROCESSOR: /)]);
  });

  it('refuses live keys outside production, and keys of two modes', () => {
    expect(problemsOf({ PROCESSOR: 'stripe', ...live, PROCESSOR_MODE: 'live' })).toEqual([
      'STRIPE_SECRET_KEY is a live key: live Stripe keys are accepted only with NODE_ENV=production',
      'STRIPE_PUBLISHABLE_KEY is a live key: live Stripe keys are accepted only with NODE_ENV=production',
    ]);
    expect(
      problemsOf({ PROCESSOR: 'stripe', ...test, STRIPE_PUBLISHABLE_KEY: live.STRIPE_PUBLISHABLE_KEY }),
    ).toEqual([
      'STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY must both be test keys or both live keys',
      'STRIPE_PUBLISHABLE_KEY is a live key: live Stripe keys are accepted only with NODE_ENV=production',
    ]);
  });

  it('takes live keys in production with PROCESSOR_MODE=live, test keys there only for a demo', () => {
    const production = { NODE_ENV: 'production', DATA_ENCRYPTION_KEY: dataKey, PROCESSOR: 'stripe' };
    expect(loadConfig({ ...production, ...live, PROCESSOR_MODE: 'live' }).stripe?.mode).toBe('live');
    expect(problemsOf({ ...production, ...live })).toEqual([
      expect.stringMatching(/^PROCESSOR_MODE=test in production/),
      'PROCESSOR_MODE=test but the Stripe keys are live keys: set PROCESSOR_MODE=live',
    ]);
    expect(problemsOf({ ...production, ...test })).toEqual([
      expect.stringMatching(/^PROCESSOR_MODE=test in production: set ALLOW_TEST_PROCESSOR_IN_PRODUCTION=1/),
    ]);
    expect(problemsOf({ ...production, ...test, PROCESSOR_MODE: 'live' })).toEqual([
      'the Stripe keys are test keys in production: set ALLOW_TEST_PROCESSOR_IN_PRODUCTION=1 for a demo deployment',
      'PROCESSOR_MODE=live but the Stripe keys are test keys: set PROCESSOR_MODE=test',
    ]);
    expect(loadConfig({ ...production, ...test, ALLOW_TEST_PROCESSOR_IN_PRODUCTION: '1' }).stripe?.mode).toBe(
      'test',
    );
  });
});
