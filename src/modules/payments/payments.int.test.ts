import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createPremiumAccount,
  lookupMedical,
  pay,
  tokenizeBank,
  tokenizeCard,
} from '../../../test/factories';
import { newId } from '../../platform/ids';
import { auditRow } from '../audit/audit.service';
import { paymentParts } from '../bills/bills.service';
import { checkIntegrity } from '../integrity/integrity.service';
import { eventRow, insertAttempt } from './payments.store';
import { reconcilePayments } from './reconciliation.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function billBalances(sessionToken: string): Promise<Record<string, number>> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/v1/guest/bills',
    headers: { authorization: `Bearer ${sessionToken}` },
  });
  expect(res.statusCode).toBe(200);
  return Object.fromEntries(
    res.json().bills.map((b: { id: string; balanceCents: number }) => [b.id, b.balanceCents]),
  );
}

async function expectClean() {
  const report = await checkIntegrity(t.deps);
  expect(report.violations).toEqual([]);
}

describe('guest payment', () => {
  it('pays two bills in full by card, oldest due first, with ledger, receipt and email', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [12_000, 4_550] });
    const session = await lookupMedical(t.app, account);
    expect(session.bills).toHaveLength(2);
    expect(session.account.maskedAccountNumber).toBe(`••••${account.accountNumber.slice(-4)}`);

    const token = await tokenizeCard(t.app);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 16_550,
      paymentToken: token,
      email: 'maria@example.org',
    });
    expect(res.statusCode).toBe(201);
    const payment = res.json();
    expect(payment).toMatchObject({
      status: 'succeeded',
      amountCents: 16_550,
      method: { type: 'card', brand: 'visa', last4: '4242' },
      receiptEmail: 'maria@example.org',
    });
    expect(payment.confirmationNumber).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z*~$=]$/);
    expect(payment.bills.map((b: { amountCents: number }) => b.amountCents)).toEqual([12_000, 4_550]);
    expect(await billBalances(session.sessionToken)).toEqual({
      [account.billIds[0]!]: 0,
      [account.billIds[1]!]: 0,
    });

    const pdf = await t.app.inject({
      method: 'GET',
      url: `/api/v1/guest/payments/${payment.id}/receipt.pdf`,
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 4).toString()).toBe('%PDF');

    const mail = await t.app.inject({ method: 'GET', url: '/dev/mailbox.json' });
    const receipt = mail.json().find((m: { to: string }) => m.to === 'maria@example.org');
    expect(receipt.subject).toContain(payment.confirmationNumber);
    expect(receipt.text).not.toContain('4242424242424242');
    // The mailbox page frames the email and links to it on a page of its own, shown whole at any width.
    const message = await t.app.inject({ method: 'GET', url: `/dev/mailbox/${receipt.id}` });
    expect(message.body).toContain(`<a href="/dev/mailbox/${receipt.id}/html">`);
    const own = await t.app.inject({ method: 'GET', url: `/dev/mailbox/${receipt.id}/html` });
    expect(own.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(own.body).toBe(receipt.html);
    await expectClean();
  });

  it('takes a partial amount and applies it to the bill due first', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [12_000, 4_550] });
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 13_000,
      paymentToken: await tokenizeCard(t.app, '5555555555554444'),
    });
    expect(res.statusCode).toBe(201);
    expect(await billBalances(session.sessionToken)).toEqual({
      [account.billIds[0]!]: 0,
      [account.billIds[1]!]: 3_550,
    });
    await expectClean();
  });

  it('pays a premium by bank account with the debit authorization recorded', async () => {
    const premium = await createPremiumAccount(t.deps, { amount: 45_000 });
    const lookup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/guest/lookups',
      payload: {
        regionId: premium.regionId,
        kind: 'premium',
        accountNumber: premium.accountNumber,
        invoiceNumber: premium.invoiceNumber,
        lastName: 'nunez',
      },
    });
    expect(lookup.statusCode).toBe(201);
    const session = lookup.json();
    const token = await tokenizeBank(t.app);
    const withoutAuth = await pay(t.app, session.sessionToken, {
      billIds: [premium.billId],
      amountCents: 45_000,
      paymentToken: token,
    });
    expect(withoutAuth.statusCode).toBe(400);
    expect(withoutAuth.json().errors[0].field).toBe('bankAuthorization');

    const res = await pay(t.app, session.sessionToken, {
      billIds: [premium.billId],
      amountCents: 45_000,
      paymentToken: token,
      bankAuthorization: {
        accepted: true,
        textVersion: t.deps.config.organization.payments.achAuthorizationVersion,
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().method).toMatchObject({ type: 'bank', last4: '6789', bankAccountType: 'checking' });
    const row = await t.deps.db
      .selectFrom('payments')
      .select('bank_authorization')
      .where('id', '=', res.json().id)
      .executeTakeFirstOrThrow();
    expect(row.bank_authorization).toMatchObject({ holderName: 'José Núñez' });
    await expectClean();
  });

  it.each([
    ['4000000000000002', 'card_declined', false],
    ['4000000000009995', 'insufficient_funds', true],
    ['4000000000000069', 'expired_card', false],
    ['4000000000000127', 'incorrect_cvc', true],
    ['4000000000000119', 'processing_error', true],
    ['4000000000000341', 'card_declined', false],
  ])(
    'card %s is declined as %s, charges nothing and lets the payer try again',
    async (card, code, retryable) => {
      const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
      const session = await lookupMedical(t.app, account);
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 5_000,
        paymentToken: await tokenizeCard(t.app, card),
      });
      expect(res.statusCode).toBe(402);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'payment_declined', decline: { code, retryable } });
      expect(await billBalances(session.sessionToken)).toEqual({ [account.billIds[0]!]: 5_000 });

      const retry = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 5_000,
        paymentToken: await tokenizeCard(t.app),
      });
      expect(retry.statusCode).toBe(201);
      await expectClean();
    },
  );

  it('refuses a card brand the organization does not accept', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 5_000,
      paymentToken: await tokenizeCard(t.app, '378282246310005'),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'payment_method_invalid' });
    expect(res.json().detail).toContain('American Express');
  });

  it('rejects amounts under $1 or over the selected balance', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const session = await lookupMedical(t.app, account);
    for (const amountCents of [99, 5_001]) {
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents,
        paymentToken: await tokenizeCard(t.app),
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('amount_out_of_range');
    }
    expect(await billBalances(session.sessionToken)).toEqual({ [account.billIds[0]!]: 5_000 });
  });

  it('cannot pay a bill outside the guest session', async () => {
    const mine = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const theirs = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const session = await lookupMedical(t.app, mine);
    const res = await pay(t.app, session.sessionToken, {
      billIds: theirs.billIds,
      amountCents: 5_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and body, charging once', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_500] });
    const session = await lookupMedical(t.app, account);
    const body = { billIds: account.billIds, amountCents: 7_500, paymentToken: await tokenizeCard(t.app) };
    const key = randomUUID();
    const first = await pay(t.app, session.sessionToken, body, key);
    const second = await pay(t.app, session.sessionToken, body, key);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    const charges = await t.deps.db
      .selectFrom('sandbox_charges')
      .select('id')
      .where('idempotency_key', '=', first.json().id)
      .execute();
    expect(charges).toHaveLength(1);
  });

  it('answers 422 for the same key with a different body, and 400 without a key', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_500] });
    const session = await lookupMedical(t.app, account);
    const token = await tokenizeCard(t.app);
    const key = randomUUID();
    await pay(
      t.app,
      session.sessionToken,
      { billIds: account.billIds, amountCents: 100, paymentToken: token },
      key,
    );
    const changed = await pay(
      t.app,
      session.sessionToken,
      { billIds: account.billIds, amountCents: 200, paymentToken: token },
      key,
    );
    expect(changed.statusCode).toBe(422);
    expect(changed.json().code).toBe('idempotency_mismatch');
    const missing = await pay(
      t.app,
      session.sessionToken,
      { billIds: account.billIds, amountCents: 100, paymentToken: token },
      null,
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('idempotency_key_required');
  });

  it('keeps no key for a refused request, so the corrected one may reuse it', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_500] });
    const session = await lookupMedical(t.app, account);
    const token = await tokenizeCard(t.app);
    const key = randomUUID();
    const tooMuch = await pay(
      t.app,
      session.sessionToken,
      { billIds: account.billIds, amountCents: 9_000, paymentToken: token },
      key,
    );
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().code).toBe('amount_out_of_range');
    const keys = await t.deps.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', key)
      .execute();
    expect(keys).toEqual([]);
    const corrected = await pay(
      t.app,
      session.sessionToken,
      { billIds: account.billIds, amountCents: 7_500, paymentToken: token },
      key,
    );
    expect(corrected.statusCode).toBe(201);
    await expectClean();
  });

  it('writes nothing when a bill changed between the read and the lock', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_500] });
    const billId = account.billIds[0] ?? '';
    const paymentId = newId();
    const now = new Date();
    const created = await insertAttempt(t.deps.db, {
      // The caller read a balance the bill no longer has.
      lockBills: paymentParts.lockUnchangedBills(account.accountId, [{ id: billId, balance_cents: 7_400 }]),
      billCount: 1,
      claim: {
        scope: 'test',
        key: paymentId,
        request_hash: 'x',
        status: 'in_flight',
        resource_id: paymentId,
        response_status: null,
        response_body: null,
        created_at: now,
        updated_at: now,
      },
      payment: {
        id: paymentId,
        account_id: account.accountId,
        confirmation_number: `T${paymentId.slice(-10)}`,
        channel: 'guest',
        status: 'processing',
        amount_cents: 7_400,
        currency: 'USD',
        method_type: 'card',
        method_brand: 'visa',
        method_last4: '4242',
        method_exp_month: 12,
        method_exp_year: 2030,
        bank_account_type: null,
        bank_authorization: null,
        processor: 'sandbox',
        processor_token: 'tok_x',
        processor_charge_id: null,
        failure_code: null,
        failure_message: null,
        failure_retryable: null,
        payer_email: null,
        locale: 'en',
        reconcile_attempts: 0,
        next_reconcile_at: now,
        created_at: now,
        updated_at: now,
        completed_at: null,
      },
      allocations: [
        {
          payment_id: paymentId,
          bill_id: billId,
          account_id: account.accountId,
          amount_cents: 7_400,
          live: true,
        },
      ],
      event: eventRow({ paymentId, accountId: account.accountId, from: null, to: 'processing', at: now }),
      audit: auditRow({
        actor: { type: 'system', name: 'test' },
        ctx: null,
        action: 'payment.attempt',
        result: 'success',
        at: now,
      }),
    });
    expect(created).toBe(false);
    const written = await Promise.all([
      t.deps.db.selectFrom('payments').select('id').where('id', '=', paymentId).execute(),
      t.deps.db
        .selectFrom('payment_allocations')
        .select('bill_id')
        .where('payment_id', '=', paymentId)
        .execute(),
      t.deps.db.selectFrom('idempotency_keys').select('key').where('key', '=', paymentId).execute(),
    ]);
    expect(written).toEqual([[], [], []]);
  });

  it('answers 409 while the same key is in flight', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [7_500] });
    const session = await lookupMedical(t.app, account);
    const body = { billIds: account.billIds, amountCents: 7_500, paymentToken: await tokenizeCard(t.app) };
    const key = randomUUID();
    t.sandbox.faults = { latencyMs: 300 };
    try {
      const [a, b] = await Promise.all([
        pay(t.app, session.sessionToken, body, key),
        new Promise((r) => setTimeout(r, 50)).then(() => pay(t.app, session.sessionToken, body, key)),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    } finally {
      t.sandbox.faults = {};
    }
  });
});

describe('processor faults', () => {
  it('a lost answer leaves the attempt unknown, holds the bill, and the reconciler settles it once', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [9_000] });
    const session = await lookupMedical(t.app, account);
    t.sandbox.faults = { timeoutAfterSuccess: true };
    let paymentId: string;
    try {
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 9_000,
        paymentToken: await tokenizeCard(t.app),
      });
      expect(res.statusCode).toBe(202);
      expect(res.json().status).toBe('unknown');
      paymentId = res.json().id;
    } finally {
      t.sandbox.faults = {};
    }
    const bills = await t.app.inject({
      method: 'GET',
      url: '/api/v1/guest/bills',
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(bills.json().bills[0]).toMatchObject({ balanceCents: 9_000, paymentInProgress: true });

    const again = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 9_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('payment_in_progress');

    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/guest/payments/${paymentId}`,
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(view.json().status).toBe('succeeded');
    expect(await billBalances(session.sessionToken)).toEqual({ [account.billIds[0]!]: 0 });
    await expectClean();
  });

  it('an unavailable processor is retried by the reconciler with the same key', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [9_000] });
    const session = await lookupMedical(t.app, account);
    t.sandbox.faults = { unavailable: true };
    let paymentId: string;
    try {
      const res = await pay(t.app, session.sessionToken, {
        billIds: account.billIds,
        amountCents: 9_000,
        paymentToken: await tokenizeCard(t.app),
      });
      expect(res.statusCode).toBe(202);
      paymentId = res.json().id;
    } finally {
      t.sandbox.faults = {};
    }
    t.clock.advance({ minutes: 2 });
    await reconcilePayments(t.deps);
    const row = await t.deps.db
      .selectFrom('payments')
      .select('status')
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('succeeded');
    await expectClean();
  });
});
