import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, lookupMedical, pay, tokenizeCard } from '../../../test/factories';
import { refundTools } from '../../../test/refunds';

let t: TestApp;
let key: ApiKeyFixture;
beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps, { scopes: ['payments:read', 'payments:refund'] });
});
afterAll(async () => {
  await t.close();
});

const { guestPays, refund } = refundTools(
  () => t,
  () => key,
);

function get(url: string, headers: Record<string, string> = key.headers) {
  return t.app.inject({ method: 'GET', url, headers });
}

async function allPages(query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/api/v1/payments?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as { data: { id: string }[]; nextCursor: string | null };
    expect(page.data.length).toBeLessThanOrEqual(limit);
    ids.push(...page.data.map((p) => p.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('payments out (payments:read)', () => {
  it('shows a payment with the bills it paid under the billing system’s identifiers, and refunds', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000, 3_000] });
    await t.deps.db
      .updateTable('accounts')
      .set({ external_id: 'GA-OUT-1' })
      .where('id', '=', account.accountId)
      .execute();
    await t.deps.db
      .updateTable('bills')
      .set({ external_id: 'INV-OUT-1' })
      .where('id', '=', account.billIds[0] as string)
      .execute();
    const paymentId = await guestPays(account, [0, 1], 8_000);

    const res = await get(`/api/v1/payments/${paymentId}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({
      id: paymentId,
      status: 'succeeded',
      amountCents: 8_000,
      currency: 'USD',
      refundedCents: 0,
      channel: 'guest',
      method: { type: 'card', brand: 'visa', last4: '4242' },
      account: { id: account.accountId, externalId: 'GA-OUT-1', accountNumber: account.accountNumber },
      failure: null,
      returnCode: null,
    });
    expect(view.bills).toEqual([
      {
        billId: account.billIds[0],
        externalId: 'INV-OUT-1',
        number: account.billNumbers[0],
        amountCents: 5_000,
      },
      { billId: account.billIds[1], externalId: null, number: account.billNumbers[1], amountCents: 3_000 },
    ]);
    expect(view.confirmationNumber).toEqual(expect.any(String));
    expect(JSON.stringify(view)).not.toContain('tok_');

    const refunded = await refund(paymentId, { amountCents: 2_500, reason: 'requested_by_customer' });
    expect(refunded.statusCode, refunded.body).toBe(201);
    const after = (await get(`/api/v1/payments/${paymentId}`)).json();
    expect(after).toMatchObject({ status: 'partially_refunded', refundedCents: 2_500 });

    const byAccount = await get('/api/v1/payments?accountExternalId=GA-OUT-1');
    expect(byAccount.json().data.map((p: { id: string }) => p.id)).toEqual([paymentId]);
  });

  it('shows a declined payment with why it failed', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [4_000] });
    const session = await lookupMedical(t.app, account);
    const declined = await pay(t.app, session.sessionToken, {
      billIds: [account.billIds[0]],
      amountCents: 4_000,
      paymentToken: await tokenizeCard(t.app, '4000000000000002'),
    });
    expect(declined.statusCode, declined.body).toBe(402);
    const failed = await t.deps.db
      .selectFrom('payments')
      .select('id')
      .where('account_id', '=', account.accountId)
      .executeTakeFirstOrThrow();
    const view = (await get(`/api/v1/payments/${failed.id}`)).json();
    expect(view).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
    const onlyFailed = (await get('/api/v1/payments?status=failed')).json();
    expect(onlyFailed.data.map((p: { id: string }) => p.id)).toContain(failed.id);
    expect(onlyFailed.data.every((p: { status: string }) => p.status === 'failed')).toBe(true);
  });

  it('pages oldest first without skipping or repeating, and filters by when a payment was made', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [1_000, 1_000, 1_000, 1_000, 1_000] });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await guestPays(account, [i], 1_000));
    const all = await allPages('', 2);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(all);
    for (const id of made) expect(all).toContain(id);

    const rows = await t.deps.db
      .selectFrom('payments')
      .select(['id', 'created_at'])
      .where('id', 'in', made)
      .orderBy('id')
      .execute();
    const from = (rows[0] as { created_at: Date }).created_at.toISOString();
    const inWindow = await allPages(`&createdFrom=${encodeURIComponent(from)}`, 3);
    for (const id of made) expect(inWindow).toContain(id);
    const before = await allPages(`&createdBefore=${encodeURIComponent(from)}`, 100);
    for (const id of made) expect(before).not.toContain(id);
  });

  it('refuses what it cannot answer, naming the parameter', async () => {
    const unknown = await get('/api/v1/payments?accountExternalId=NOPE-1');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0]).toMatchObject({ field: 'accountExternalId', code: 'not_found' });
    for (const query of [
      'createdFrom=yesterday',
      'status=lost',
      'limit=0',
      'limit=101',
      'cursor=abc',
      'sort=desc',
    ]) {
      const res = await get(`/api/v1/payments?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const missing = await get('/api/v1/payments/0193f1c2-7a10-7c4e-9b2a-5d1e8f3a6b01');
    expect(missing.statusCode).toBe(404);
    expect((await get('/api/v1/payments/not-a-uuid')).statusCode).toBe(400);
  });

  it('needs payments:read', async () => {
    const other = await createApiKey(t.deps, { scopes: ['bills:write'] });
    const res = await get('/api/v1/payments', other.headers);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('insufficient_scope');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/payments' })).statusCode).toBe(401);
  });
});
