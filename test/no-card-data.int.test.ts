import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLuhnValid } from '../src/domain/luhn';
import type { GuestSessionView } from '../src/modules/guest/guest.schema';
import { reconcilePayments } from '../src/modules/payments/payments.service';
import {
  TEST_ROUTING_NUMBER,
  testBankAccounts,
  testCards,
} from '../src/platform/processors/sandbox/test-numbers';
import { buildTestApp, type TestApp } from './app';
import { createMedicalAccount, createPremiumAccount, pay } from './factories';

/**
 * DESIGN.md §3-4: no card number, CVC or bank account number is ever stored or logged. A realistic
 * batch goes through the API, then every row of every table and every log line is searched.
 */

let t: TestApp;
const responses: LightMyRequestResponse[] = [];

// Distinctive security codes, so a stored or logged CVC would stand out.
const CVC = '737';
const AMEX_CVC = '7373';
const GOOD_CARDS = ['4242424242424242', '5555555555554444', '6011111111111117'];
const DECLINE_CARDS = Object.entries(testCards)
  .filter(([, c]) => c.behaviour !== 'succeed')
  .map(([number]) => number);
const AMEX = '378282246310005';
// Valid numbers the sandbox refuses in test mode, and a typo: refused input must not linger either.
const REFUSED_CARDS = ['4111111111111111', '5105105105105100', '4242424242424241'];
const BANK_ACCOUNTS = Object.keys(testBankAccounts);
const ALL_CARDS = [...GOOD_CARDS, ...DECLINE_CARDS, AMEX, ...REFUSED_CARDS];

let ipSeq = 0;
async function inject(opts: InjectOptions) {
  ipSeq++;
  const res = await t.app.inject({ remoteAddress: `192.0.2.${ipSeq}`, ...opts });
  responses.push(res);
  return res;
}

/** Card numbers typed the way people type them: grouped with spaces. */
function grouped(number: string): string {
  return number.length === 15
    ? `${number.slice(0, 4)} ${number.slice(4, 10)} ${number.slice(10)}`
    : (number.match(/.{1,4}/g) ?? []).join(' ');
}

async function tokenizeCard(number: string, typed = number): Promise<LightMyRequestResponse> {
  return inject({
    method: 'POST',
    url: '/sandbox/v1/tokens',
    payload: {
      type: 'card',
      card: {
        number: typed,
        expMonth: 12,
        expYear: 2030,
        cvc: number.length === 15 ? AMEX_CVC : CVC,
        postalCode: '94612',
        name: 'Maria Rivera',
      },
    },
  });
}

async function tokenFor(number: string, typed = number): Promise<string> {
  const res = await tokenizeCard(number, typed);
  expect(res.statusCode).toBe(201);
  return res.json().token;
}

async function medicalSession(amount = 5_000) {
  const account = await createMedicalAccount(t.deps, { amounts: [amount] });
  const res = await inject({
    method: 'POST',
    url: '/api/v1/guest/lookups',
    payload: {
      regionId: account.regionId,
      kind: 'medical',
      accountNumber: account.accountNumber,
      postalCode: account.postalCode,
    },
  });
  expect(res.statusCode).toBe(201);
  return { account, session: res.json() as GuestSessionView };
}

async function payAndRecord(sessionToken: string, body: Record<string, unknown>) {
  const res = await pay(t.app, sessionToken, body, randomUUID());
  responses.push(res);
  return res;
}

beforeAll(async () => {
  t = await buildTestApp();

  // Successful card payments with every good test card, typed plain and grouped, receipts by email.
  for (const [i, number] of GOOD_CARDS.entries()) {
    const { account, session } = await medicalSession();
    const token = await tokenFor(number, i % 2 ? grouped(number) : number);
    const res = await payAndRecord(session.sessionToken, {
      billIds: account.billIds,
      amountCents: 5_000,
      paymentToken: token,
      email: `payer${i}@example.org`,
    });
    expect(res.statusCode).toBe(201);
    const receipt = await inject({
      method: 'GET',
      url: `/api/v1/guest/payments/${res.json().id}/receipt.pdf`,
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(receipt.statusCode).toBe(200);
  }

  // Every decline card: a 402 with nothing charged.
  for (const number of DECLINE_CARDS) {
    const { account, session } = await medicalSession();
    const res = await payAndRecord(session.sessionToken, {
      billIds: account.billIds,
      amountCents: 5_000,
      paymentToken: await tokenFor(number),
    });
    expect(res.statusCode).toBe(402);
  }

  // A brand the organization does not accept.
  {
    const { account, session } = await medicalSession();
    const res = await payAndRecord(session.sessionToken, {
      billIds: account.billIds,
      amountCents: 5_000,
      paymentToken: await tokenFor(AMEX, grouped(AMEX)),
    });
    expect(res.statusCode).toBe(422);
  }

  // Numbers the tokenizer refuses.
  for (const number of REFUSED_CARDS) {
    expect((await tokenizeCard(number)).statusCode).toBe(400);
  }

  // A lost processor answer, settled later by the reconciler (logs a warning on the way).
  {
    const { account, session } = await medicalSession();
    const token = await tokenFor('4242424242424242');
    t.sandbox.faults = { timeoutAfterSuccess: true };
    try {
      const res = await payAndRecord(session.sessionToken, {
        billIds: account.billIds,
        amountCents: 5_000,
        paymentToken: token,
      });
      expect(res.statusCode).toBe(202);
    } finally {
      t.sandbox.faults = {};
    }
    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
  }

  // Bank payments of premiums with every test account, plus a refused bank account.
  for (const accountNumber of BANK_ACCOUNTS) {
    const premium = await createPremiumAccount(t.deps, { amount: 45_000 });
    const lookup = await inject({
      method: 'POST',
      url: '/api/v1/guest/lookups',
      payload: {
        regionId: premium.regionId,
        kind: 'premium',
        accountNumber: premium.accountNumber,
        invoiceNumber: premium.invoiceNumber,
        lastName: premium.lastName,
      },
    });
    expect(lookup.statusCode).toBe(201);
    const tokenRes = await inject({
      method: 'POST',
      url: '/sandbox/v1/tokens',
      payload: {
        type: 'bank',
        bank: {
          routingNumber: TEST_ROUTING_NUMBER,
          accountNumber,
          accountType: 'checking',
          holderName: 'José Núñez',
        },
      },
    });
    expect(tokenRes.statusCode).toBe(201);
    const res = await payAndRecord(lookup.json().sessionToken, {
      billIds: [premium.billId],
      amountCents: 45_000,
      paymentToken: tokenRes.json().token,
      email: 'jose@example.org',
      bankAuthorization: {
        accepted: true,
        textVersion: t.deps.config.organization.payments.achAuthorizationVersion,
      },
    });
    expect(res.statusCode).toBe(201);
  }
  const refusedBank = await inject({
    method: 'POST',
    url: '/sandbox/v1/tokens',
    payload: {
      type: 'bank',
      bank: {
        routingNumber: TEST_ROUTING_NUMBER,
        accountNumber: '000999888777',
        accountType: 'savings',
        holderName: 'José Núñez',
      },
    },
  });
  expect(refusedBank.statusCode).toBe(400);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

/** Every string a secret could hide in, in every form it could have been typed. */
function forbiddenStrings(): string[] {
  return [
    ...ALL_CARDS.flatMap((n) => [n, grouped(n), grouped(n).replaceAll(' ', '-')]),
    ...BANK_ACCOUNTS,
    '000999888777',
  ];
}

/** A CVC next to a name for it, e.g. `"cvc":"737"` or `cvc=7373`. */
const CVC_IN_CONTEXT = new RegExp(`(cvc|cvv|csc|security.?code)[^a-z0-9]{0,6}(${AMEX_CVC}|${CVC})\\b`, 'i');
/** The CVCs as standalone JSON string values: nothing else in this batch is the string "737". */
const CVC_AS_VALUE = new RegExp(`"(${AMEX_CVC}|${CVC})"`);

/**
 * Digit runs shaped like a card number: 13-19 digits in a row, or grouped 4-4-4-x / 4-6-5 with
 * spaces or dashes, not part of a longer alphanumeric run (hex hashes and UUIDs are letters and
 * digits mixed, so a stretch of digits inside one is not a number anyone typed).
 */
const CARD_SHAPED =
  /(?<![0-9A-Za-z])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})(?![0-9A-Za-z])/g;

function luhnValidRuns(text: string): string[] {
  return [...text.matchAll(CARD_SHAPED)]
    .map((m) => m[0].replace(/[ -]/g, ''))
    .filter((digits) => digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits));
}

interface Leak {
  where: string;
  what: string;
}

function scan(where: string, text: string): Leak[] {
  const leaks: Leak[] = [];
  for (const s of forbiddenStrings()) if (text.includes(s)) leaks.push({ where, what: s });
  if (CVC_IN_CONTEXT.test(text))
    leaks.push({ where, what: `CVC in context: ${CVC_IN_CONTEXT.exec(text)?.[0]}` });
  if (CVC_AS_VALUE.test(text)) leaks.push({ where, what: `CVC value: ${CVC_AS_VALUE.exec(text)?.[0]}` });
  for (const run of luhnValidRuns(text)) leaks.push({ where, what: `Luhn-valid run ${run}` });
  return leaks;
}

describe('the scanner', () => {
  it('finds what it looks for', () => {
    expect(scan('x', '{"number":"4242424242424242"}')).not.toEqual([]);
    expect(scan('x', 'acct 000123456789')).not.toEqual([]);
    expect(scan('x', '{"cvc":"737"}').map((l) => l.what)).toContain('CVC in context: cvc":"737');
    expect(luhnValidRuns('card 4000 0566 5566 5556 used')).toEqual(['4000056655665556']);
    expect(luhnValidRuns('amex 3714-496353-98431.')).toEqual(['371449635398431']);
    expect(luhnValidRuns('account 1234567897 and 4242424242424241 and ab4242424242424242')).toEqual([]);
  });
});

describe('no card or bank account data at rest or in logs', () => {
  it('is in no row of any table', async () => {
    const tables = await sql<{ table_schema: string; table_name: string }>`
      select distinct c.table_schema, c.table_name
      from information_schema.columns c
      join information_schema.tables t using (table_schema, table_name)
      where t.table_type = 'BASE TABLE'
        and c.table_schema not in ('pg_catalog', 'information_schema')
        and c.data_type in ('text', 'jsonb', 'json', 'character varying', 'character', 'ARRAY', 'bytea')
      order by 1, 2
    `.execute(t.deps.db);
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'accounts',
        'bills',
        'payments',
        'payment_events',
        'idempotency_keys',
        'guest_sessions',
        'audit_events',
        'outbox_emails',
        'sandbox_tokens',
        'sandbox_charges',
      ]),
    );

    const leaks: Leak[] = [];
    const rowsByTable: Record<string, string[]> = {};
    for (const { table_schema, table_name } of tables.rows) {
      const result = await sql<{ row: string }>`
        select t::text as row from ${sql.table(`${table_schema}.${table_name}`)} t
      `.execute(t.deps.db);
      rowsByTable[table_name] = result.rows.map((r) => r.row);
      for (const [i, r] of result.rows.entries()) {
        leaks.push(...scan(`${table_schema}.${table_name}[${i}]`, r.row));
      }
    }
    expect(leaks).toEqual([]);

    // The scan saw the data it should: what is kept (brand and last 4) is there to be found.
    const payments = rowsByTable.payments!.join('\n');
    for (const n of GOOD_CARDS) expect(payments).toContain(n.slice(-4));
    expect(payments).toContain('6789');
    const tokens = rowsByTable.sandbox_tokens!.join('\n');
    for (const n of [...GOOD_CARDS, ...DECLINE_CARDS, AMEX]) expect(tokens).toContain(n.slice(-4));
    for (const n of BANK_ACCOUNTS) expect(tokens).toContain(n.slice(-4));
    expect(rowsByTable.sandbox_charges!.length).toBeGreaterThanOrEqual(
      GOOD_CARDS.length + DECLINE_CARDS.length,
    );
    expect(rowsByTable.outbox_emails!.join('\n')).toContain('4242');
    expect(rowsByTable.audit_events!.length).toBeGreaterThan(0);
  });

  it('is in no log line', () => {
    expect(t.logLines.length).toBeGreaterThan(50);
    // The request log is there (so the scan is of real traffic) and so is the lost-answer warning.
    expect(t.logLines.some((l) => l.includes('/sandbox/v1/tokens'))).toBe(true);
    expect(t.logLines.some((l) => l.includes('processor answer lost'))).toBe(true);
    const leaks: Leak[] = [];
    for (const [i, line] of t.logLines.entries()) {
      // Two measurements whose digits are no one's input: pino's `time` (epoch milliseconds, 13
      // digits) and Fastify's `responseTime` (a float with up to 14 fraction digits).
      const entry: Record<string, unknown> = JSON.parse(line);
      expect(typeof entry.time).toBe('number');
      delete entry.time;
      if (typeof entry.responseTime === 'number') delete entry.responseTime;
      leaks.push(...scan(`log[${i}]`, JSON.stringify(entry)));
    }
    expect(leaks).toEqual([]);
  });

  it('is in no API response', () => {
    expect(responses.length).toBeGreaterThan(30);
    const leaks = responses.flatMap((res, i) =>
      res.headers['content-type'] === 'application/pdf' ? [] : scan(`response[${i}]`, res.body),
    );
    expect(leaks).toEqual([]);
  });
});
