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
