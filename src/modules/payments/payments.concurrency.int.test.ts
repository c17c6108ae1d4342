import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, type MedicalAccountFixture, tokenizeCard } from '../../../test/factories';
import type { GuestSessionView } from '../guest/guest.schema';
import { checkIntegrity } from '../integrity/integrity.service';
import { reconcilePayment } from './payments.service';
import { reconcilePayments } from './reconciliation.service';

/**
 * Races that only a real PostgreSQL can show: PGlite is one connection, so its transactions never
 * overlap. Every request here runs through app.inject with Promise.all on a pool of 60 connections.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('payments under concurrency (PostgreSQL)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  // Each simulated payer gets its own address: the per-IP lookup limit (20 per 10 minutes) and the
  // per-process flood guard are not what these tests are about.
  let ipSeq = 0;
  function nextIp(): string {
    ipSeq++;
    return `10.77.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}`;
  }

  async function lookup(account: MedicalAccountFixture, ip = nextIp()): Promise<GuestSessionView> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/guest/lookups',
      remoteAddress: ip,
      payload: {
        regionId: account.regionId,
        kind: 'medical',
        accountNumber: account.accountNumber,
        postalCode: account.postalCode,
      },
    });
    if (res.statusCode !== 201) throw new Error(`lookup failed ${res.statusCode} ${res.body}`);
    return res.json();
  }

  function pay(
    session: GuestSessionView,
    body: { billIds: string[]; amountCents: number; paymentToken: string },
    key: string = randomUUID(),
    ip = '10.78.0.1',
  ): Promise<LightMyRequestResponse> {
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/guest/payments',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${session.sessionToken}`, 'idempotency-key': key },
      payload: body,
    });
  }

  function tokens(n: number): Promise<string[]> {
    return Promise.all(Array.from({ length: n }, () => tokenizeCard(t.app)));
  }

  /** Every response is a known answer, never a 5xx (a deadlock or an unhandled unique violation). */
  function expectNoServerErrors(responses: readonly LightMyRequestResponse[]) {
    const errors = responses.filter((r) => r.statusCode >= 500).map((r) => `${r.statusCode} ${r.body}`);
    expect(errors).toEqual([]);
  }

  async function sandboxChargesOfAccount(accountId: string): Promise<number> {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from sandbox_charges c
      join payments p on p.id::text = c.idempotency_key
      where p.account_id = ${accountId}`.execute(t.deps.db);
    return r.rows[0]?.n ?? 0;
  }

  async function paymentsOfAccount(accountId: string) {
    return t.deps.db
      .selectFrom('payments')
      .select(['id', 'status', 'amount_cents'])
      .where('account_id', '=', accountId)
      .execute();
  }

  /** Per bill: its amount, balance, status and what succeeded payments collected for it. */
  async function billMoney(billIds: readonly string[]) {
    const r = await sql<{
      id: string;
      amount_cents: number;
      balance_cents: number;
      status: string;
      collected_cents: number;
    }>`
      select b.id, b.amount_cents, b.balance_cents, b.status,
        coalesce((
          select sum(a.amount_cents) from payment_allocations a
          join payments p on p.id = a.payment_id and p.status = 'succeeded'
          where a.bill_id = b.id
        ), 0)::bigint as collected_cents
      from bills b where b.id in (${sql.join(billIds)})`.execute(t.deps.db);
    return r.rows;
  }

  async function expectBillsConsistent(billIds: readonly string[]) {
    for (const b of await billMoney(billIds)) {
      expect(b.collected_cents).toBeLessThanOrEqual(b.amount_cents);
      expect(b.balance_cents).toBeGreaterThanOrEqual(0);
      expect(b.balance_cents).toBe(b.amount_cents - b.collected_cents);
      expect(b.status).toBe(b.balance_cents === 0 ? 'paid' : 'open');
    }
  }

  async function expectIntegrityClean() {
    const report = await checkIntegrity(t.deps);
    expect(report.violations).toEqual([]);
  }

  it('50 concurrent submissions with one Idempotency-Key charge once and agree on the payment', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [8_000] });
    const session = await lookup(account);
    const [token] = await tokens(1);
    const body = { billIds: account.billIds, amountCents: 8_000, paymentToken: token! };
    const key = randomUUID();

    const responses = await Promise.all(Array.from({ length: 50 }, () => pay(session, body, key)));

    expectNoServerErrors(responses);
    const created = responses.filter((r) => r.statusCode === 201);
    const conflicts = responses.filter((r) => r.statusCode === 409);
    expect(created.length + conflicts.length).toBe(50);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of conflicts) expect(r.json().code).toBe('idempotency_in_flight');
    const ids = new Set(created.map((r) => r.json().id));
    const confirmations = new Set(created.map((r) => r.json().confirmationNumber));
    expect(ids.size).toBe(1);
    expect(confirmations.size).toBe(1);

    const rows = await paymentsOfAccount(account.accountId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: [...ids][0], status: 'succeeded', amount_cents: 8_000 });
    expect(await sandboxChargesOfAccount(account.accountId)).toBe(1);

    // Once the dust settles the key replays the same answer.
    const replay = await pay(session, body, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe([...ids][0]);
    await expectBillsConsistent(account.billIds);
  });

  it('50 concurrent submissions with different keys and tokens for one bill collect it once', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [6_500] });
    const session = await lookup(account);
    const paymentTokens = await tokens(50);

    const responses = await Promise.all(
      paymentTokens.map((paymentToken) =>
        pay(session, { billIds: account.billIds, amountCents: 6_500, paymentToken }),
      ),
    );

    expectNoServerErrors(responses);
    const created = responses.filter((r) => r.statusCode === 201);
    expect(created).toHaveLength(1);
    for (const r of responses.filter((x) => x.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(['payment_in_progress', 'bill_not_payable']).toContain(r.json().code);
    }

    const rows = await paymentsOfAccount(account.accountId);
    expect(rows.filter((p) => p.status === 'succeeded')).toHaveLength(1);
    // The losers never got past the bill lock, so they left no attempt and no charge behind.
    expect(rows).toHaveLength(1);
    expect(await sandboxChargesOfAccount(account.accountId)).toBe(1);
    const [bill] = await billMoney(account.billIds);
    expect(bill).toMatchObject({ balance_cents: 0, collected_cents: 6_500, status: 'paid' });
    await expectIntegrityClean();
  });

  it('two guests paying the same bill at once never collect more than it is owed (20 rounds)', async () => {
    const amount = 10_000;
    // [first guest, second guest]: full/full, full/partial, partials that fit together, partials that do not.
    const plans: [number, number][] = [
      [amount, amount],
      [amount, 4_000],
      [3_000, 5_000],
      [6_000, 7_000],
    ];
    const allBills: string[] = [];
    for (let round = 0; round < 20; round++) {
      const account = await createMedicalAccount(t.deps, { amounts: [amount] });
      allBills.push(...account.billIds);
      const [first, second] = await Promise.all([lookup(account), lookup(account)]);
      const [tokenA, tokenB] = await tokens(2);
      const [amountA, amountB] = plans[round % plans.length]!;

      const responses = await Promise.all([
        pay(
          first!,
          { billIds: account.billIds, amountCents: amountA, paymentToken: tokenA! },
          randomUUID(),
          nextIp(),
        ),
        pay(
          second!,
          { billIds: account.billIds, amountCents: amountB, paymentToken: tokenB! },
          randomUUID(),
          nextIp(),
        ),
      ]);

      expectNoServerErrors(responses);
      for (const r of responses) {
        if (r.statusCode === 201) continue;
        // Lost the race (409) or the winner left less than this guest asked to pay (422).
        expect([409, 422]).toContain(r.statusCode);
        expect(['payment_in_progress', 'bill_not_payable', 'amount_out_of_range']).toContain(r.json().code);
      }
      expect(responses.some((r) => r.statusCode === 201)).toBe(true);
      const succeeded = (await paymentsOfAccount(account.accountId)).filter((p) => p.status === 'succeeded');
      expect(succeeded.reduce((sum, p) => sum + p.amount_cents, 0)).toBeLessThanOrEqual(amount);
      await expectBillsConsistent(account.billIds);
    }
    await expectBillsConsistent(allBills);
    await expectIntegrityClean();
  });

  it('multi-bill payments racing on overlapping bills never deadlock or over-collect (20 rounds)', async () => {
    const allBills: string[] = [];
    for (let round = 0; round < 20; round++) {
      const account = await createMedicalAccount(t.deps, { amounts: [5_000, 6_000, 7_000] });
      allBills.push(...account.billIds);
      const [b1, b2, b3] = account.billIds as [string, string, string];
      const [sessionA, sessionB] = await Promise.all([lookup(account), lookup(account)]);
      const [tokenA, tokenB] = await tokens(2);
      // Bills 1, 2, 3 owe 50, 60 and 70 dollars, due in that order, and each payment goes oldest due first.
      // A pays bills 1+2; B pays 2+3 (or bill 2 alone). Plans: both in full; both reaching bill 2; A on
      // bill 1 only and B on bill 2 only (both lock bill 2 but allocate disjointly: both must succeed);
      // A in full against a partial B; A in full against B paying bill 2 alone in full.
      const plans: { a: number; b: number; bBills: string[] }[] = [
        { a: 11_000, b: 13_000, bBills: [b2, b3] },
        { a: 5_500, b: 2_500, bBills: [b2, b3] },
        { a: 4_000, b: 2_500, bBills: [b2, b3] },
        { a: 11_000, b: 2_500, bBills: [b2, b3] },
        { a: 11_000, b: 6_000, bBills: [b2] },
      ];
      const plan = plans[round % plans.length]!;
      const responses = await Promise.all([
        pay(sessionA!, { billIds: [b1, b2], amountCents: plan.a, paymentToken: tokenA! }),
        pay(sessionB!, { billIds: plan.bBills, amountCents: plan.b, paymentToken: tokenB! }),
      ]);
      if (round % plans.length === 2) expect(responses.map((r) => r.statusCode)).toEqual([201, 201]);
      expectNoServerErrors(responses);
      for (const r of responses) {
        if (r.statusCode === 201) continue;
        expect([409, 422]).toContain(r.statusCode);
        expect(['payment_in_progress', 'bill_not_payable', 'amount_out_of_range']).toContain(r.json().code);
      }
      expect(responses.some((r) => r.statusCode === 201)).toBe(true);
      await expectBillsConsistent(account.billIds);
    }
    await expectBillsConsistent(allBills);
    await expectIntegrityClean();
  });

  it('concurrent reconciler sweeps resolve 30 unknown attempts once each', async () => {
    // createMedicalAccount dates bills on consecutive December days, so 3 accounts of 10 bills.
    const accounts = await Promise.all(
      [0, 1, 2].map(() => createMedicalAccount(t.deps, { amounts: Array.from({ length: 10 }, () => 2_500) })),
    );
    const paymentIds: string[] = [];
    t.sandbox.faults = { timeoutAfterSuccess: true };
    try {
      for (const account of accounts) {
        const session = await lookup(account);
        const paymentTokens = await tokens(account.billIds.length);
        const responses = await Promise.all(
          account.billIds.map((billId, i) =>
            pay(session, { billIds: [billId], amountCents: 2_500, paymentToken: paymentTokens[i]! }),
          ),
        );
        for (const r of responses) {
          expect(r.statusCode).toBe(202);
          expect(r.json().status).toBe('unknown');
          paymentIds.push(r.json().id);
        }
      }
    } finally {
      t.sandbox.faults = {};
    }
    expect(paymentIds).toHaveLength(30);
    t.clock.advance({ minutes: 2 });

    // A small batch per sweep so the four really split the work through SKIP LOCKED, while a direct
    // reconcilePayment of every third attempt (as a resumed API request would do) races them.
    const [claimed] = await Promise.all([
      Promise.all([0, 1, 2, 3].map(() => reconcilePayments(t.deps, 10))),
      Promise.all(paymentIds.filter((_, i) => i % 3 === 0).map((id) => reconcilePayment(t.deps, id))),
    ]);
    // A row the direct call holds locked is skipped by the sweeps, so they may claim fewer than 30.
    expect(claimed.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30);
    expect(claimed.filter((n) => n > 0).length).toBeGreaterThan(1);
    // Nothing left for a later sweep.
    t.clock.advance({ hours: 2 });
    expect(await reconcilePayments(t.deps)).toBe(0);

    const rows = await t.deps.db
      .selectFrom('payments')
      .select(['id', 'status'])
      .where('id', 'in', paymentIds)
      .execute();
    expect(rows.every((p) => p.status === 'succeeded')).toBe(true);
    const transitions = await t.deps.db
      .selectFrom('payment_events')
      .select(['payment_id'])
      .where('payment_id', 'in', paymentIds)
      .where('to_status', '=', 'succeeded')
      .execute();
    expect(transitions).toHaveLength(30);
    const postings = await t.deps.db
      .selectFrom('ledger_postings')
      .select('payment_id')
      .where('payment_id', 'in', paymentIds)
      .where('kind', '=', 'payment')
      .execute();
    expect(postings).toHaveLength(30);
    for (const account of accounts) expect(await sandboxChargesOfAccount(account.accountId)).toBe(10);
    const bills = await billMoney(accounts.flatMap((a) => a.billIds));
    expect(bills.every((b) => b.balance_cents === 0 && b.collected_cents === 2_500)).toBe(true);
    await expectIntegrityClean();
  });
});
