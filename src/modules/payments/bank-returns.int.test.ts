import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  signIn,
  tokenizeBank,
} from '../../../test/factories';
import { pauseAutopayOnBlockedMethods } from '../autopay/autopay.service';
import { checkIntegrity } from '../integrity/integrity.service';
import { blockReturnedBankMethods } from '../wallet/wallet.service';
import { settleBankPayments } from './bank-settlement.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});
const START = '2026-11-23T18:00:00Z';
afterEach(() => {
  t.clock.set(START);
});

async function memberPayingByBank(accountNumber: string) {
  const account = await createMedicalAccount(t.deps, { amounts: [5_000, 3_000] });
  const member = await createMember(t.deps, await createPerson(t.deps, { accountsFor: [account.accountId] }));
  let session = await signIn(t.app, member.email, MEMBER_PASSWORD);
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'idempotency-key': randomUUID() },
      ...(payload ? { payload } : {}),
    });
  const saved = await call('POST', '/api/v1/member/payment-methods', {
    paymentToken: await tokenizeBank(t.app, accountNumber),
  });
  expect(saved.statusCode).toBe(201);
  const version = t.deps.config.organization.payments.achAuthorizationVersion;
  const bankAuthorization = { accepted: true, textVersion: version };
  return {
    account,
    member,
    call,
    methodId: saved.json().id as string,
    bankAuthorization,
    signInAgain: async () => {
      session = await signIn(t.app, member.email, MEMBER_PASSWORD);
    },
  };
}

async function billBalances(accountId: string) {
  const rows = await t.deps.db
    .selectFrom('bills')
    .select(['balance_cents', 'status'])
    .where('account_id', '=', accountId)
    .orderBy('due_date')
    .execute();
  return rows.map((r) => [r.balance_cents, r.status]);
}

/** What the worker does after the settlement delay (60 s in the sandbox). */
async function afterSettlement() {
  t.clock.advance({ minutes: 2 });
  const counts = await settleBankPayments(t.deps);
  await blockReturnedBankMethods(t.deps);
  await pauseAutopayOnBlockedMethods(t.deps);
  return counts;
}

describe('bank debits that settle or come back', () => {
  it('settles a good debit once, leaving the payment succeeded', async () => {
    const m = await memberPayingByBank('000123456789');
    const paid = await m.call('POST', '/api/v1/member/payments', {
      billIds: [m.account.billIds[0]],
      amountCents: 5_000,
      paymentMethodId: m.methodId,
      bankAuthorization: m.bankAuthorization,
    });
    expect(paid.statusCode).toBe(201);
    // Before the settlement delay the processor does not know yet.
    expect(await settleBankPayments(t.deps)).toMatchObject({ settled: 0, returned: 0 });
    expect(await afterSettlement()).toMatchObject({ returned: 0 });
    const payment = await t.deps.db
      .selectFrom('payments')
      .select(['status', 'settled_at'])
      .where('id', '=', paid.json().id)
      .executeTakeFirstOrThrow();
    expect(payment.status).toBe('succeeded');
    expect(payment.settled_at).not.toBeNull();
  });

  it('reverses a debit returned R02 (account closed): bills open again, payer told, account blocked, autopay paused', async () => {
    const m = await memberPayingByBank('000111111113');
    const enrolled = await m.call('PUT', `/api/v1/member/autopay/${m.account.accountId}`, {
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: m.methodId,
      bankAuthorization: m.bankAuthorization,
    });
    expect(enrolled.statusCode).toBe(200);
    const paid = await m.call('POST', '/api/v1/member/payments', {
      billIds: m.account.billIds,
      amountCents: 8_000,
      paymentMethodId: m.methodId,
      bankAuthorization: m.bankAuthorization,
    });
    expect(paid.statusCode).toBe(201);
    expect(await billBalances(m.account.accountId)).toEqual([
      [0, 'paid'],
      [0, 'paid'],
    ]);

    const [first, second] = await Promise.all([afterSettlement(), settleBankPayments(t.deps)]);
    expect(first.returned + second.returned).toBe(1);
    expect(await settleBankPayments(t.deps)).toMatchObject({ returned: 0 });

    const payment = await t.deps.db
      .selectFrom('payments')
      .select(['status', 'return_code'])
      .where('id', '=', paid.json().id)
      .executeTakeFirstOrThrow();
    expect(payment).toEqual({ status: 'returned', return_code: 'R02' });
    expect(await billBalances(m.account.accountId)).toEqual([
      [5_000, 'open'],
      [3_000, 'open'],
    ]);
    const reversal = await t.deps.db
      .selectFrom('ledger_postings')
      .select(['kind', 'reverses_posting_id'])
      .where('payment_id', '=', paid.json().id)
      .where('kind', '=', 'reversal')
      .execute();
    expect(reversal).toHaveLength(1);
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);

    const emails = await t.deps.db
      .selectFrom('outbox_emails')
      .select(['subject', 'text_body'])
      .where('to_address', '=', m.member.email)
      .where('kind', '=', 'payment_returned')
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toBe('Your bank returned your payment of $80.00');
    expect(emails[0]?.text_body).toContain('The bank account is closed.');
    expect(emails[0]?.text_body).toContain('We will not debit this account again');

    // No more debits from that account until the member authorizes it again.
    await m.signInAgain();
    const wallet = (await m.call('GET', '/api/v1/member/payment-methods')).json().methods;
    expect(wallet[0]).toMatchObject({ id: m.methodId, blocked: true });
    const again = await m.call('POST', '/api/v1/member/payments', {
      billIds: [m.account.billIds[0]],
      amountCents: 5_000,
      paymentMethodId: m.methodId,
      bankAuthorization: m.bankAuthorization,
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().errors[0]).toMatchObject({ field: 'paymentMethodId', code: 'bank_returned' });
    const overview = (await m.call('GET', '/api/v1/member/autopay')).json();
    expect(overview.accounts[0].enrollment).toMatchObject({
      status: 'paused',
      pausedReason: 'bank_returned',
    });

    // Authorizing again turns autopay back on and lifts the block, which the old return does not restore.
    const reauthorized = await m.call('PUT', `/api/v1/member/autopay/${m.account.accountId}`, {
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: m.methodId,
      bankAuthorization: m.bankAuthorization,
    });
    expect(reauthorized.statusCode).toBe(200);
    expect(reauthorized.json()).toMatchObject({ status: 'active', method: { blocked: false } });
    t.clock.advance({ minutes: 1 });
    expect(await blockReturnedBankMethods(t.deps)).toEqual([]);
  });

  it('reverses a debit returned R01 (not enough money) without blocking the account', async () => {
    const m = await memberPayingByBank('000222222227');
    const paid = await m.call('POST', '/api/v1/member/payments', {
      billIds: [m.account.billIds[0]],
      amountCents: 5_000,
      paymentMethodId: m.methodId,
      bankAuthorization: m.bankAuthorization,
    });
    expect(paid.statusCode).toBe(201);
    expect(await afterSettlement()).toMatchObject({ returned: 1 });
    expect(await billBalances(m.account.accountId)).toEqual([
      [5_000, 'open'],
      [3_000, 'open'],
    ]);
    await m.signInAgain();
    const wallet = (await m.call('GET', '/api/v1/member/payment-methods')).json().methods;
    expect(wallet[0]).toMatchObject({ blocked: false });
    const [email] = await t.deps.db
      .selectFrom('outbox_emails')
      .select('text_body')
      .where('to_address', '=', m.member.email)
      .where('kind', '=', 'payment_returned')
      .execute();
    expect(email?.text_body).toContain('There was not enough money in the account.');
    expect(email?.text_body).not.toContain('We will not debit');
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });
});
