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
  tokenizeCard,
} from '../../../test/factories';
import { pauseAutopayOnBlockedMethods } from '../autopay/autopay-run.service';
import { checkIntegrity } from '../integrity/integrity.service';
import { blockReturnedBankMethods } from '../wallet/wallet.service';
import { presentReturnedBankDebits } from './bank-representment.service';
import { settleBankPayments } from './bank-settlement.service';
import { reconcilePayments } from './reconciliation.service';

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
  t.sandbox.faults = {};
});

async function memberPayingByBank(accountNumber: string) {
  const account = await createMedicalAccount(t.deps, { amounts: [5_000, 3_000] });
  const member = await createMember(t.deps, await createPerson(t.deps, { accountsFor: [account.accountId] }));
  let session = await signIn(t.app, member.email, MEMBER_PASSWORD);
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
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
  const recurringAuthorization = {
    accepted: true,
    textVersion: t.deps.config.organization.payments.achRecurringAuthorizationVersion,
  };
  return {
    account,
    member,
    call,
    methodId: saved.json().id as string,
    bankAuthorization,
    recurringAuthorization,
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
  return workerPass();
}

/**
 * The bank steps of one worker pass. A sweep skips debits another worker has claimed, so the worker
 * that applies a return is the one whose next steps block the account and pause its autopay.
 */
async function workerPass() {
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

  it('asks about a pending debit again only when its next check is due, and two sweeps never ask about the same one', async () => {
    const m = await memberPayingByBank('000123456789');
    const pay = async (billId: string | undefined, amountCents: number) => {
      const paid = await m.call('POST', '/api/v1/member/payments', {
        billIds: [billId],
        amountCents,
        paymentMethodId: m.methodId,
        bankAuthorization: m.bankAuthorization,
      });
      expect(paid.statusCode).toBe(201);
      return paid.json().id as string;
    };
    const ids = [await pay(m.account.billIds[0], 5_000), await pay(m.account.billIds[1], 3_000)];
    const asked: string[] = [];
    const bankDebitState = t.deps.processor.bankDebitState.bind(t.deps.processor);
    t.deps.processor.bankDebitState = (key) => {
      asked.push(key);
      return bankDebitState(key);
    };
    const askedOurs = () => asked.filter((id) => ids.includes(id));
    try {
      // Two workers at once: each debit is asked about once, and both are still pending.
      const sweeps = await Promise.all([settleBankPayments(t.deps), settleBankPayments(t.deps)]);
      expect(askedOurs().sort()).toEqual([...ids].sort());
      expect(sweeps.reduce((n, c) => n + c.settled + c.returned, 0)).toBe(0);
      // Not asked again before their next check (a minute on: they are new)…
      t.clock.advance({ seconds: 30 });
      await settleBankPayments(t.deps);
      expect(askedOurs()).toHaveLength(2);
      // …and asked when it comes: the sandbox has settled them by then.
      t.clock.advance({ seconds: 40 });
      const later = await settleBankPayments(t.deps);
      expect(askedOurs()).toHaveLength(4);
      expect(later.settled).toBeGreaterThanOrEqual(2);
      const rows = await t.deps.db
        .selectFrom('payments')
        .select(['status', 'settled_at'])
        .where('id', 'in', ids)
        .execute();
      expect(rows.map((r) => [r.status, r.settled_at !== null])).toEqual([
        ['succeeded', true],
        ['succeeded', true],
      ]);
      // Settled debits are not asked about again.
      t.clock.advance({ hours: 2 });
      await settleBankPayments(t.deps);
      expect(askedOurs()).toHaveLength(4);
    } finally {
      t.deps.processor.bankDebitState = bankDebitState;
    }
  });

  it('reverses a debit returned R02 (account closed): bills open again, payer told, account blocked, autopay paused', async () => {
    const m = await memberPayingByBank('000111111113');
    const enrolled = await m.call('PUT', `/api/v1/member/autopay/${m.account.accountId}`, {
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: m.methodId,
      bankAuthorization: m.recurringAuthorization,
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

    const [first, second] = await Promise.all([afterSettlement(), workerPass()]);
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
      bankAuthorization: m.recurringAuthorization,
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

/** Every payment of an account, first presentment first. */
async function paymentsOf(accountId: string) {
  return t.deps.db
    .selectFrom('payments')
    .select([
      'id',
      'status',
      'amount_cents',
      'presentment',
      'represents_payment_id',
      'return_code',
      'channel',
    ])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('presentment')
    .execute();
}

async function returnedEmails(email: string) {
  return t.deps.db
    .selectFrom('outbox_emails')
    .select(['subject', 'text_body'])
    .where('to_address', '=', email)
    .where('kind', '=', 'payment_returned')
    .orderBy('created_at')
    .execute();
}

/** A member pays the first bill ($50.00) from the bank account, and the bank returns it R01. */
async function returnedForInsufficientFunds(accountNumber: string) {
  const m = await memberPayingByBank(accountNumber);
  const paid = await m.call('POST', '/api/v1/member/payments', {
    billIds: [m.account.billIds[0]],
    amountCents: 5_000,
    paymentMethodId: m.methodId,
    bankAuthorization: m.bankAuthorization,
  });
  expect(paid.statusCode).toBe(201);
  expect(await afterSettlement()).toMatchObject({ returned: 1 });
  return { ...m, firstPaymentId: paid.json().id as string };
}

describe('a debit returned for insufficient funds (R01) is presented again', () => {
  it('three days later (a weekday), once however many workers run, and it settles; the member knows the day', async () => {
    const m = await returnedForInsufficientFunds('000222222235');
    // Returned Monday 23 November (Pacific): presented again on Thursday the 26th.
    const [email] = await returnedEmails(m.member.email);
    expect(email?.text_body).toContain('We will ask your bank for this payment again on November 26, 2026');
    await m.signInAgain();
    const dashboard = (await m.call('GET', '/api/v1/member/dashboard')).json();
    expect(dashboard.bankRetries).toEqual([
      {
        id: expect.any(String),
        amountCents: 5_000,
        presentOn: '2026-11-26',
        method: { type: 'bank', brand: null, last4: '2235' },
      },
    ]);

    // Not before 5 am Pacific on the day.
    t.clock.set('2026-11-26T12:59:00Z');
    await presentReturnedBankDebits(t.deps);
    expect(await paymentsOf(m.account.accountId)).toHaveLength(1);
    t.clock.set('2026-11-26T13:00:00Z');
    await Promise.all([presentReturnedBankDebits(t.deps), presentReturnedBankDebits(t.deps)]);
    await presentReturnedBankDebits(t.deps);

    const [first, again, ...more] = await paymentsOf(m.account.accountId);
    expect(more).toEqual([]);
    expect(first).toMatchObject({
      id: m.firstPaymentId,
      status: 'returned',
      return_code: 'R01',
      presentment: 1,
    });
    expect(again).toMatchObject({
      status: 'succeeded',
      amount_cents: 5_000,
      presentment: 2,
      represents_payment_id: m.firstPaymentId,
      channel: 'member',
    });
    expect(await billBalances(m.account.accountId)).toEqual([
      [0, 'paid'],
      [3_000, 'open'],
    ]);
    // The sandbox presented the same debit again: two charges on the one bank account, for the same amount.
    const charges = await t.deps.db
      .selectFrom('sandbox_charges')
      .select(['amount_cents', 'token_id'])
      .where('idempotency_key', 'in', [m.firstPaymentId, again?.id ?? ''])
      .execute();
    expect(charges).toHaveLength(2);
    expect(new Set(charges.map((c) => c.token_id)).size).toBe(1);

    await afterSettlement();
    expect(await paymentsOf(m.account.accountId)).toMatchObject([
      { status: 'returned' },
      { status: 'succeeded' },
    ]);
    const settled = await t.deps.db
      .selectFrom('payments')
      .select('settled_at')
      .where('id', '=', again?.id ?? '')
      .executeTakeFirstOrThrow();
    expect(settled.settled_at).not.toBeNull();
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
    await m.signInAgain();
    expect((await m.call('GET', '/api/v1/member/dashboard')).json().bankRetries).toEqual([]);
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'result'])
      .where('action', '=', 'payment.representment')
      .where('resource_id', '=', m.firstPaymentId)
      .execute();
    expect(audit).toEqual([{ action: 'payment.representment', result: 'success' }]);
  });

  it('at most twice: an account that keeps returning R01 is not asked a fourth time, and the member is told', async () => {
    const m = await returnedForInsufficientFunds('000222222227');
    const presentments = async () => (await paymentsOf(m.account.accountId)).length;
    t.clock.set('2026-11-26T14:00:00Z');
    await presentReturnedBankDebits(t.deps);
    expect(await presentments()).toBe(2);
    await afterSettlement();
    // Returned again on Thursday the 26th: Sunday the 29th moves to Monday the 30th.
    t.clock.set('2026-11-29T14:00:00Z');
    await presentReturnedBankDebits(t.deps);
    expect(await presentments()).toBe(2);
    t.clock.set('2026-11-30T14:00:00Z');
    await presentReturnedBankDebits(t.deps);
    expect(await presentments()).toBe(3);
    await afterSettlement();
    t.clock.set('2026-12-10T14:00:00Z');
    await presentReturnedBankDebits(t.deps);

    const all = await paymentsOf(m.account.accountId);
    expect(all.map((p) => [p.status, p.return_code, p.presentment, p.amount_cents])).toEqual([
      ['returned', 'R01', 1, 5_000],
      ['returned', 'R01', 2, 5_000],
      ['returned', 'R01', 3, 5_000],
    ]);
    expect(all[1]?.represents_payment_id).toBe(all[0]?.id);
    expect(all[2]?.represents_payment_id).toBe(all[1]?.id);
    expect(await billBalances(m.account.accountId)).toEqual([
      [5_000, 'open'],
      [3_000, 'open'],
    ]);
    const emails = await returnedEmails(m.member.email);
    expect(emails.map((e) => /again on ([A-Za-z]+ \d+, \d{4})/.exec(e.text_body ?? '')?.[1] ?? null)).toEqual(
      ['November 26, 2026', 'November 30, 2026', null],
    );
    expect(emails[2]?.text_body).toContain('We will not ask your bank for this payment again.');
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });

  it('not when the bill was paid another way since, nor from a bank account the member removed', async () => {
    const paidOff = await returnedForInsufficientFunds('000222222227');
    await paidOff.signInAgain();
    const byCard = await paidOff.call('POST', '/api/v1/member/payments', {
      billIds: [paidOff.account.billIds[0]],
      amountCents: 1_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(byCard.statusCode).toBe(201);

    const removed = await returnedForInsufficientFunds('000222222235');
    await removed.signInAgain();
    expect(
      (await removed.call('DELETE', `/api/v1/member/payment-methods/${removed.methodId}`)).statusCode,
    ).toBe(204);

    t.clock.set('2026-11-26T14:00:00Z');
    await presentReturnedBankDebits(t.deps);
    const outcomes = await t.deps.db
      .selectFrom('bank_representments')
      .select(['account_id', 'status', 'outcome_code', 'payment_id'])
      .where('account_id', 'in', [paidOff.account.accountId, removed.account.accountId])
      .execute();
    expect(new Map(outcomes.map((o) => [o.account_id, [o.status, o.outcome_code, o.payment_id]]))).toEqual(
      new Map([
        [paidOff.account.accountId, ['skipped', 'paid_otherwise', null]],
        [removed.account.accountId, ['skipped', 'method_stopped', null]],
      ]),
    );
    expect((await paymentsOf(removed.account.accountId)).map((p) => p.presentment)).toEqual([1]);
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });

  it("presents once when the processor's answer is lost, and the next pass finds the same debit", async () => {
    const m = await returnedForInsufficientFunds('000222222235');
    t.clock.set('2026-11-26T14:00:00Z');
    t.sandbox.faults = { timeoutAfterSuccess: true };
    await presentReturnedBankDebits(t.deps);
    const [row] = await t.deps.db
      .selectFrom('bank_representments')
      .select(['status', 'payment_id'])
      .where('account_id', '=', m.account.accountId)
      .execute();
    expect(row?.status).toBe('processing');
    t.sandbox.faults = {};
    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    await presentReturnedBankDebits(t.deps);
    const all = await paymentsOf(m.account.accountId);
    expect(all.map((p) => [p.status, p.presentment])).toEqual([
      ['returned', 1],
      ['succeeded', 2],
    ]);
    const charges = await t.deps.db
      .selectFrom('sandbox_charges')
      .select('id')
      .where('idempotency_key', '=', all[1]?.id ?? '')
      .execute();
    expect(charges).toHaveLength(1);
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);

    // `settle check` notices a presentment that does not follow the one it repeats.
    const id = all[1]?.id ?? '';
    await t.deps.db.updateTable('payments').set({ presentment: 3 }).where('id', '=', id).execute();
    expect((await checkIntegrity(t.deps)).violations).toEqual([
      { invariant: 'representment_repeats_returned_r01', detail: { payment_id: id } },
    ]);
    await t.deps.db.updateTable('payments').set({ presentment: 2 }).where('id', '=', id).execute();
  });
});
