import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp, testConfig } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  lookupMedical,
  MEMBER_PASSWORD,
  pay,
  signIn,
  tokenizeCard,
} from '../../../test/factories';
import { checkIntegrity } from '../integrity/integrity.service';

/** An organization that keeps refunded money as a credit on the account (refunds.afterRefund). */
let t: TestApp;
let key: ApiKeyFixture;
beforeAll(async () => {
  const organization = { ...testConfig().organization, refunds: { afterRefund: 'keep_credit' as const } };
  t = await buildTestApp({ config: { organization } });
  key = await createApiKey(t.deps, { scopes: ['payments:refund', 'payments:read'] });
});
afterAll(async () => {
  await t.close();
});

describe('refunds kept as a credit on the account', () => {
  it('leaves the bills paid, sends nothing to the processor, and the member’s dashboard shows the credit', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000, 2_000] });
    const member = await createMember(
      t.deps,
      await createPerson(t.deps, { accountsFor: [account.accountId] }),
    );
    const session = await lookupMedical(t.app, account);
    const paid = await pay(t.app, session.sessionToken, {
      billIds: [account.billIds[0]],
      amountCents: 5_000,
      paymentToken: await tokenizeCard(t.app),
      email: 'payer@example.org',
    });
    expect(paid.statusCode).toBe(201);
    const paymentId: string = paid.json().id;

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/refunds`,
      headers: { ...key.headers, 'idempotency-key': randomUUID() },
      payload: { amountCents: 3_000, reason: 'billing_error' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'succeeded',
      destination: 'account_credit',
      processorRefundId: null,
      bills: [],
      payment: { status: 'partially_refunded', refundedCents: 3_000, refundableCents: 2_000 },
    });
    expect(await t.deps.db.selectFrom('sandbox_refunds').selectAll().execute()).toEqual([]);
    const bill = await t.deps.db
      .selectFrom('bills')
      .select(['balance_cents', 'status'])
      .where('id', '=', account.billIds[0]!)
      .executeTakeFirstOrThrow();
    expect(bill).toEqual({ balance_cents: 0, status: 'paid' });

    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const dashboard = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/dashboard',
      headers: { cookie: s.cookie },
    });
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.json().creditsCents).toBe(3_000);
    expect(dashboard.json().totalDueCents).toBe(2_000);
    // The bill still shows what was collected on it: the credit did not come off it.
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/member/bills/${account.billIds[0]}`,
      headers: { cookie: s.cookie },
    });
    expect(detail.json().payments.map((p: { amountCents: number }) => p.amountCents)).toEqual([5_000]);

    const email = await t.deps.db
      .selectFrom('outbox_emails')
      .select(['subject', 'text_body'])
      .where('account_id', '=', account.accountId)
      .where('kind', '=', 'payment_refunded')
      .executeTakeFirstOrThrow();
    expect(email.subject).toBe('A credit of $30.00 on your Evergreen Health Plan account');
    expect(email.text_body).not.toContain('4242');

    // The rest of it too: the payment is refunded, the credit is the whole payment.
    const rest = await t.app.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/refunds`,
      headers: { ...key.headers, 'idempotency-key': randomUUID() },
      payload: { amountCents: 2_000, reason: 'other' },
    });
    expect(rest.json().payment).toMatchObject({ status: 'refunded', refundableCents: 0 });
    const after = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/dashboard',
      headers: { cookie: s.cookie },
    });
    expect(after.json().creditsCents).toBe(5_000);
    const report = await checkIntegrity(t.deps);
    expect(report.violations).toEqual([]);
    expect(report.inFlightRefunds.count).toBe(0);
  });
});
