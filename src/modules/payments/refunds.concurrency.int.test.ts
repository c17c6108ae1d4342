import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  lookupMedical,
  type MedicalAccountFixture,
  pay,
  tokenizeCard,
} from '../../../test/factories';
import { checkIntegrity } from '../integrity/integrity.service';

/**
 * Refunds racing for the same money, which only a real PostgreSQL can show (PGlite is one connection,
 * so its transactions never overlap): every request runs through app.inject with Promise.all on a pool
 * of 60 connections, the processor slowed down so the requests overlap.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('refunds under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  let key: ApiKeyFixture;
  beforeAll(async () => {
    t = await buildTestApp();
    key = await createApiKey(t.deps, { scopes: ['payments:refund', 'payments:read'] });
  });
  afterAll(async () => {
    await t?.close();
  });
  afterEach(() => {
    t.sandbox.faults = {};
  });

  async function guestPays(account: MedicalAccountFixture, billIndexes: number[], amountCents: number) {
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: billIndexes.map((i) => account.billIds[i]),
      amountCents,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  function refund(paymentId: string, amountCents: number, idempotencyKey = randomUUID()) {
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/refunds`,
      headers: { ...key.headers, 'idempotency-key': idempotencyKey },
      payload: { amountCents, reason: 'requested_by_customer' },
    });
  }

  function expectNoServerErrors(responses: readonly LightMyRequestResponse[]) {
    expect(responses.filter((r) => r.statusCode >= 500).map((r) => `${r.statusCode} ${r.body}`)).toEqual([]);
  }

  /** What our refunds and the processor's hold for a payment, and its status. */
  async function moneyOf(paymentId: string) {
    const r = await sql<{ status: string; ours: number; processor: number; rows: number }>`
      select p.status,
        coalesce((select sum(amount_cents) from refunds where payment_id = p.id and status = 'succeeded'), 0)::bigint as ours,
        coalesce((select sum(s.amount_cents) from sandbox_refunds s
                  where s.charge_id = p.processor_charge_id and s.status = 'succeeded'), 0)::bigint as processor,
        (select count(*) from refunds where payment_id = p.id)::int as rows
      from payments p where p.id = ${paymentId}`.execute(t.deps.db);
    const row = r.rows[0]!;
    return { status: row.status, ours: Number(row.ours), processor: Number(row.processor), rows: row.rows };
  }

  async function expectIntegrityClean() {
    const report = await checkIntegrity(t.deps);
    expect(report.violations).toEqual([]);
    expect(report.inFlightRefunds.count).toBe(0);
  }

  it('lets exactly what was paid be refunded when 20 refunds of a tenth race for it', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [6_000, 4_000] });
    const paymentId = await guestPays(account, [0, 1], 10_000);
    t.sandbox.faults = { latencyMs: 20 };
    const responses = await Promise.all(Array.from({ length: 20 }, () => refund(paymentId, 1_000)));
    expectNoServerErrors(responses);
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(10);
    for (const refused of responses.filter((r) => r.statusCode === 422)) {
      expect(refused.json()).toMatchObject({
        code: 'amount_out_of_range',
        errors: [{ field: 'amountCents' }],
      });
      expect(refused.json().maximumCents).toBeLessThan(1_000);
    }
    expect(await moneyOf(paymentId)).toEqual({
      status: 'refunded',
      ours: 10_000,
      processor: 10_000,
      rows: 10,
    });
    const bills = await t.deps.db
      .selectFrom('bills')
      .select(['balance_cents', 'status'])
      .where('account_id', '=', account.accountId)
      .orderBy('due_date')
      .execute();
    expect(bills.map((b) => [Number(b.balance_cents), b.status])).toEqual([
      [6_000, 'open'],
      [4_000, 'open'],
    ]);
    await expectIntegrityClean();
  });

  it('never refunds more than what is left when refunds of any size race', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [20_000] });
    const paymentId = await guestPays(account, [0], 20_000);
    t.sandbox.faults = { latencyMs: 10 };
    const amounts = Array.from({ length: 30 }, (_, i) => 500 + ((i * 977) % 2_500));
    const responses = await Promise.all(amounts.map((a) => refund(paymentId, a)));
    expectNoServerErrors(responses);
    const granted = responses.filter((r) => r.statusCode === 201).map((r) => r.json().amountCents as number);
    const total = granted.reduce((s, a) => s + a, 0);
    expect(total).toBeLessThanOrEqual(20_000);
    // Each refusal was right when it was made: what was left then (a bound it reports) was less than asked.
    for (const [i, r] of responses.entries()) {
      if (r.statusCode === 201) continue;
      expect(r.statusCode).toBe(422);
      expect(r.json().maximumCents).toBeLessThan(amounts[i]!);
      expect(r.json().maximumCents).toBeGreaterThanOrEqual(20_000 - total);
    }
    const money = await moneyOf(paymentId);
    expect(money.ours).toBe(total);
    expect(money.processor).toBe(total);
    expect(money.status).toBe(total === 20_000 ? 'refunded' : 'partially_refunded');
    await expectIntegrityClean();
  });

  it('makes one refund of 10 requests racing with the same key', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const paymentId = await guestPays(account, [0], 5_000);
    t.sandbox.faults = { latencyMs: 30 };
    const idempotencyKey = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => refund(paymentId, 2_000, idempotencyKey)),
    );
    expectNoServerErrors(responses);
    for (const r of responses) expect([201, 409]).toContain(r.statusCode);
    const created = responses.filter((r) => r.statusCode === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    for (const r of responses.filter((x) => x.statusCode === 409))
      expect(r.json().code).toBe('idempotency_in_flight');
    expect(await moneyOf(paymentId)).toEqual({
      status: 'partially_refunded',
      ours: 2_000,
      processor: 2_000,
      rows: 1,
    });
    await expectIntegrityClean();
  });

  it('reopens bills two payments share while their refunds race, without a deadlock', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000, 5_000] });
    // The first payment pays the first bill and part of the second; the second pays the rest of it.
    const first = await guestPays(account, [0, 1], 7_000);
    const second = await guestPays(account, [1], 3_000);
    t.sandbox.faults = { latencyMs: 5 };
    const responses = await Promise.all([
      ...Array.from({ length: 7 }, () => refund(first, 1_000)),
      ...Array.from({ length: 3 }, () => refund(second, 1_000)),
    ]);
    expectNoServerErrors(responses);
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    const bills = await t.deps.db
      .selectFrom('bills')
      .select(['balance_cents', 'status'])
      .where('account_id', '=', account.accountId)
      .orderBy('due_date')
      .execute();
    expect(bills.map((b) => [Number(b.balance_cents), b.status])).toEqual([
      [5_000, 'open'],
      [5_000, 'open'],
    ]);
    await expectIntegrityClean();
  });
});
