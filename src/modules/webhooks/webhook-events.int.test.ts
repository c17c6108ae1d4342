import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  lookupMedical,
  MEMBER_PASSWORD,
  pay,
  signIn,
  tokenizeBank,
  tokenizeCard,
} from '../../../test/factories';
import { noticeAutopay } from '../autopay/autopay-notices.service';
import { runDueAutopay } from '../autopay/autopay-run.service';
import { findBillsForPayment } from '../bills/bills.service';
import { runIdempotent } from '../idempotency/idempotency.service';
import { backgroundKey } from '../payments/background-charge';
import { settleBankPayments } from '../payments/bank-settlement.service';
import { type BatchPayment, payBillsInBatch } from '../payments/payments.batch';
import { payBills } from '../payments/payments.service';
import { reconcilePayments } from '../payments/reconciliation.service';
import { runDueScheduledPayments } from '../scheduled/scheduled.service';
import { isWebhookEventType, webhookEventSchemas } from './webhook-events';

let t: TestApp;
const START = '2026-11-23T18:00:00Z';
beforeAll(async () => {
  t = await buildTestApp({ now: START });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  t.clock.set(START);
  t.sandbox.faults = {};
});

const RUNNER = { type: 'system', name: 'events-test' } as const;

/** The webhook events about one account, oldest first, each checked against its type's schema. */
async function eventsOf(accountId: string) {
  const rows = await t.deps.db
    .selectFrom('webhook_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    if (!isWebhookEventType(row.type)) throw new Error(`unknown type ${row.type}`);
    // Stored exactly as its schema shapes it: nothing more, nothing less.
    expect(webhookEventSchemas[row.type].parse(row.payload)).toEqual(row.payload);
  }
  return rows.map((r) => ({ type: r.type, data: r.payload as Record<string, unknown> }));
}

/**
 * The types of an account's events, sorted: ids are time-ordered to the millisecond only, and the
 * events of one change are written together.
 */
const typesOf = async (accountId: string) => (await eventsOf(accountId)).map((e) => e.type).sort();

/** The data of the one event of `type`. */
function one(events: Awaited<ReturnType<typeof eventsOf>>, type: string) {
  const found = events.filter((e) => e.type === type);
  expect(found).toHaveLength(1);
  return found[0]?.data ?? {};
}

/** Pays as the member's web payment does (payBills under an idempotency key). */
function payDirect(accountId: string, billIds: string[], amountCents: number, token: string, bank = false) {
  return runIdempotent(t.deps, { scope: 'events-test', key: randomUUID(), request: {} }, (idempotency) =>
    payBills(t.deps, {
      actor: RUNNER,
      ctx: { ip: null, requestId: 'events-test', locale: 'en' },
      channel: 'member',
      accountId,
      billIds,
      amountCents,
      paymentToken: token,
      payerEmail: 'payer@example.org',
      bankAuthorization: bank
        ? { accepted: true, textVersion: t.deps.config.organization.payments.achAuthorizationVersion }
        : null,
      idempotency,
    }),
  );
}

/** Makes the next statement that writes an audit row with `action` fail (a crash mid-change). */
async function failNext(table: 'audit_events' | 'payment_events', column: string, value: string) {
  await sql
    .raw(`create or replace function test_fail() returns trigger language plpgsql as $$
      begin
        if new.${column} = '${value}' then raise exception 'injected failure'; end if;
        return new;
      end $$;
      create trigger test_fail before insert on ${table} for each row execute function test_fail();`)
    .execute(t.deps.db);
  return async () => {
    await sql.raw(`drop trigger test_fail on ${table}; drop function test_fail();`).execute(t.deps.db);
  };
}

describe('payment events', () => {
  it('a payment writes payment.succeeded, and bill.paid for each bill it leaves paid, with nothing a payer would not show', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [12_000, 4_550] });
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 14_000,
      paymentToken: await tokenizeCard(t.app),
      email: 'payer@example.org',
    });
    expect(res.statusCode).toBe(201);
    const paymentId = res.json().id;
    const events = await eventsOf(account.accountId);
    expect(events.map((e) => e.type).sort()).toEqual(['bill.paid', 'payment.succeeded']);
    expect(one(events, 'payment.succeeded')).toEqual({
      paymentId,
      accountId: account.accountId,
      confirmationNumber: res.json().confirmationNumber,
      status: 'succeeded',
      amountCents: 14_000,
      currency: 'USD',
      channel: 'guest',
      method: { type: 'card', brand: 'visa', last4: '4242' },
      bills: [
        { billId: account.billIds[0], number: account.billNumbers[0], amountCents: 12_000 },
        { billId: account.billIds[1], number: account.billNumbers[1], amountCents: 2_000 },
      ],
      representsPaymentId: null,
      createdAt: '2026-11-23T18:00:00.000Z',
    });
    // Only the bill paid in full; the other still owes $25.50.
    expect(one(events, 'bill.paid')).toMatchObject({
      billId: account.billIds[0],
      paymentId,
      amountCents: 12_000,
    });
    expect(JSON.stringify(events)).not.toContain('4242424242424242');
  });

  it('a decline writes payment.failed with why, and no bill.paid', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    await expect(
      payDirect(account.accountId, account.billIds, 5_000, await tokenizeCard(t.app, '4000000000009995')),
    ).resolves.toMatchObject({ status: 402 });
    const events = await eventsOf(account.accountId);
    expect(events.map((e) => e.type).sort()).toEqual(['payment.failed']);
    expect(one(events, 'payment.failed')).toMatchObject({
      status: 'failed',
      failure: { code: 'insufficient_funds', retryable: true },
    });
  });

  it('a payment whose outcome is rolled back leaves no event; the reconciler’s outcome writes it once', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const restore = await failNext('audit_events', 'action', 'payment.succeeded');
    try {
      await expect(
        payDirect(account.accountId, account.billIds, 5_000, await tokenizeCard(t.app)),
      ).rejects.toThrow(/injected failure/);
    } finally {
      await restore();
    }
    // The attempt committed; its outcome (balances, ledger, events) did not.
    const [payment] = await t.deps.db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('account_id', '=', account.accountId)
      .execute();
    expect(payment?.status).toBe('processing');
    expect(await eventsOf(account.accountId)).toEqual([]);

    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    await reconcilePayments(t.deps);
    expect(await typesOf(account.accountId)).toEqual(['bill.paid', 'payment.succeeded']);
  });

  it('a batch (the autopay run) writes the same events in its outcome statement', async () => {
    const paid = await createMedicalAccount(t.deps, { amounts: [5_000, 2_500] });
    const declined = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const payment = async (a: typeof paid, card: string): Promise<BatchPayment> => ({
      ref: a.accountId,
      actor: RUNNER,
      ctx: { ip: null, requestId: 'batch', locale: 'en' },
      channel: 'autopay',
      accountId: a.accountId,
      bills: await findBillsForPayment(t.deps.db, a.accountId, a.billIds),
      amountCents: a.amounts.reduce((x, y) => x + y, 0),
      paymentToken: await tokenizeCard(t.app, card),
      method: { kind: 'card', brand: 'visa', last4: card.slice(-4), expMonth: 12, expYear: 2030 },
      bankAuthorization: null,
      payerEmail: null,
      idempotency: backgroundKey(t.deps, { scope: 'events-test', key: randomUUID(), request: {} }),
    });
    const outcomes = await payBillsInBatch(t.deps, [
      await payment(paid, '4242424242424242'),
      await payment(declined, '4000000000000002'),
    ]);
    expect([...outcomes.values()].map((o) => o.status).sort()).toEqual(['declined', 'paid']);
    expect(await typesOf(paid.accountId)).toEqual(['bill.paid', 'bill.paid', 'payment.succeeded']);
    expect(one(await eventsOf(paid.accountId), 'payment.succeeded')).toMatchObject({
      channel: 'autopay',
      amountCents: 7_500,
    });
    expect(await typesOf(declined.accountId)).toEqual(['payment.failed']);
  });
});

describe('bank debit events', () => {
  it('a debit that settles writes payment.settled', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    await payDirect(account.accountId, account.billIds, 5_000, await tokenizeBank(t.app), true);
    t.clock.advance({ minutes: 2 });
    await settleBankPayments(t.deps);
    await settleBankPayments(t.deps);
    const events = await eventsOf(account.accountId);
    expect(events.map((e) => e.type).sort()).toEqual(['bill.paid', 'payment.settled', 'payment.succeeded']);
    expect(one(events, 'payment.settled')).toMatchObject({
      method: { type: 'bank', brand: null, last4: '6789' },
    });
    expect(JSON.stringify(events)).not.toContain('000123456789');
  });

  it('a return writes payment.returned and bill.reopened in its transaction, or neither when it is rolled back', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    await payDirect(
      account.accountId,
      account.billIds,
      5_000,
      await tokenizeBank(t.app, '000222222227'),
      true,
    );
    t.clock.advance({ minutes: 2 });
    const restore = await failNext('payment_events', 'to_status', 'returned');
    try {
      await expect(settleBankPayments(t.deps)).rejects.toThrow(/injected failure/);
    } finally {
      await restore();
    }
    expect(await typesOf(account.accountId)).toEqual(['bill.paid', 'payment.succeeded']);
    t.clock.advance({ minutes: 3 });
    await settleBankPayments(t.deps);
    const events = await eventsOf(account.accountId);
    expect(events.map((e) => e.type).sort()).toEqual([
      'bill.paid',
      'bill.reopened',
      'payment.returned',
      'payment.succeeded',
    ]);
    expect(one(events, 'payment.returned')).toMatchObject({ status: 'returned', returnCode: 'R01' });
    expect(one(events, 'payment.returned').presentAgainOn).toMatch(/^2026-11-2\d$/);
    expect(one(events, 'bill.reopened')).toMatchObject({
      billId: account.billIds[0],
      amountCents: 5_000,
      reason: 'payment_returned',
    });
  });
});

describe('member change events', () => {
  async function member(amounts = [5_000]) {
    const account = await createMedicalAccount(t.deps, { amounts });
    const m = await createMember(t.deps, await createPerson(t.deps, { accountsFor: [account.accountId] }));
    let session = await signIn(t.app, m.email, MEMBER_PASSWORD);
    const call = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrfToken,
          'idempotency-key': randomUUID(),
        },
        ...(payload ? { payload } : {}),
      });
    const saved = await call('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenizeCard(t.app),
    });
    return {
      account,
      call,
      methodId: saved.json().id as string,
      signInAgain: async () => {
        session = await signIn(t.app, m.email, MEMBER_PASSWORD);
      },
      saveCard: async (number: string) =>
        (
          await call('POST', '/api/v1/member/payment-methods', {
            paymentToken: await tokenizeCard(t.app, number),
          })
        ).json().id as string,
    };
  }

  it('scheduled payments: created, updated, canceled, and finished when their day comes', async () => {
    const m = await member([5_000, 3_000]);
    const base = { billIds: [m.account.billIds[0]], amountCents: 5_000, paymentMethodId: m.methodId };
    const first = await m.call('POST', '/api/v1/member/scheduled-payments', { ...base, payOn: '2026-12-01' });
    expect(first.statusCode).toBe(201);
    const url = `/api/v1/member/scheduled-payments/${first.json().id}`;
    expect((await m.call('PATCH', url, { payOn: '2026-12-02' })).statusCode).toBe(200);
    expect((await m.call('DELETE', url)).statusCode).toBe(200);
    const second = await m.call('POST', '/api/v1/member/scheduled-payments', {
      ...base,
      payOn: '2026-12-03',
    });
    expect(second.statusCode).toBe(201);
    t.clock.set('2026-12-03T18:00:00Z');
    await runDueScheduledPayments(t.deps);
    const events = await eventsOf(m.account.accountId);
    expect(events.map((e) => e.type).sort()).toEqual([
      'bill.paid',
      'payment.succeeded',
      'scheduled_payment.canceled',
      'scheduled_payment.created',
      'scheduled_payment.created',
      'scheduled_payment.finished',
      'scheduled_payment.updated',
    ]);
    expect(one(events, 'scheduled_payment.updated')).toMatchObject({
      payOn: '2026-12-02',
      status: 'scheduled',
    });
    expect(one(events, 'scheduled_payment.canceled')).toMatchObject({ status: 'canceled' });
    expect(one(events, 'scheduled_payment.finished')).toMatchObject({
      scheduledPaymentId: second.json().id,
      outcome: 'paid',
      status: 'paid',
      paymentId: one(events, 'payment.succeeded').paymentId,
      code: null,
    });
  });

  it('autopay: enrolled, updated, paused after a hard decline, and canceled', async () => {
    const m = await member();
    const expired = await m.saveCard('4000000000000069');
    const body = { amountRule: 'statement_balance', billKinds: ['medical'], paymentMethodId: m.methodId };
    expect((await m.call('PUT', `/api/v1/member/autopay/${m.account.accountId}`, body)).statusCode).toBe(200);
    const changed = { ...body, paymentMethodId: expired };
    expect((await m.call('PUT', `/api/v1/member/autopay/${m.account.accountId}`, changed)).statusCode).toBe(
      200,
    );
    for (const day of ['2026-12-07', '2026-12-10']) {
      t.clock.set(`${day}T18:00:00Z`);
      await noticeAutopay(t.deps);
      await runDueAutopay(t.deps);
    }
    await m.signInAgain();
    expect((await m.call('DELETE', `/api/v1/member/autopay/${m.account.accountId}`)).statusCode).toBe(204);
    const events = await eventsOf(m.account.accountId);
    expect(events.map((e) => e.type).sort()).toEqual([
      'autopay.canceled',
      'autopay.enrolled',
      'autopay.paused',
      'autopay.updated',
      'payment.failed',
    ]);
    expect(one(events, 'autopay.enrolled')).toMatchObject({
      status: 'active',
      amountRule: 'statement_balance',
      billKinds: ['medical'],
    });
    expect(one(events, 'autopay.paused')).toMatchObject({ status: 'paused', reason: 'hard_decline' });
    expect(one(events, 'autopay.canceled')).toMatchObject({ status: 'canceled' });
  });
});
