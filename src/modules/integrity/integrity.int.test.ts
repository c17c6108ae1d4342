import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, lookupMedical, pay, tokenizeCard } from '../../../test/factories';
import { reconcilePayments } from '../payments/reconciliation.service';
import { checkIntegrity } from './integrity.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('settle check right after a crash', () => {
  it('reports a payment the processor charged but whose outcome was never written as in flight, not a violation', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_700] });
    const session = await lookupMedical(t.app, account);
    // The processor charges the card and its answer is lost: what a crash between the two leaves.
    t.sandbox.faults = { timeoutAfterSuccess: true };
    let paymentId: string;
    try {
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 7_700,
        paymentToken: await tokenizeCard(t.app),
      });
      expect(res.json().status).toBe('unknown');
      paymentId = res.json().id;
    } finally {
      t.sandbox.faults = {};
    }

    const report = await checkIntegrity(t.deps);
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.inFlight.count).toBeGreaterThanOrEqual(1);
    expect(report.inFlight.payments).toContainEqual(
      expect.objectContaining({ paymentId, status: 'unknown', amountCents: 7_700, processorCharged: true }),
    );

    // The reconciler finishes that work; the check then has nothing in flight for it.
    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    const after = await checkIntegrity(t.deps);
    expect(after).toMatchObject({ ok: true, violations: [] });
    expect(after.inFlight.payments.map((p) => p.paymentId)).not.toContain(paymentId);
  });

  it('still reports a charge whose payment ended failed as a violation', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [3_300] });
    const session = await lookupMedical(t.app, account);
    t.sandbox.faults = { timeoutAfterSuccess: true };
    let paymentId: string;
    try {
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 3_300,
        paymentToken: await tokenizeCard(t.app),
      });
      paymentId = res.json().id;
    } finally {
      t.sandbox.faults = {};
    }
    // A corruption no code path makes: the attempt marked failed although the processor collected it.
    await t.deps.db
      .updateTable('payments')
      .set({ status: 'failed', completed_at: new Date() })
      .where('id', '=', paymentId)
      .execute();
    const report = await checkIntegrity(t.deps);
    expect(report.ok).toBe(false);
    expect(report.violations).toContainEqual({
      invariant: 'payment_matches_processor_charge',
      detail: expect.objectContaining({ problem: 'processor charge has no succeeded payment' }),
    });
    expect(report.inFlight.payments.map((p) => p.paymentId)).not.toContain(paymentId);
  });
});
