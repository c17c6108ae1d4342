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
import { checkIntegrity } from '../integrity/integrity.service';
import { runDueScheduledPayments } from './scheduled.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});
// The test clock starts at 2026-11-23T18:00Z: 10 am in the ncal region (America/Los_Angeles).
const START = '2026-11-23T18:00:00Z';
afterEach(() => {
  t.clock.set(START);
  t.sandbox.faults = {};
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A member responsible for one account with bills of $50 and $30, due 10 and 11 December. */
async function memberWithBills(amounts: number[] = [5_000, 3_000]) {
  const account = await createMedicalAccount(t.deps, { amounts });
  const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
  const member = await createMember(t.deps, person);
  let session = await signIn(t.app, member.email, MEMBER_PASSWORD);
  /** After the clock moves past the 30-minute idle limit, the member signs in again. */
  const signInAgain = async () => {
    session = await signIn(t.app, member.email, MEMBER_PASSWORD);
  };
  const call = (method: Method, url: string, payload?: object, key: string = randomUUID()) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'idempotency-key': key },
      ...(payload ? { payload } : {}),
    });
  const saveMethod = async (token: string) => {
    const res = await call('POST', '/api/v1/member/payment-methods', { paymentToken: token });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  return { account, member, call, saveMethod, signInAgain };
}

const schedule = (
  m: Awaited<ReturnType<typeof memberWithBills>>,
  body: Record<string, unknown>,
  key?: string,
) => m.call('POST', '/api/v1/member/scheduled-payments', body, key);

async function paymentsOn(accountId: string) {
  return t.deps.db
    .selectFrom('payments')
    .select(['id', 'status', 'amount_cents', 'channel'])
    .where('account_id', '=', accountId)
    .execute();
}

async function emailsTo(address: string, kind: string) {
  return t.deps.db
    .selectFrom('outbox_emails')
    .select(['subject', 'text_body'])
    .where('to_address', '=', address)
    .where('kind', '=', kind)
    .execute();
}

async function expectIntegrityClean() {
  expect((await checkIntegrity(t.deps)).violations).toEqual([]);
}

describe('scheduling a payment', () => {
  it('schedules two bills for a future date with a saved card, once per Idempotency-Key', async () => {
    const m = await memberWithBills();
    const methodId = await m.saveMethod(await tokenizeCard(t.app));
    const body = {
      billIds: m.account.billIds,
      amountCents: 8_000,
      paymentMethodId: methodId,
      payOn: '2026-12-01',
    };
    const key = randomUUID();
    const res = await schedule(m, body, key);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'scheduled',
      payOn: '2026-12-01',
      amountCents: 8_000,
      method: { id: methodId, last4: '4242' },
      // 8 pm Pacific on 30 November.
      changeableUntil: '2026-12-01T04:00:00Z',
      paymentId: null,
      outcome: null,
    });
    expect(res.json().bills.map((b: { balanceCents: number }) => b.balanceCents)).toEqual([5_000, 3_000]);

    const replay = await schedule(m, body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(res.json().id);
    const list = (await m.call('GET', '/api/v1/member/scheduled-payments')).json().scheduledPayments;
    expect(list.map((s: { id: string }) => s.id)).toEqual([res.json().id]);
    // Nothing is charged when it is scheduled.
    expect(await paymentsOn(m.account.accountId)).toEqual([]);
  });

  it('refuses a date outside tomorrow … the due date, an amount over the balance, and a bank debit not authorized', async () => {
    const m = await memberWithBills();
    const card = await m.saveMethod(await tokenizeCard(t.app));
    const base = { billIds: m.account.billIds, amountCents: 8_000, paymentMethodId: card };
    for (const payOn of ['2026-11-23', '2026-11-22', '2026-12-11', '2027-03-01']) {
      const res = await schedule(m, { ...base, payOn });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        firstDate: '2026-11-24',
        lastDate: '2026-12-10',
        errors: [{ field: 'payOn', code: 'out_of_range' }],
      });
    }
    expect((await schedule(m, { ...base, payOn: '2026-12-10' })).statusCode).toBe(201);
    const tooMuch = await schedule(m, { ...base, amountCents: 8_001, payOn: '2026-12-01' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().errors[0]).toMatchObject({ field: 'amountCents', code: 'too_large' });
    expect((await schedule(m, { ...base, payOn: 'tomorrow' })).statusCode).toBe(400);

    const bank = await m.saveMethod(await tokenizeBank(t.app));
    const noAuth = await schedule(m, { ...base, paymentMethodId: bank, payOn: '2026-12-01' });
    expect(noAuth.statusCode).toBe(400);
    expect(noAuth.json().errors[0]).toMatchObject({ field: 'bankAuthorization', code: 'required' });
    const version = t.deps.config.organization.payments.achAuthorizationVersion;
    const authorized = await schedule(m, {
      ...base,
      paymentMethodId: bank,
      payOn: '2026-12-01',
      bankAuthorization: { accepted: true, textVersion: version },
    });
    expect(authorized.statusCode).toBe(201);
    const row = await t.deps.db
      .selectFrom('scheduled_payments')
      .select('bank_authorization')
      .where('id', '=', authorized.json().id)
      .executeTakeFirstOrThrow();
    expect(row.bank_authorization).toMatchObject({ textVersion: version, acceptedAt: START });

    // Another member's bill or saved method is the same 404 as one that does not exist.
    const other = await memberWithBills();
    expect((await schedule(other, { ...base, payOn: '2026-12-01' })).statusCode).toBe(404);
    const othersCard = await other.saveMethod(await tokenizeCard(t.app));
    const res = await schedule(m, { ...base, paymentMethodId: othersCard, payOn: '2026-12-01' });
    expect(res.statusCode).toBe(404);
    expect(
      (await other.call('GET', `/api/v1/member/scheduled-payments/${authorized.json().id}`)).statusCode,
    ).toBe(404);
  });

  it('changes amount, date and method, and cancels, until 8 pm local the evening before', async () => {
    const m = await memberWithBills();
    const card = await m.saveMethod(await tokenizeCard(t.app));
    const other = await m.saveMethod(await tokenizeCard(t.app, '5555555555554444'));
    const created = (
      await schedule(m, {
        billIds: [m.account.billIds[0]],
        amountCents: 5_000,
        paymentMethodId: card,
        payOn: '2026-12-01',
      })
    ).json();
    const url = `/api/v1/member/scheduled-payments/${created.id}`;
    const changed = await m.call('PATCH', url, {
      amountCents: 2_500,
      payOn: '2026-12-02',
      paymentMethodId: other,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      amountCents: 2_500,
      payOn: '2026-12-02',
      method: { last4: '4444' },
    });
    expect((await m.call('PATCH', url, {})).statusCode).toBe(400);
    expect((await m.call('PATCH', url, { payOn: '2026-12-11' })).json().errors[0]).toMatchObject({
      field: 'payOn',
    });

    // 7:59 pm Pacific on 1 December: still open; at 8 pm it closes.
    t.clock.set('2026-12-02T03:59:00Z');
    await m.signInAgain();
    expect((await m.call('PATCH', url, { amountCents: 3_000 })).statusCode).toBe(200);
    t.clock.set('2026-12-02T04:00:00Z');
    const late = await m.call('PATCH', url, { amountCents: 2_000 });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('scheduled_payment_locked');
    expect((await m.call('DELETE', url)).statusCode).toBe(409);
    expect((await m.call('GET', url)).json()).toMatchObject({ amountCents: 3_000, changeableUntil: null });

    t.clock.set(START);
    await m.signInAgain();
    const second = (
      await schedule(m, {
        billIds: [m.account.billIds[1]],
        amountCents: 3_000,
        paymentMethodId: card,
        payOn: '2026-12-05',
      })
    ).json();
    const cancel = await m.call('DELETE', `/api/v1/member/scheduled-payments/${second.id}`);
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json()).toMatchObject({ status: 'canceled', changeableUntil: null });
    expect((await m.call('DELETE', `/api/v1/member/scheduled-payments/${second.id}`)).statusCode).toBe(200);
    expect(
      (await m.call('PATCH', `/api/v1/member/scheduled-payments/${second.id}`, { amountCents: 100 }))
        .statusCode,
    ).toBe(409);
    const actions = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('resource_id', 'in', [created.id, second.id])
      .orderBy('at')
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual([
      'scheduled_payment.cancel',
      'scheduled_payment.change',
      'scheduled_payment.change',
      'scheduled_payment.create',
      'scheduled_payment.create',
    ]);
  });
});

describe('running scheduled payments', () => {
  it('charges on its date from 5 am local, once however many workers run, and emails the receipt', async () => {
    const m = await memberWithBills();
    const card = await m.saveMethod(await tokenizeCard(t.app));
    const { id } = (
      await schedule(m, {
        billIds: m.account.billIds,
        amountCents: 6_000,
        paymentMethodId: card,
        payOn: '2026-12-01',
      })
    ).json();

    t.clock.set('2026-12-01T12:59:00Z'); // 4:59 am Pacific
    await runDueScheduledPayments(t.deps);
    expect(await paymentsOn(m.account.accountId)).toEqual([]);

    t.clock.set('2026-12-01T13:00:00Z'); // 5 am Pacific
    await Promise.all([1, 2, 3, 4].map(() => runDueScheduledPayments(t.deps, 5)));
    await runDueScheduledPayments(t.deps);
    const payments = await paymentsOn(m.account.accountId);
    expect(payments).toEqual([
      expect.objectContaining({ status: 'succeeded', amount_cents: 6_000, channel: 'scheduled' }),
    ]);
    const charges = await t.deps.db
      .selectFrom('sandbox_charges')
      .select('id')
      .where('idempotency_key', '=', payments[0]?.id ?? '')
      .execute();
    expect(charges).toHaveLength(1);

    await m.signInAgain();
    const view = (await m.call('GET', `/api/v1/member/scheduled-payments/${id}`)).json();
    expect(view).toMatchObject({ status: 'paid', paymentId: payments[0]?.id, outcome: null });
    // Oldest due first: the $50 bill paid in full, $10 on the $30 one.
    expect(view.bills.map((b: { balanceCents: number }) => b.balanceCents)).toEqual([0, 2_000]);
    expect(await emailsTo(m.member.email, 'payment_receipt')).toHaveLength(1);
    await expectIntegrityClean();
  });

  it('does not charge a bill paid some other way before the date, and charges only what is left of one paid in part', async () => {
    const paidOff = await memberWithBills([5_000]);
    const card = await paidOff.saveMethod(await tokenizeCard(t.app));
    const s1 = (
      await schedule(paidOff, {
        billIds: paidOff.account.billIds,
        amountCents: 5_000,
        paymentMethodId: card,
        payOn: '2026-12-01',
      })
    ).json();
    const now = await paidOff.call('POST', '/api/v1/member/payments', {
      billIds: paidOff.account.billIds,
      amountCents: 5_000,
      paymentMethodId: card,
    });
    expect(now.statusCode).toBe(201);

    const partly = await memberWithBills([5_000]);
    const card2 = await partly.saveMethod(await tokenizeCard(t.app));
    const s2 = (
      await schedule(partly, {
        billIds: partly.account.billIds,
        amountCents: 5_000,
        paymentMethodId: card2,
        payOn: '2026-12-01',
      })
    ).json();
    await partly.call('POST', '/api/v1/member/payments', {
      billIds: partly.account.billIds,
      amountCents: 4_000,
      paymentMethodId: card2,
    });

    t.clock.set('2026-12-01T13:00:00Z');
    await runDueScheduledPayments(t.deps);
    await paidOff.signInAgain();
    await partly.signInAgain();
    const v1 = (await paidOff.call('GET', `/api/v1/member/scheduled-payments/${s1.id}`)).json();
    expect(v1).toMatchObject({ status: 'skipped', paymentId: null, outcome: { code: 'nothing_owed' } });
    expect(await paymentsOn(paidOff.account.accountId)).toHaveLength(1);
    const [told] = await emailsTo(paidOff.member.email, 'scheduled_payment_not_made');
    expect(told?.subject).toBe('Your scheduled payment of $50.00 was not needed');

    const v2 = (await partly.call('GET', `/api/v1/member/scheduled-payments/${s2.id}`)).json();
    expect(v2.status).toBe('paid');
    expect((await paymentsOn(partly.account.accountId)).map((p) => p.amount_cents).sort()).toEqual([
      1_000, 4_000,
    ]);
    await expectIntegrityClean();
  });

  it('marks a declined charge failed, tells the member how to pay now, and never tries again', async () => {
    const m = await memberWithBills([5_000]);
    const card = await m.saveMethod(await tokenizeCard(t.app, '4000000000000341'));
    const { id } = (
      await schedule(m, {
        billIds: m.account.billIds,
        amountCents: 5_000,
        paymentMethodId: card,
        payOn: '2026-11-30',
      })
    ).json();
    t.clock.set('2026-11-30T13:00:00Z');
    await runDueScheduledPayments(t.deps);
    t.clock.advance({ hours: 24 });
    await runDueScheduledPayments(t.deps);
    await m.signInAgain();
    const view = (await m.call('GET', `/api/v1/member/scheduled-payments/${id}`)).json();
    expect(view).toMatchObject({ status: 'failed', outcome: { code: 'card_declined' } });
    expect(view.outcome.message).toMatch(/declined/i);
    expect(await paymentsOn(m.account.accountId)).toEqual([expect.objectContaining({ status: 'failed' })]);
    const [email] = await emailsTo(m.member.email, 'scheduled_payment_not_made');
    expect(email?.subject).toBe('Your scheduled payment of $50.00 was not made');
    expect(email?.text_body).toMatch(/Pay now: http.*\/account/);
    expect(email?.text_body).toContain('You have not been charged');
  });

  it('waits for a charge whose answer was lost, then records it paid, without charging again', async () => {
    const m = await memberWithBills([5_000]);
    const card = await m.saveMethod(await tokenizeCard(t.app));
    const { id } = (
      await schedule(m, {
        billIds: m.account.billIds,
        amountCents: 5_000,
        paymentMethodId: card,
        payOn: '2026-12-01',
      })
    ).json();
    t.clock.set('2026-12-01T13:00:00Z');
    t.sandbox.faults = { timeoutAfterSuccess: true };
    expect(await runDueScheduledPayments(t.deps)).toMatchObject({ pending: 1 });
    t.sandbox.faults = {};
    await m.signInAgain();
    expect((await m.call('GET', `/api/v1/member/scheduled-payments/${id}`)).json().status).toBe('processing');

    // The reconciler asks the processor; a later pass reads the outcome.
    t.clock.advance({ minutes: 2 });
    const { reconcilePayments } = await import('../payments/reconciliation.service');
    await reconcilePayments(t.deps);
    await runDueScheduledPayments(t.deps);
    await m.signInAgain();
    const view = (await m.call('GET', `/api/v1/member/scheduled-payments/${id}`)).json();
    expect(view.status).toBe('paid');
    const payments = await paymentsOn(m.account.accountId);
    expect(payments).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    await expectIntegrityClean();
  });

  it('picks up a payment whose worker died after claiming it, once the claim runs out', async () => {
    const m = await memberWithBills([5_000]);
    const card = await m.saveMethod(await tokenizeCard(t.app));
    const { id } = (
      await schedule(m, {
        billIds: m.account.billIds,
        amountCents: 5_000,
        paymentMethodId: card,
        payOn: '2026-12-01',
      })
    ).json();
    t.clock.set('2026-12-01T13:00:00Z');
    // A worker claimed it and died before charging.
    await t.deps.db
      .updateTable('scheduled_payments')
      .set({ status: 'processing', locked_until: new Date('2026-12-01T13:05:00Z') })
      .where('id', '=', id)
      .execute();
    await runDueScheduledPayments(t.deps);
    expect(await paymentsOn(m.account.accountId)).toEqual([]);
    t.clock.set('2026-12-01T13:05:01Z');
    await runDueScheduledPayments(t.deps);
    expect(await paymentsOn(m.account.accountId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    await m.signInAgain();
    expect((await m.call('GET', `/api/v1/member/scheduled-payments/${id}`)).json().status).toBe('paid');
  });

  it('records a payment whose worker died before noting it as paid, without finding nothing owed', async () => {
    const m = await memberWithBills([5_000]);
    const card = await m.saveMethod(await tokenizeCard(t.app));
    const { id } = (
      await schedule(m, {
        billIds: m.account.billIds,
        amountCents: 5_000,
        paymentMethodId: card,
        payOn: '2026-12-01',
      })
    ).json();
    t.clock.set('2026-12-01T13:00:00Z');
    await runDueScheduledPayments(t.deps);
    await t.deps.db
      .updateTable('scheduled_payments')
      .set({ status: 'processing', payment_id: null, locked_until: new Date('2026-12-01T13:00:00Z') })
      .where('id', '=', id)
      .execute();
    t.clock.set('2026-12-01T13:00:01Z');
    await runDueScheduledPayments(t.deps);
    await m.signInAgain();
    expect((await m.call('GET', `/api/v1/member/scheduled-payments/${id}`)).json()).toMatchObject({
      status: 'paid',
      outcome: null,
    });
    expect(await paymentsOn(m.account.accountId)).toHaveLength(1);
  });
});
