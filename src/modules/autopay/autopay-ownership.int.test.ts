import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  signIn,
  tokenizeCard,
} from '../../../test/factories';
import { noticeAutopay } from './autopay-notices.service';
import { runDueAutopay } from './autopay-run.service';

/**
 * An account two members pay for. Saved methods and automatic payments belong to the member who set
 * them up: the other member sees that autopay is on, never the card, and can neither change nor
 * stop it, nor remove the card it pays from.
 */
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

async function as(email: string) {
  const session = await signIn(t.app, email, MEMBER_PASSWORD);
  return (method: Method, url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'idempotency-key': randomUUID() },
      ...(payload ? { payload } : {}),
    });
}

/** Member A (whose bills they are) enrolls with a saved card; member B is also responsible. */
async function sharedAccount() {
  t.clock.set('2026-11-23T18:00:00Z');
  const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
  const first = await createMember(t.deps, await createPerson(t.deps, { accountsFor: [account.accountId] }));
  const second = await createMember(
    t.deps,
    await createPerson(t.deps, { firstName: 'Ana', responsibleFor: [account.accountId] }),
  );
  const a = await as(first.email);
  const b = await as(second.email);
  const saved = await a('POST', '/api/v1/member/payment-methods', {
    paymentToken: await tokenizeCard(t.app, '5555555555554444'),
  });
  expect(saved.statusCode).toBe(201);
  const cardId: string = saved.json().id;
  const enrolled = await a('PUT', `/api/v1/member/autopay/${account.accountId}`, {
    amountRule: 'statement_balance',
    billKinds: ['medical'],
    paymentMethodId: cardId,
  });
  expect(enrolled.statusCode).toBe(200);
  return { account, a, b, cardId };
}

async function enrollmentOf(accountId: string) {
  return t.deps.db
    .selectFrom('autopay_enrollments')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
}

describe('an account two members pay for', () => {
  it('shows the other member that autopay is on, set up by someone else, without the card', async () => {
    const { account, a, b, cardId } = await sharedAccount();
    const theirs = await b('GET', '/api/v1/member/autopay');
    expect(theirs.statusCode).toBe(200);
    const view = theirs.json().accounts.find((x: { accountId: string }) => x.accountId === account.accountId);
    expect(view.enrollment).toMatchObject({ status: 'active', setUpByYou: false, method: null });
    expect(view.enrollment.bankAuthorization).toBeNull();
    expect(theirs.body).not.toContain(cardId);
    expect(theirs.body).not.toContain('4444');

    const own = (await a('GET', '/api/v1/member/autopay')).json();
    expect(own.accounts[0].enrollment).toMatchObject({
      setUpByYou: true,
      method: { id: cardId, last4: '4444' },
    });
  });

  it('does not list or remove the other member’s saved card', async () => {
    const { b, cardId } = await sharedAccount();
    const listed = await b('GET', '/api/v1/member/payment-methods');
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(cardId);
    const removed = await b('DELETE', `/api/v1/member/payment-methods/${cardId}`);
    expect(removed.statusCode).toBe(404);
    expect(removed.headers['content-type']).toContain('application/problem+json');
    const still = await t.deps.db
      .selectFrom('payment_methods')
      .select('removed_at')
      .where('id', '=', cardId)
      .executeTakeFirstOrThrow();
    expect(still.removed_at).toBeNull();
  });

  it('refuses to let the other member replace the autopay, which keeps paying from the first card', async () => {
    const { account, b, cardId } = await sharedAccount();
    const own = await b('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenizeCard(t.app),
    });
    const replaced = await b('PUT', `/api/v1/member/autopay/${account.accountId}`, {
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: own.json().id,
    });
    expect(replaced.statusCode).toBe(403);
    expect(replaced.headers['content-type']).toContain('application/problem+json');
    expect(replaced.json()).toMatchObject({ code: 'forbidden' });
    const enrollment = await enrollmentOf(account.accountId);
    expect(enrollment).toMatchObject({ status: 'active', payment_method_id: cardId, paused_reason: null });

    // The run still pays from the first member's card rather than pausing as "method removed".
    for (const day of ['2026-12-07T18:00:00Z', '2026-12-10T18:00:00Z']) {
      t.clock.set(day);
      await noticeAutopay(t.deps);
      await runDueAutopay(t.deps);
    }
    expect((await enrollmentOf(account.accountId)).paused_reason).toBeNull();
    const paid = await t.deps.db
      .selectFrom('payments')
      .select(['status', 'method_last4'])
      .where('account_id', '=', account.accountId)
      .execute();
    expect(paid).toEqual([{ status: 'succeeded', method_last4: '4444' }]);
  });

  it('refuses to let the other member turn the autopay off', async () => {
    const { account, b } = await sharedAccount();
    const stopped = await b('DELETE', `/api/v1/member/autopay/${account.accountId}`);
    expect(stopped.statusCode).toBe(403);
    expect(stopped.headers['content-type']).toContain('application/problem+json');
    expect((await enrollmentOf(account.accountId)).status).toBe('active');
  });

  it('lets the other member set up their own once the first member turns theirs off', async () => {
    const { account, a, b } = await sharedAccount();
    expect((await a('DELETE', `/api/v1/member/autopay/${account.accountId}`)).statusCode).toBe(204);
    const own = await b('POST', '/api/v1/member/payment-methods', {
      paymentToken: await tokenizeCard(t.app),
    });
    const enrolled = await b('PUT', `/api/v1/member/autopay/${account.accountId}`, {
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: own.json().id,
    });
    expect(enrolled.statusCode).toBe(200);
    expect(enrolled.json()).toMatchObject({ setUpByYou: true, method: { id: own.json().id } });
  });
});
