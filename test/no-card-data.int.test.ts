import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestSessionView } from '../src/modules/guest/guest.schema';
import { renderOutboxEmail } from '../src/modules/payments/payment-receipts.service';
import { reconcilePayments } from '../src/modules/payments/reconciliation.service';
import {
  TEST_ROUTING_NUMBER,
  testBankAccounts,
  testCards,
} from '../src/platform/processors/sandbox/test-numbers';
import { buildTestApp, type TestApp } from './app';
import {
  dumpRows,
  grouped,
  type Leak,
  luhnValidRuns,
  type ScanRules,
  scanLogLines,
  scanRows,
  scanText,
  typedForms,
} from './card-data-scan';
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
const rules: ScanRules = {
  forbidden: [...typedForms(ALL_CARDS), ...BANK_ACCOUNTS, '000999888777'],
  cvcs: [AMEX_CVC, CVC],
};

function scan(where: string, text: string): Leak[] {
  return scanText(where, text, rules);
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
    const rowsByTable = await dumpRows(t.deps.db);
    expect(Object.keys(rowsByTable)).toEqual(
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
    expect(scanRows(rowsByTable, rules)).toEqual([]);

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
    // Receipts are stored by reference and rendered when sent: scan them as they are sent, too.
    const emails = await t.deps.db.selectFrom('outbox_emails').selectAll().execute();
    const sent = await Promise.all(emails.map((e) => renderOutboxEmail(t.deps, e, { attachments: false })));
    const sentText = sent.map((c) => `${c.subject}\n${c.text}\n${c.html}`).join('\n');
    expect(scan('emails as sent', sentText)).toEqual([]);
    expect(sentText).toContain('4242');
    expect(rowsByTable.audit_events!.length).toBeGreaterThan(0);
  });

  it('is in no log line', () => {
    expect(t.logLines.length).toBeGreaterThan(50);
    // The request log is there (so the scan is of real traffic) and so is the lost-answer warning.
    expect(t.logLines.some((l) => l.includes('/sandbox/v1/tokens'))).toBe(true);
    expect(t.logLines.some((l) => l.includes('processor answer lost'))).toBe(true);
    for (const line of t.logLines) expect(typeof JSON.parse(line).time).toBe('number');
    expect(scanLogLines(t.logLines, rules)).toEqual([]);
  });

  it('is in no API response', () => {
    expect(responses.length).toBeGreaterThan(30);
    const leaks = responses.flatMap((res, i) =>
      res.headers['content-type'] === 'application/pdf' ? [] : scan(`response[${i}]`, res.body),
    );
    expect(leaks).toEqual([]);
  });
});
