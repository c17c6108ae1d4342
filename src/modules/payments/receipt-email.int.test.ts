import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, lookupMedical, pay, tokenizeCard } from '../../../test/factories';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function paidPayment(email = 'payer.limits@example.org') {
  const account = await createMedicalAccount(t.deps, { amounts: [6_400] });
  const session = await lookupMedical(t.app, account);
  const res = await pay(t.app, session.sessionToken, {
    billIds: account.billIds,
    amountCents: 6_400,
    paymentToken: await tokenizeCard(t.app),
    email,
  });
  expect(res.statusCode).toBe(201);
  return { token: session.sessionToken, paymentId: res.json().id as string };
}

function sendReceipt(p: { token: string; paymentId: string }, email: string, remoteAddress = '192.0.2.10') {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/guest/payments/${p.paymentId}/receipt-email`,
    headers: { authorization: `Bearer ${p.token}` },
    payload: { email },
    remoteAddress,
  });
}

async function addressesOf(paymentId: string): Promise<string[]> {
  const all = await t.deps.db
    .selectFrom('outbox_emails')
    .select(['to_address', 'attachment_ref'])
    .where('kind', '=', 'payment_receipt')
    .execute();
  return [
    ...new Set(
      all
        .filter(
          (r) => (r.attachment_ref as { receiptPaymentId?: string } | null)?.receiptPaymentId === paymentId,
        )
        .map((r) => r.to_address.toLowerCase()),
    ),
  ].sort();
}

describe('receipt emails from a guest session', () => {
  it('go to at most 5 different addresses per payment, the payer’s included', async () => {
    const p = await paidPayment();
    // The payer's address and 4 more.
    for (let i = 1; i <= 4; i++)
      expect((await sendReceipt(p, `reader${i}@example.org`)).statusCode).toBe(202);
    const refused = await sendReceipt(p, 'reader5@example.org');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      code: 'rate_limited',
      detail: expect.stringContaining('5 different addresses'),
    });
    // An address already used may be sent again (a lost email), within the session's limit.
    expect((await sendReceipt(p, 'READER2@example.org')).statusCode).toBe(202);
    // What the probe did: 60 addresses from one session. None past the fifth is queued.
    const statuses: number[] = [];
    for (let i = 6; i <= 60; i++) statuses.push((await sendReceipt(p, `reader${i}@example.org`)).statusCode);
    expect(statuses.every((s) => s === 429)).toBe(true);
    expect(await addressesOf(p.paymentId)).toHaveLength(5);
  });

  it('are at most 10 an hour per guest session, even to one address', async () => {
    const p = await paidPayment();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await sendReceipt(p, 'same@example.org', '192.0.2.20')).statusCode);
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
  });

  it('are at most 30 an hour from one address, across sessions', async () => {
    const statuses: number[] = [];
    for (let s = 0; s < 4; s++) {
      const p = await paidPayment();
      for (let i = 0; i < 8; i++)
        statuses.push((await sendReceipt(p, `s${s}@example.org`, '192.0.2.30')).statusCode);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});
