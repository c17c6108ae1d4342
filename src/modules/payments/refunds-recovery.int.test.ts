import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  signIn,
} from '../../../test/factories';
import { refundTools } from '../../../test/refunds';
import { keyedWork } from '../idempotency/idempotency.service';
import { checkIntegrity } from '../integrity/integrity.service';
import { reconcileRefunds } from './reconciliation.service';

/** Refunds cut short by a dying process, what members see of refunds, and what the database refuses. */
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

const { guestPays, refund, bills, paymentStatus, expectIntegrityClean } = refundTools(
  () => t,
  () => key,
);

describe('a refund interrupted, and what the member sees', () => {
  function pendingRefund(paymentId: string, accountId: string, amountCents: number) {
    const at = new Date(Date.parse(START) - 60_000);
    return {
      id: randomUUID(),
      payment_id: paymentId,
      account_id: accountId,
      amount_cents: amountCents,
      currency: 'USD',
      reason: 'other' as const,
      note: null,
      destination: 'original_method' as const,
      status: 'pending' as const,
      processor: 'sandbox',
      requested_by: key.id,
      next_reconcile_at: new Date(Date.parse(START) + 60_000),
      created_at: at,
      updated_at: at,
    };
  }

  it('finishes a refund whose request died after recording it, when the client retries with its key', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const idempotencyKey = randomUUID();
    const body = { amountCents: 1_000, reason: 'other' };
    // What a process leaves when it dies right after the refund's transaction: the refund recorded,
    // the processor never asked, the key in flight.
    const row = pendingRefund(paymentId, account.accountId, 1_000);
    await t.deps.db.insertInto('refunds').values(row).execute();
    const claim = keyedWork(t.deps, {
      scope: `api:${key.id}`,
      key: idempotencyKey,
      request: { paymentId, body },
    });
    await t.deps.db
      .insertInto('idempotency_keys')
      .values({ ...claim.claimRow(row.id), created_at: row.created_at, updated_at: row.updated_at })
      .execute();

    const retry = await refund(paymentId, body, idempotencyKey);
    expect(retry.statusCode, retry.body).toBe(201);
    expect(retry.json()).toMatchObject({ id: row.id, status: 'succeeded', amountCents: 1_000 });
    expect(await paymentStatus(paymentId)).toBe('partially_refunded');
    const again = await refund(paymentId, body, idempotencyKey);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(retry.json());
    await expectIntegrityClean();
  });

  it('has the reconciler send a refund recorded before its process could ask the processor', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const row = pendingRefund(paymentId, account.accountId, 5_000);
    await t.deps.db.insertInto('refunds').values(row).execute();
    expect((await expectIntegrityClean()).inFlightRefunds.refunds.map((r) => r.refundId)).toContain(row.id);
    t.clock.advance({ minutes: 2 });
    await reconcileRefunds(t.deps);
    expect(await paymentStatus(paymentId)).toBe('refunded');
    expect(await bills(account.accountId)).toEqual([[5_000, 'open']]);
    await expectIntegrityClean();
  });

  it('shows the member a bill’s payments less what refunds gave back on it', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const member = await createMember(
      t.deps,
      await createPerson(t.deps, { accountsFor: [account.accountId] }),
    );
    const paymentId = await guestPays(account, [0], 5_000);
    expect((await refund(paymentId, { amountCents: 2_000, reason: 'other' })).statusCode).toBe(201);
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const detail = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/member/bills/${account.billIds[0]}`,
          headers: { cookie: s.cookie },
        })
      ).json();
    await expect(detail()).resolves.toMatchObject({ balanceCents: 2_000, status: 'open' });
    expect((await detail()).payments.map((p: { amountCents: number }) => p.amountCents)).toEqual([3_000]);
    expect((await refund(paymentId, { amountCents: 3_000, reason: 'other' })).statusCode).toBe(201);
    expect((await detail()).payments).toEqual([]);
    const dashboard = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/dashboard',
      headers: { cookie: s.cookie },
    });
    expect(dashboard.json()).toMatchObject({ totalDueCents: 5_000, creditsCents: 0 });
    expect(dashboard.json().recentPayments[0]).toMatchObject({ id: paymentId, status: 'refunded' });
  });
});

describe('the database and settle check', () => {
  it('refuses a refund row beyond what was paid, whoever writes it', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    const row = (amount: number) => ({
      id: randomUUID(),
      payment_id: paymentId,
      account_id: account.accountId,
      amount_cents: amount,
      currency: 'USD',
      reason: 'other' as const,
      note: null,
      destination: 'original_method' as const,
      status: 'pending' as const,
      processor: 'sandbox',
      requested_by: 'test',
      created_at: new Date(),
      updated_at: new Date(),
    });
    await t.deps.db.insertInto('refunds').values(row(3_000)).execute();
    await expect(t.deps.db.insertInto('refunds').values(row(2_001)).execute()).rejects.toThrow(/exceed/);
    await t.deps.db
      .updateTable('refunds')
      .set({ status: 'failed', failure_code: 'x' })
      .where('payment_id', '=', paymentId)
      .execute();
    await expect(
      t.deps.db
        .updateTable('refunds')
        .set({ status: 'succeeded' })
        .where('payment_id', '=', paymentId)
        .execute(),
    ).rejects.toThrow(/illegal refund status transition/);
  });

  it('finds a payment whose status does not follow its refunds', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    await sql`update payments set status = 'partially_refunded' where id = ${paymentId}`.execute(t.deps.db);
    const report = await checkIntegrity(t.deps);
    expect(report.violations).toContainEqual({
      invariant: 'payment_status_follows_refunds',
      detail: expect.objectContaining({ payment_id: paymentId, status: 'partially_refunded' }),
    });
    await sql`update payments set status = 'refunded' where id = ${paymentId}`.execute(t.deps.db);
    expect((await checkIntegrity(t.deps)).violations.map((v) => v.invariant)).toContain(
      'payment_status_follows_refunds',
    );
  });
});
