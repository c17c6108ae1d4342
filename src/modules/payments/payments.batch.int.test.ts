import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, tokenizeCard } from '../../../test/factories';
import { findBillsForPayment } from '../bills/bills.service';
import { runIdempotent } from '../idempotency/idempotency.service';
import { checkIntegrity } from '../integrity/integrity.service';
import { backgroundKey, chargeInBackground } from './background-charge';
import { type BatchPayment, payBillsInBatch } from './payments.batch';
import { payBills } from './payments.service';
import { reconcilePayments } from './reconciliation.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  t.sandbox.faults = {};
  t.clock.set('2026-11-23T18:00:00Z');
});

const RUNNER = { type: 'system', name: 'batch-test' } as const;

/** A payment of every open bill of a new account, as a batch takes it: bills read now, a card token. */
async function duePayment(opts: { amounts?: number[]; card?: string } = {}) {
  const account = await createMedicalAccount(t.deps, { amounts: opts.amounts ?? [5_000] });
  const bills = await findBillsForPayment(t.deps.db, account.accountId, account.billIds);
  const token = await tokenizeCard(t.app, opts.card);
  const target = { scope: 'batch-test', key: `pay-${randomUUID()}`, request: { account: account.accountId } };
  const payment: BatchPayment = {
    ref: account.accountId,
    actor: RUNNER,
    ctx: { ip: null, requestId: target.key, locale: 'en' },
    channel: 'autopay',
    accountId: account.accountId,
    bills,
    amountCents: bills.reduce((sum, b) => sum + b.balance_cents, 0),
    paymentToken: token,
    method: {
      kind: 'card',
      brand: 'visa',
      last4: (opts.card ?? '4242424242424242').slice(-4),
      expMonth: 12,
      expYear: 2030,
    },
    bankAuthorization: null,
    payerEmail: 'payer@example.com',
    idempotency: backgroundKey(t.deps, target),
  };
  return { account, payment, target };
}

/** A payment made the ordinary way (as the member's web payment makes it). */
async function payOnce(accountId: string, billIds: string[], amountCents: number) {
  const token = await tokenizeCard(t.app);
  return runIdempotent(
    t.deps,
    { scope: 'batch-test', key: `web-${randomUUID()}`, request: {} },
    (idempotency) =>
      payBills(t.deps, {
        actor: RUNNER,
        ctx: { ip: null, requestId: 'web', locale: 'en' },
        channel: 'member',
        accountId,
        billIds,
        amountCents,
        paymentToken: token,
        payerEmail: null,
        bankAuthorization: null,
        idempotency,
      }),
  );
}

async function paymentsOn(accountId: string) {
  return t.deps.db
    .selectFrom('payments')
    .select(['id', 'status', 'amount_cents'])
    .where('account_id', '=', accountId)
    .execute();
}

async function billsOf(accountId: string) {
  return t.deps.db
    .selectFrom('bills')
    .select(['balance_cents', 'status'])
    .where('account_id', '=', accountId)
    .orderBy('due_date')
    .execute();
}

async function sandboxCharges(paymentId: string) {
  return t.deps.db
    .selectFrom('sandbox_charges')
    .select('status')
    .where('idempotency_key', '=', paymentId)
    .execute();
}

describe('paying many bills in one batch', () => {
  it('makes one payment per request, each with its posting, receipt, key answer and balanced books', async () => {
    const due = await Promise.all(
      Array.from({ length: 6 }, (_, i) => duePayment({ amounts: [1_000 + i, 500] })),
    );
    const outcomes = await payBillsInBatch(
      t.deps,
      due.map((d) => d.payment),
    );
    for (const d of due) {
      const outcome = outcomes.get(d.payment.ref);
      expect(outcome).toMatchObject({ status: 'paid' });
      const [payment] = await paymentsOn(d.account.accountId);
      expect(payment).toMatchObject({ status: 'succeeded', amount_cents: d.payment.amountCents });
      expect(await billsOf(d.account.accountId)).toEqual([
        { balance_cents: 0, status: 'paid' },
        { balance_cents: 0, status: 'paid' },
      ]);
      expect(await sandboxCharges(payment?.id ?? '')).toEqual([{ status: 'succeeded' }]);
      // The key holds the answer a later run with the same target replays, without paying again.
      const replay = await chargeInBackground(t.deps, d.target, () => {
        throw new Error('must not run again');
      });
      expect(replay).toEqual({ status: 'paid', paymentId: payment?.id });
    }
    const receipts = await t.deps.db
      .selectFrom('outbox_emails')
      .select('kind')
      .where('to_address', '=', 'payer@example.com')
      .where('kind', '=', 'payment_receipt')
      .execute();
    expect(receipts.length).toBeGreaterThanOrEqual(6);
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });

  it('records each decline on its own payment, while the others in the batch are paid', async () => {
    const good = await duePayment();
    const declined = await duePayment({ card: '4000000000009995' });
    const outcomes = await payBillsInBatch(t.deps, [good.payment, declined.payment]);
    expect(outcomes.get(good.payment.ref)).toMatchObject({ status: 'paid' });
    expect(outcomes.get(declined.payment.ref)).toMatchObject({
      status: 'declined',
      code: 'insufficient_funds',
    });
    expect(await paymentsOn(declined.account.accountId)).toEqual([
      expect.objectContaining({ status: 'failed' }),
    ]);
    expect(await billsOf(declined.account.accountId)).toEqual([{ balance_cents: 5_000, status: 'open' }]);
    const replay = await chargeInBackground(t.deps, declined.target, () => {
      throw new Error('must not run again');
    });
    expect(replay).toMatchObject({ status: 'declined', code: 'insufficient_funds' });
  });

  it('leaves out, writing nothing, a payment whose bill changed since it was read, is being paid, or is paid twice', async () => {
    const stale = await duePayment({ amounts: [5_000] });
    // The member pays part of the bill between the batch's read and its attempt.
    await payOnce(stale.account.accountId, stale.account.billIds, 1_000);
    const good = await duePayment();
    const twice = {
      ...good.payment,
      ref: 'second',
      idempotency: backgroundKey(t.deps, { ...good.target, key: `again-${randomUUID()}` }),
    };
    const outcomes = await payBillsInBatch(t.deps, [stale.payment, good.payment, twice]);
    expect(outcomes.get(stale.payment.ref)).toEqual({ status: 'not_made', reason: 'bills_changed' });
    expect(outcomes.get(good.payment.ref)).toMatchObject({ status: 'paid' });
    expect(outcomes.get('second')).toEqual({ status: 'not_made', reason: 'bill_in_batch' });
    expect((await paymentsOn(stale.account.accountId)).map((p) => p.amount_cents)).toEqual([1_000]);
    expect(await paymentsOn(good.account.accountId)).toHaveLength(1);
    // Not made: its key was never claimed, so paying it alone later is a first try.
    const key = await t.deps.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('scope', '=', 'batch-test')
      .where('key', '=', stale.target.key)
      .executeTakeFirst();
    expect(key).toBeUndefined();
    // The same checks as one payment: nothing owed, or an amount over what is owed, is not made.
    const over = await duePayment();
    const outcomes2 = await payBillsInBatch(t.deps, [{ ...over.payment, amountCents: 9_999 }]);
    expect(outcomes2.get(over.payment.ref)).toEqual({ status: 'not_made', reason: 'amount_out_of_range' });
  });

  it('leaves answers the processor lost to the reconciler, which finds each charge once', async () => {
    const due = await Promise.all([duePayment(), duePayment()]);
    t.sandbox.faults = { timeoutAfterSuccess: true };
    const outcomes = await payBillsInBatch(
      t.deps,
      due.map((d) => d.payment),
    );
    t.sandbox.faults = {};
    for (const d of due) {
      expect(outcomes.get(d.payment.ref)).toMatchObject({ status: 'pending' });
      expect(await paymentsOn(d.account.accountId)).toEqual([expect.objectContaining({ status: 'unknown' })]);
    }
    t.clock.set('2026-11-23T18:05:00Z');
    await reconcilePayments(t.deps);
    for (const d of due) {
      const [payment] = await paymentsOn(d.account.accountId);
      expect(payment?.status).toBe('succeeded');
      expect(await sandboxCharges(payment?.id ?? '')).toHaveLength(1);
      expect(await billsOf(d.account.accountId)).toEqual([{ balance_cents: 0, status: 'paid' }]);
    }
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });

  it('after a process died between the charge and its outcome, a later run resumes the payment under its key', async () => {
    const d = await duePayment();
    await expect(
      payBillsInBatch(t.deps, [d.payment], {
        outcomeParts: () => {
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const [payment] = await paymentsOn(d.account.accountId);
    expect(payment?.status).toBe('processing');
    expect(await sandboxCharges(payment?.id ?? '')).toHaveLength(1);
    // Once the key is stale, the next run takes it over and finishes that payment: one charge.
    t.clock.set('2026-11-23T18:01:00Z');
    const resumed = await chargeInBackground(t.deps, d.target, (idempotency) => {
      if (!idempotency.resumeResourceId) throw new Error('must resume, not start again');
      return payBills(t.deps, {
        actor: RUNNER,
        ctx: { ip: null, requestId: 'resume', locale: 'en' },
        channel: 'autopay',
        accountId: d.account.accountId,
        billIds: [],
        amountCents: 0,
        paymentToken: '',
        payerEmail: null,
        bankAuthorization: null,
        idempotency,
      });
    });
    expect(resumed).toEqual({ status: 'paid', paymentId: payment?.id });
    expect(await sandboxCharges(payment?.id ?? '')).toHaveLength(1);
    expect(await paymentsOn(d.account.accountId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  });
});
