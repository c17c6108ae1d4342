import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, lookupMedical, tokenizeBank } from '../../../test/factories';
import { REFUND_PAYER, refundTools } from '../../../test/refunds';
import { checkIntegrity } from '../integrity/integrity.service';
import { settleBankPayments } from './bank-settlement.service';
import { reconcileRefunds } from './reconciliation.service';

let t: TestApp;
let key: ApiKeyFixture;
beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps, { scopes: ['payments:refund', 'payments:read'] });
});
afterAll(async () => {
  await t.close();
});
const START = '2026-11-23T18:00:00Z';
afterEach(() => {
  t.clock.set(START);
  t.sandbox.faults = {};
});

const { guestPays, refund, listRefunds, bills, paymentStatus, expectIntegrityClean } = refundTools(
  () => t,
  () => key,
);
const PAYER = REFUND_PAYER;

describe('refunding a card payment', () => {
  it('gives part back, opens the bill paid last, posts it, emails the payer and audits the key', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000, 3_000] });
    const paymentId = await guestPays(account, [0, 1], 8_000);
    expect(await bills(account.accountId)).toEqual([
      [0, 'paid'],
      [0, 'paid'],
    ]);

    const first = await refund(paymentId, {
      amountCents: 4_000,
      reason: 'requested_by_customer',
      note: 'Called in',
    });
    expect(first.statusCode, first.body).toBe(201);
    const view = first.json();
    expect(view).toMatchObject({
      paymentId,
      amountCents: 4_000,
      reason: 'requested_by_customer',
      note: 'Called in',
      status: 'succeeded',
      destination: 'original_method',
      failure: null,
      payment: {
        id: paymentId,
        status: 'partially_refunded',
        amountCents: 8_000,
        refundedCents: 4_000,
        refundableCents: 4_000,
      },
    });
    expect(view.processorRefundId).toMatch(/^re_/);
    // The later-due bill (3,000) opens fully first, then 1,000 of the earlier one.
    expect(view.bills).toEqual([
      { billId: account.billIds[1], number: account.billNumbers[1], amountCents: 3_000 },
      { billId: account.billIds[0], number: account.billNumbers[0], amountCents: 1_000 },
    ]);
    expect(await bills(account.accountId)).toEqual([
      [1_000, 'open'],
      [3_000, 'open'],
    ]);
    expect(await paymentStatus(paymentId)).toBe('partially_refunded');

    const posting = await t.deps.db
      .selectFrom('ledger_postings as p')
      .innerJoin('ledger_lines as l', 'l.posting_id', 'p.id')
      .select(['l.ledger_account', 'l.bill_id', 'l.amount_cents'])
      .where('p.refund_id', '=', view.id)
      .orderBy('l.amount_cents')
      .execute();
    expect(posting.map((l) => [l.ledger_account, l.bill_id, Number(l.amount_cents)])).toEqual([
      ['processor_clearing', null, -4_000],
      ['receivable', account.billIds[0], 1_000],
      ['receivable', account.billIds[1], 3_000],
    ]);

    const email = await t.deps.db
      .selectFrom('outbox_emails')
      .select(['to_address', 'subject', 'text_body'])
      .where('account_id', '=', account.accountId)
      .where('kind', '=', 'payment_refunded')
      .executeTakeFirstOrThrow();
    expect(email.to_address).toBe(PAYER);
    expect(email.subject).toBe('Your refund from Evergreen Health Plan: $40.00');
    expect(email.text_body).toContain('to your Visa ending 4242');
    expect(email.text_body).toContain(account.billNumbers[1]);
    expect(email.text_body).not.toContain('Called in');

    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'actor_type', 'actor_id', 'result'])
      .where('resource_id', '=', view.id)
      .orderBy('at')
      .orderBy('action')
      .execute();
    expect(audit).toEqual([
      { action: 'refund.requested', actor_type: 'api', actor_id: key.id, result: 'success' },
      { action: 'refund.succeeded', actor_type: 'api', actor_id: key.id, result: 'success' },
    ]);
    // Webhook events, written with the refund: payment.refunded, and bill.reopened for each bill opened.
    const events = await t.deps.db
      .selectFrom('webhook_events')
      .select(['type', 'payload'])
      .where('account_id', '=', account.accountId)
      .where('type', 'in', ['payment.refunded', 'bill.reopened'])
      .orderBy('type')
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['bill.reopened', 'bill.reopened', 'payment.refunded']);
    const data = (e: (typeof events)[number]) =>
      (e.payload as { data: Record<string, unknown> }).data ?? e.payload;
    const refunded = events.find((e) => e.type === 'payment.refunded');
    expect(refunded && data(refunded)).toMatchObject({
      paymentId,
      status: 'partially_refunded',
      refund: { refundId: view.id, amountCents: 4_000, reason: 'requested_by_customer' },
      refundedCents: 4_000,
    });
    expect(
      events
        .filter((e) => e.type === 'bill.reopened')
        .map((e) => data(e))
        .map((d) => [d.billId, d.amountCents, d.reason])
        .sort(),
    ).toEqual(
      [
        [account.billIds[0], 1_000, 'payment_refunded'],
        [account.billIds[1], 3_000, 'payment_refunded'],
      ].sort(),
    );
    const metric = (await t.deps.metrics?.refunds.get())?.values.find(
      (v) => v.labels.outcome === 'succeeded' && v.labels.destination === 'original_method',
    );
    expect(metric?.value).toBeGreaterThanOrEqual(1);
    await expectIntegrityClean();

    // The rest: the payment is refunded in full, both bills owe what they did before it.
    const rest = await refund(paymentId, { amountCents: 4_000, reason: 'duplicate' });
    expect(rest.statusCode, rest.body).toBe(201);
    expect(rest.json().payment).toMatchObject({
      status: 'refunded',
      refundedCents: 8_000,
      refundableCents: 0,
    });
    expect(await bills(account.accountId)).toEqual([
      [5_000, 'open'],
      [3_000, 'open'],
    ]);
    const more = await refund(paymentId, { amountCents: 1, reason: 'other' });
    expect(more.statusCode).toBe(422);
    expect(more.json()).toMatchObject({
      code: 'amount_out_of_range',
      maximumCents: 0,
      detail: 'Nothing is left to refund on this payment.',
      errors: [{ field: 'amountCents' }],
    });

    const list = await listRefunds(paymentId);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({
      payment: { status: 'refunded', refundedCents: 8_000, refundableCents: 0 },
      nextCursor: null,
    });
    expect(list.json().data.map((r: { amountCents: number }) => r.amountCents)).toEqual([4_000, 4_000]);
    const page = await listRefunds(paymentId, '?limit=1');
    expect(page.json().data).toHaveLength(1);
    const next = await listRefunds(paymentId, `?limit=1&cursor=${page.json().nextCursor}`);
    expect(next.json().data[0].id).toBe(rest.json().id);
    expect(next.json().nextCursor).toBeNull();

    // The payment's bills can be paid again, and check still balances.
    await guestPays(account, [0, 1], 8_000);
    await expectIntegrityClean();
  });

  it('replays the same key and body, refuses a different body with that key, and a missing key', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const idempotencyKey = randomUUID();
    const body = { amountCents: 1_000, reason: 'billing_error' };
    const first = await refund(paymentId, body, idempotencyKey);
    expect(first.statusCode).toBe(201);
    const again = await refund(paymentId, body, idempotencyKey);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await refund(paymentId, { ...body, amountCents: 2_000 }, idempotencyKey);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_mismatch');
    const keyless = await refund(paymentId, body, null);
    expect(keyless.statusCode).toBe(400);
    expect(keyless.json().code).toBe('idempotency_key_required');
    const list = await listRefunds(paymentId);
    expect(list.json().data).toHaveLength(1);
    expect(list.json().payment.refundableCents).toBe(4_000);
    await expectIntegrityClean();
  });

  it('answers bad input with a problem naming the field, and changes nothing', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const unknown = await refund(randomUUID(), { amountCents: 100, reason: 'other' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await listRefunds(randomUUID())).statusCode).toBe(404);

    for (const amountCents of [0, -100, 1.5, 5_001, '100', null]) {
      const res = await refund(paymentId, { amountCents, reason: 'other' });
      expect(res.statusCode, `amountCents ${amountCents}`).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'amount_out_of_range',
        maximumCents: 5_000,
        detail: 'The most that can be refunded is $50.00.',
        errors: [{ field: 'amountCents' }],
      });
    }
    const noReason = await refund(paymentId, { amountCents: 100 });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json()).toMatchObject({ code: 'refund_invalid', errors: [{ field: 'reason' }] });
    const badReason = await refund(paymentId, { amountCents: 100, reason: 'fraudulent' });
    expect(badReason.statusCode).toBe(422);
    expect(badReason.json().errors[0].field).toBe('reason');
    const longNote = await refund(paymentId, { amountCents: 100, reason: 'other', note: 'x'.repeat(501) });
    expect(longNote.statusCode).toBe(422);
    expect(longNote.json().errors[0].field).toBe('note');
    const notJson = await refund(paymentId, 'refund please');
    expect(notJson.statusCode).toBeLessThan(500);

    expect((await listRefunds(paymentId)).json().data).toEqual([]);
    expect(await paymentStatus(paymentId)).toBe('succeeded');
  });

  it('needs the payments:refund scope to refund and payments:read to list', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const reader = await createApiKey(t.deps, { scopes: ['payments:read'] });
    const refunder = await createApiKey(t.deps, { scopes: ['payments:refund'] });
    const refused = await refund(
      paymentId,
      { amountCents: 100, reason: 'other' },
      randomUUID(),
      reader.headers,
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'insufficient_scope', scope: 'payments:refund' });
    expect((await listRefunds(paymentId, '', refunder.headers)).statusCode).toBe(403);
    expect((await listRefunds(paymentId, '', reader.headers)).statusCode).toBe(200);
    const session = await lookupMedical(t.app, account);
    const asGuest = await refund(paymentId, { amountCents: 100, reason: 'other' }, randomUUID(), {
      authorization: `Bearer ${session.sessionToken}`,
    });
    expect(asGuest.statusCode).toBe(401);
    expect(await paymentStatus(paymentId)).toBe('succeeded');
  });

  it('leaves a lost answer unknown for the reconciler, never failed, and the reconciler finishes it', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    t.sandbox.faults = { timeoutAfterSuccess: true };
    const lost = await refund(paymentId, { amountCents: 2_000, reason: 'other' });
    expect(lost.statusCode).toBe(202);
    expect(lost.json()).toMatchObject({
      status: 'unknown',
      payment: { status: 'succeeded', refundableCents: 3_000 },
    });
    // The processor refunded it; until we know, it still holds the amount.
    const over = await refund(paymentId, { amountCents: 3_001, reason: 'other' });
    expect(over.json()).toMatchObject({ code: 'amount_out_of_range', maximumCents: 3_000 });
    const report = await expectIntegrityClean();
    expect(report.inFlightRefunds.refunds.map((r) => r.refundId)).toContain(lost.json().id);

    t.sandbox.faults = {};
    expect(await reconcileRefunds(t.deps)).toBe(0); // not due yet
    t.clock.advance({ minutes: 2 });
    expect(await reconcileRefunds(t.deps)).toBeGreaterThanOrEqual(1);
    const list = (await listRefunds(paymentId)).json();
    expect(list.data[0]).toMatchObject({ id: lost.json().id, status: 'succeeded' });
    expect(list.payment).toMatchObject({ status: 'partially_refunded', refundedCents: 2_000 });
    expect(await bills(account.accountId)).toEqual([[2_000, 'open']]);
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_id'])
      .where('resource_id', '=', lost.json().id)
      .where('action', '=', 'refund.succeeded')
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_type: 'system', actor_id: 'refund-reconciler' });
    // A replay of the first request still answers what it answered then.
    const sandboxRefunds = await t.deps.db
      .selectFrom('sandbox_refunds')
      .select('status')
      .where('idempotency_key', '=', lost.json().id)
      .execute();
    expect(sandboxRefunds).toEqual([{ status: 'succeeded' }]);
    expect((await checkIntegrity(t.deps)).inFlightRefunds.refunds.map((r) => r.refundId)).not.toContain(
      lost.json().id,
    );
    await expectIntegrityClean();
  });

  it('sends a refund again under the same key when the processor never got it (a 5xx)', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    t.sandbox.faults = { unavailable: true };
    const down = await refund(paymentId, { amountCents: 5_000, reason: 'duplicate' });
    expect(down.statusCode).toBe(202);
    expect(down.json().status).toBe('unknown');
    expect(
      await t.deps.db.selectFrom('sandbox_refunds').where('idempotency_key', '=', down.json().id).execute(),
    ).toEqual([]);
    t.sandbox.faults = {};
    t.clock.advance({ minutes: 2 });
    await reconcileRefunds(t.deps);
    expect(await paymentStatus(paymentId)).toBe('refunded');
    expect(await bills(account.accountId)).toEqual([[5_000, 'open']]);
    await expectIntegrityClean();
  });

  it('records a refund the processor refuses as failed, and frees its amount', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const payment = await t.deps.db
      .selectFrom('payments')
      .select('processor_charge_id')
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    // Someone refunded the charge at the processor directly (its dashboard), so it refuses ours.
    await t.sandbox.refund({
      idempotencyKey: `dashboard-${randomUUID()}`,
      chargeId: payment.processor_charge_id ?? '',
      amountCents: 4_500,
      currency: 'USD',
      reason: 'other',
    });
    const refused = await refund(paymentId, { amountCents: 1_000, reason: 'other' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'refund_declined',
      failure: { code: 'amount_too_large' },
    });
    const list = (await listRefunds(paymentId)).json();
    expect(list.data[0]).toMatchObject({ id: refused.json().refundId, status: 'failed' });
    expect(list.payment).toMatchObject({ status: 'succeeded', refundedCents: 0, refundableCents: 5_000 });
    expect(await bills(account.accountId)).toEqual([[0, 'paid']]);
    // The charge refunded behind our back is what check finds wrong, and nothing of ours.
    const report = await checkIntegrity(t.deps);
    expect(report.violations).toEqual([
      expect.objectContaining({
        invariant: 'refund_matches_processor_refund',
        detail: expect.objectContaining({ problem: 'processor refund has no succeeded refund' }),
      }),
    ]);
    await t.deps.db.deleteFrom('sandbox_refunds').where('idempotency_key', 'like', 'dashboard-%').execute();
    await expectIntegrityClean();
  });
});

describe('refunding a bank debit', () => {
  it('waits until it settles (saying when to ask again), then sends an ACH credit that completes later', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000, await tokenizeBank(t.app));
    const early = await refund(paymentId, { amountCents: 5_000, reason: 'requested_by_customer' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'payment_not_refundable', reason: 'settling' });
    expect(early.json().detail).toMatch(/has not settled yet/);
    expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(60);

    t.clock.advance({ minutes: 2 });
    expect(await settleBankPayments(t.deps)).toMatchObject({ settled: 1 });
    const sent = await refund(paymentId, { amountCents: 5_000, reason: 'requested_by_customer' });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({
      status: 'pending',
      payment: { status: 'succeeded', refundableCents: 0 },
    });
    expect(sent.json().processorRefundId).toMatch(/^re_/);
    // While the credit is under way the bill stays paid and nothing is posted.
    expect(await bills(account.accountId)).toEqual([[0, 'paid']]);
    await expectIntegrityClean();

    t.clock.advance({ minutes: 2 });
    await reconcileRefunds(t.deps);
    expect(await paymentStatus(paymentId)).toBe('refunded');
    expect(await bills(account.accountId)).toEqual([[5_000, 'open']]);
    const email = await t.deps.db
      .selectFrom('outbox_emails')
      .select('text_body')
      .where('account_id', '=', account.accountId)
      .where('kind', '=', 'payment_refunded')
      .executeTakeFirstOrThrow();
    expect(email.text_body).toContain('Checking account ending 6789');
    await expectIntegrityClean();
  });

  it('never refunds a debit the bank returned', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000, await tokenizeBank(t.app, '000111111113'));
    t.clock.advance({ minutes: 2 });
    expect(await settleBankPayments(t.deps)).toMatchObject({ returned: 1 });
    const res = await refund(paymentId, { amountCents: 5_000, reason: 'other' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'payment_not_refundable', reason: 'returned' });
  });
});
