import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noticeAutopay } from '../src/modules/autopay/autopay-notices.service';
import { buildTestApp, type TestApp } from './app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  signIn,
  tokenizeCard,
} from './factories';

/**
 * Every member route in the OpenAPI document, called by member A with member B's resources in its
 * path (and body), answers 404 — the same as for a resource that does not exist — and no list shows
 * B's bills or payments to A.
 */
let t: TestApp;
let a: { cookie: string; csrfToken: string };
let b: { cookie: string; csrfToken: string };
let bBillId: string;
let bPaymentId: string;
let bMethodId: string;
let bScheduledId: string;
let bAccountId: string;
let bAutopayItemId: string;

beforeAll(async () => {
  t = await buildTestApp();
  const member = async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [4_000, 6_000] });
    const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
    const m = await createMember(t.deps, person);
    return { account, session: await signIn(t.app, m.email, MEMBER_PASSWORD) };
  };
  const memberA = await member();
  const memberB = await member();
  a = memberA.session;
  b = memberB.session;
  bBillId = memberB.account.billIds[0] ?? '';
  const paid = await t.app.inject({
    method: 'POST',
    url: '/api/v1/member/payments',
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrfToken, 'idempotency-key': randomUUID() },
    payload: { billIds: [bBillId], amountCents: 4_000, paymentToken: await tokenizeCard(t.app) },
  });
  expect(paid.statusCode).toBe(201);
  bPaymentId = paid.json().id;
  const saved = await t.app.inject({
    method: 'POST',
    url: '/api/v1/member/payment-methods',
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrfToken },
    payload: { paymentToken: await tokenizeCard(t.app) },
  });
  expect(saved.statusCode).toBe(201);
  bMethodId = saved.json().id;
  // Its own saved method: the walk below removes bMethodId as its owner.
  const forSchedule = await t.app.inject({
    method: 'POST',
    url: '/api/v1/member/payment-methods',
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrfToken },
    payload: { paymentToken: await tokenizeCard(t.app) },
  });
  const scheduled = await t.app.inject({
    method: 'POST',
    url: '/api/v1/member/scheduled-payments',
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrfToken, 'idempotency-key': randomUUID() },
    payload: {
      billIds: [memberB.account.billIds[1]],
      amountCents: 6_000,
      paymentMethodId: forSchedule.json().id,
      payOn: '2026-12-01',
    },
  });
  expect(scheduled.statusCode).toBe(201);
  bScheduledId = scheduled.json().id;
  // Autopay 15 days before the 10 December due date: its notice is due now, above B's limit.
  bAccountId = memberB.account.accountId;
  const enrolled = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/member/autopay/${bAccountId}`,
    headers: { cookie: b.cookie, 'x-csrf-token': b.csrfToken },
    payload: autopayBody(forSchedule.json().id),
  });
  expect(enrolled.statusCode).toBe(200);
  await noticeAutopay(t.deps);
  const items = await t.app.inject({
    method: 'GET',
    url: '/api/v1/member/autopay/items',
    headers: { cookie: b.cookie },
  });
  bAutopayItemId = items.json().items[0].id;
  forScheduleMethodId = forSchedule.json().id;
});

let forScheduleMethodId: string;
function autopayBody(paymentMethodId: string) {
  return {
    amountRule: 'statement_balance',
    daysBeforeDue: 15,
    maxChargeCents: 100,
    billKinds: ['medical'],
    paymentMethodId,
  };
}

type Ids = {
  bill: string;
  payment: string;
  method: string;
  scheduled: string;
  account: string;
  autopayItem: string;
};

function fill(path: string, ids: Ids): string {
  return path
    .replace('{billId}', ids.bill)
    .replace('{paymentId}', ids.payment)
    .replace('{methodId}', ids.method)
    .replace('{scheduledPaymentId}', ids.scheduled)
    .replace('{accountId}', ids.account)
    .replace('{itemId}', ids.autopayItem);
}

/** A body each PATCH or PUT would accept from the owner, so only ownership decides the answer. */
function bodyFor(op: { method: string; path: string }): { payload?: object } {
  if (op.method === 'PUT' && op.path.includes('/autopay/'))
    return { payload: autopayBody(forScheduleMethodId) };
  if (op.method !== 'PATCH') return {};
  return { payload: op.path.includes('scheduled-payments') ? { amountCents: 6_000 } : {} };
}

/** Approvals first (changing autopay cancels what waits for approval), removals last. */
const ORDER: Record<string, number> = { POST: 0, GET: 1, PATCH: 2, PUT: 2, DELETE: 3 };
afterAll(async () => {
  await t.close();
});

interface Operation {
  method: string;
  path: string;
}

async function memberOperations(): Promise<Operation[]> {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/member/'))
    .flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
}

function headersFor(session: { cookie: string; csrfToken: string }) {
  return { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'idempotency-key': randomUUID() };
}

describe('member authorization', () => {
  it('answers 404 to member A for every route that names one of member B’s resources', async () => {
    const operations = await memberOperations();
    const withResource = operations
      .filter((o) => /\{(billId|paymentId|methodId|scheduledPaymentId|accountId|itemId)\}/.test(o.path))
      .sort((x, y) => (ORDER[x.method] ?? 1) - (ORDER[y.method] ?? 1));
    expect(withResource.length).toBeGreaterThanOrEqual(12);
    const theirs = {
      bill: bBillId,
      payment: bPaymentId,
      method: bMethodId,
      scheduled: bScheduledId,
      account: bAccountId,
      autopayItem: bAutopayItemId,
    };
    for (const op of withResource) {
      const url = fill(op.path, theirs);
      const payload = bodyFor(op);
      const other = await t.app.inject({
        method: op.method as 'GET',
        url,
        headers: headersFor(a),
        ...payload,
      });
      expect(other.statusCode, `${op.method} ${op.path} as another member`).toBe(404);
      const missing = await t.app.inject({
        method: op.method as 'GET',
        url: fill(op.path, {
          bill: randomUUID(),
          payment: randomUUID(),
          method: randomUUID(),
          scheduled: randomUUID(),
          account: randomUUID(),
          autopayItem: randomUUID(),
        }),
        headers: headersFor(a),
        ...payload,
      });
      expect(other.json(), `${op.method} ${op.path}: same answer as a missing resource`).toEqual({
        ...missing.json(),
        instance: other.json().instance,
      });
      // Last, so that removing B's method does not make A's 404 trivially true.
      const own = await t.app.inject({ method: op.method as 'GET', url, headers: headersFor(b), ...payload });
      expect(own.statusCode, `${op.method} ${op.path} as the owner`).toBeLessThan(300);
    }
  });

  it('answers 404 to member A paying member B’s bill, and charges nothing', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/payments',
      headers: headersFor(a),
      payload: { billIds: [bBillId], amountCents: 100, paymentToken: await tokenizeCard(t.app) },
    });
    expect(res.statusCode).toBe(404);
  });

  it('never lists member B’s bills or payments to member A', async () => {
    const operations = await memberOperations();
    const lists = operations.filter((o) => o.method === 'GET' && !o.path.includes('{'));
    expect(lists.map((o) => o.path)).toEqual(
      expect.arrayContaining(['/api/v1/member/bills', '/api/v1/member/dashboard']),
    );
    for (const op of lists) {
      const res = await t.app.inject({ method: 'GET', url: op.path, headers: headersFor(a) });
      expect(res.statusCode, op.path).toBe(200);
      expect(res.body, op.path).not.toContain(bBillId);
      expect(res.body, op.path).not.toContain(bPaymentId);
      expect(res.body, op.path).not.toContain(bMethodId);
      expect(res.body, op.path).not.toContain(bScheduledId);
      expect(res.body, op.path).not.toContain(bAccountId);
      expect(res.body, op.path).not.toContain(bAutopayItemId);
    }
  });

  it('answers every member route without a session with 401 (or 400 for a malformed body), never data', async () => {
    const open = new Set([
      'POST /api/v1/member/registrations',
      'POST /api/v1/member/email-verifications',
      'POST /api/v1/member/sessions',
      'POST /api/v1/member/password-resets',
      'POST /api/v1/member/password-resets/complete',
    ]);
    for (const op of await memberOperations()) {
      if (open.has(`${op.method} ${op.path}`)) continue;
      const url = fill(op.path, {
        bill: bBillId,
        payment: bPaymentId,
        method: bMethodId,
        scheduled: bScheduledId,
        account: bAccountId,
        autopayItem: bAutopayItemId,
      });
      const hasBody =
        (op.method === 'POST' || op.method === 'PATCH' || op.method === 'PUT') &&
        !op.path.endsWith('/refresh');
      const res = await t.app.inject({
        method: op.method as 'GET',
        url,
        ...(hasBody ? { payload: {} } : {}),
      });
      // A body is validated before the session is looked at; without one the answer is 401.
      expect(hasBody ? [400, 401] : [401], `${op.method} ${op.path}`).toContain(res.statusCode);
    }
  });
});
