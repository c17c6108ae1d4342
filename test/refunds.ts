import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { checkIntegrity } from '../src/modules/integrity/integrity.service';
import type { ApiKeyFixture } from './api-keys';
import type { TestApp } from './app';
import { lookupMedical, type MedicalAccountFixture, pay, tokenizeCard } from './factories';

export const REFUND_PAYER = 'payer@example.org';

/**
 * What refund tests do again and again, against the app and API key the getters return (they are set
 * in `beforeAll`): pay as a guest, refund and list through the API, read bills and payment status.
 */
export function refundTools(app: () => TestApp, apiKey: () => ApiKeyFixture) {
  /** A guest pays `amountCents` over the bills at `billIndexes` (by card unless a bank token is given). */
  async function guestPays(
    account: MedicalAccountFixture,
    billIndexes: number[],
    amountCents: number,
    token?: string,
  ): Promise<string> {
    const t = app();
    const session = await lookupMedical(t.app, account);
    const bank = token?.startsWith('btok_');
    const res = await pay(t.app, session.sessionToken, {
      billIds: billIndexes.map((i) => account.billIds[i]),
      amountCents,
      paymentToken: token ?? (await tokenizeCard(t.app)),
      email: REFUND_PAYER,
      ...(bank
        ? {
            bankAuthorization: {
              accepted: true,
              textVersion: t.deps.config.organization.payments.achAuthorizationVersion,
            },
          }
        : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  function refund(
    paymentId: string,
    body: unknown,
    idempotencyKey: string | null = randomUUID(),
    headers: Record<string, string> = apiKey().headers,
  ) {
    return app().app.inject({
      method: 'POST',
      url: `/api/v1/payments/${paymentId}/refunds`,
      headers: { ...headers, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      payload: body as object,
    });
  }

  function listRefunds(paymentId: string, query = '', headers: Record<string, string> = apiKey().headers) {
    return app().app.inject({ method: 'GET', url: `/api/v1/payments/${paymentId}/refunds${query}`, headers });
  }

  /** Each bill of the account as [balance, status], earliest due first. */
  async function bills(accountId: string) {
    const rows = await app()
      .deps.db.selectFrom('bills')
      .select(['balance_cents', 'status'])
      .where('account_id', '=', accountId)
      .orderBy('due_date')
      .execute();
    return rows.map((r) => [Number(r.balance_cents), r.status]);
  }

  async function paymentStatus(paymentId: string) {
    const row = await app()
      .deps.db.selectFrom('payments')
      .select('status')
      .where('id', '=', paymentId)
      .executeTakeFirstOrThrow();
    return row.status;
  }

  async function expectIntegrityClean() {
    const report = await checkIntegrity(app().deps);
    expect(report.violations).toEqual([]);
    return report;
  }

  return { guestPays, refund, listRefunds, bills, paymentStatus, expectIntegrityClean };
}
