import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  signIn,
  tokenizeBank,
  tokenizeCard,
} from '../../../test/factories';
import { checkIntegrity } from '../integrity/integrity.service';
import { noticeAutopay } from './autopay-notices.service';
import { runDueAutopay } from './autopay-run.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});
const START = '2026-11-23T18:00:00Z';
afterEach(() => {
  t.clock.set(START);
  t.sandbox.faults = {};
});

/** 10 am Pacific (ncal) on a December day: after the 5 am run time. */
const december = (day: number) => `2026-12-${String(day).padStart(2, '0')}T18:00:00Z`;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A member responsible for one account with bills of $50 and $30, due 10 and 11 December. */
async function memberWithBills(opts: { amounts?: number[]; regionId?: string } = {}) {
  const account = await createMedicalAccount(t.deps, {
    amounts: opts.amounts ?? [5_000, 3_000],
    regionId: opts.regionId,
  });
  const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
  const member = await createMember(t.deps, person);
  let session = await signIn(t.app, member.email, MEMBER_PASSWORD);
  const call = (method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method,
      url,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
        'idempotency-key': randomUUID(),
        ...headers,
      },
      ...(payload ? { payload } : {}),
    });
  return {
    account,
    member,
    call,
    signInAgain: async () => {
      session = await signIn(t.app, member.email, MEMBER_PASSWORD);
    },
    saveMethod: async (token: string) => {
      const res = await call('POST', '/api/v1/member/payment-methods', { paymentToken: token });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    },
    enroll: (body: object) => call('PUT', `/api/v1/member/autopay/${account.accountId}`, body),
    items: async () => {
      await (async () => {})();
      return (await call('GET', '/api/v1/member/autopay/items')).json().items as {
        id: string;
        status: string;
        chargeOn: string;
        nextTryOn: string | null;
        amountCents: number;
        tries: number;
        declineCode: string | null;
      }[];
    },
  };
}

async function paymentsOn(accountId: string) {
  return t.deps.db
    .selectFrom('payments')
    .select(['status', 'amount_cents', 'channel'])
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

async function emailsTo(address: string, kind?: string) {
  let q = t.deps.db
    .selectFrom('outbox_emails')
    .select(['kind', 'subject', 'text_body'])
    .where('to_address', '=', address);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('created_at').execute();
}

/** The worker's two autopay steps, as a worker pass runs them. */
async function workerPass() {
  await noticeAutopay(t.deps);
  await runDueAutopay(t.deps);
}

describe('enrolling', () => {
  it('shows where autopay is available, and refuses a region where it is not with its explanation', async () => {
    const ncal = await memberWithBills();
    const overview = (await ncal.call('GET', '/api/v1/member/autopay')).json();
    expect(overview.accounts).toEqual([
      expect.objectContaining({
        accountId: ncal.account.accountId,
        accountKind: 'medical',
        availability: { status: 'available', explanation: null, url: null },
        enrollment: null,
      }),
    ]);

    const colorado = await memberWithBills({ regionId: 'colorado' });
    const card = await colorado.saveMethod(await tokenizeCard(t.app));
    const refused = await colorado.enroll({
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: card,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'autopay_unavailable',
      detail: expect.stringContaining('not yet available in Colorado'),
    });
    expect(
      (await colorado.call('GET', '/api/v1/member/autopay')).json().accounts[0].availability.status,
    ).toBe('unavailable');
  });

  it('records a bank account’s recurring debit authorization and how to revoke it; stopping revokes it', async () => {
    const m = await memberWithBills();
    const bank = await m.saveMethod(await tokenizeBank(t.app));
    const body = {
      amountRule: 'statement_balance',
      daysBeforeDue: 2,
      billKinds: ['medical'],
      paymentMethodId: bank,
    };
    const noAuth = await m.enroll(body);
    expect(noAuth.statusCode).toBe(400);
    expect(noAuth.json().errors[0]).toMatchObject({ field: 'bankAuthorization', code: 'required' });

    // The one-time debit authorization does not authorize recurring debits.
    const oneTime = t.deps.config.organization.payments.achAuthorizationVersion;
    const wrongWords = await m.enroll({
      ...body,
      bankAuthorization: { accepted: true, textVersion: oneTime },
    });
    expect(wrongWords.statusCode).toBe(400);
    expect(wrongWords.json().errors[0]).toMatchObject({
      field: 'bankAuthorization',
      code: 'outdated_version',
    });
    const version = t.deps.config.organization.payments.achRecurringAuthorizationVersion;
    const res = await m.enroll({ ...body, bankAuthorization: { accepted: true, textVersion: version } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'active',
      daysBeforeDue: 2,
      method: { kind: 'bank' },
      bankAuthorization: {
        textVersion: version,
        acceptedAt: START,
        howToRevoke: expect.stringContaining('Turn automatic payments off'),
      },
    });
    const [enrolled] = await emailsTo(m.member.email, 'autopay_enrolled');
    expect(enrolled?.text_body).toContain(`authorization version ${version}`);
    expect(enrolled?.text_body).toContain('revoke');
    const inSpanish = await m.call('GET', '/api/v1/member/autopay', undefined, { 'accept-language': 'es' });
    expect(inSpanish.json().accounts[0].enrollment.bankAuthorization.howToRevoke).toContain(
      'Desactive los pagos automáticos aquí',
    );

    const stop = await m.call('DELETE', `/api/v1/member/autopay/${m.account.accountId}`);
    expect(stop.statusCode).toBe(204);
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'detail'])
      .where('account_id', '=', m.account.accountId)
      .where('action', 'like', 'autopay.%')
      .orderBy('at')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['autopay.enroll', 'autopay.stop']);
    expect(audit[1]?.detail).toMatchObject({ revokedAuthorization: { textVersion: version } });
    expect((await m.call('GET', '/api/v1/member/autopay')).json().accounts[0].enrollment).toBeNull();
  });

  it('debits a bank account under the recurring authorization the member gave, not the one-time words', async () => {
    const m = await memberWithBills({ amounts: [5_000] });
    const bank = await m.saveMethod(await tokenizeBank(t.app));
    const version = t.deps.config.organization.payments.achRecurringAuthorizationVersion;
    expect(version).not.toBe(t.deps.config.organization.payments.achAuthorizationVersion);
    const res = await m.enroll({
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: bank,
      bankAuthorization: { accepted: true, textVersion: version },
    });
    expect(res.statusCode).toBe(200);
    t.clock.set(december(7));
    await workerPass();
    t.clock.set(december(10));
    await workerPass();
    await m.signInAgain();
    expect((await m.items())[0]).toMatchObject({ status: 'paid', tries: 1 });
    const payment = await t.deps.db
      .selectFrom('payments')
      .select(['status', 'method_type', 'bank_authorization'])
      .where('account_id', '=', m.account.accountId)
      .executeTakeFirstOrThrow();
    expect(payment).toMatchObject({
      status: 'succeeded',
      method_type: 'bank',
      bank_authorization: { textVersion: version, acceptedAt: START },
    });
  });
});

describe('notices and charges', () => {
  it('tells the member 3 days ahead, once, then charges each bill on its due date with a receipt', async () => {
    const m = await memberWithBills();
    const card = await m.saveMethod(await tokenizeCard(t.app));
    expect(
      (await m.enroll({ amountRule: 'statement_balance', billKinds: ['medical'], paymentMethodId: card }))
        .statusCode,
    ).toBe(200);

    await workerPass();
    expect(await m.items()).toEqual([]);

    t.clock.set(december(7));
    await Promise.all([workerPass(), workerPass(), workerPass()]);
    await m.signInAgain();
    expect(await m.items()).toEqual([
      expect.objectContaining({ status: 'noticed', chargeOn: '2026-12-10', amountCents: 5_000 }),
    ]);
    const notices = await emailsTo(m.member.email, 'autopay_notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.subject).toBe('Your automatic payment of $50.00 is on December 10, 2026');
    expect(notices[0]?.text_body).toContain('to your Visa ending 4242 for bill');

    // The worker runs all day: the $30 bill's notice goes out on the 8th.
    t.clock.set(december(8));
    await workerPass();
    expect(await emailsTo(m.member.email, 'autopay_notice')).toHaveLength(2);
    t.clock.set('2026-12-10T12:59:00Z'); // 4:59 am Pacific: not yet
    await workerPass();
    expect(await paymentsOn(m.account.accountId)).toEqual([]);
    t.clock.set('2026-12-10T13:00:00Z');
    await Promise.all([runDueAutopay(t.deps, 5), runDueAutopay(t.deps, 5), runDueAutopay(t.deps, 5)]);
    expect(await paymentsOn(m.account.accountId)).toEqual([
      { status: 'succeeded', amount_cents: 5_000, channel: 'autopay' },
    ]);
    t.clock.set(december(11));
    await workerPass();
    await m.signInAgain();
    const items = await m.items();
    expect(items.map((i) => [i.chargeOn, i.status])).toEqual(
      expect.arrayContaining([
        ['2026-12-10', 'paid'],
        ['2026-12-11', 'paid'],
      ]),
    );
    expect((await paymentsOn(m.account.accountId)).map((p) => p.amount_cents)).toEqual([5_000, 3_000]);
    expect(await emailsTo(m.member.email, 'payment_receipt')).toHaveLength(2);
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });

  it('does not charge a bill paid some other way after the notice', async () => {
    const m = await memberWithBills({ amounts: [5_000] });
    const card = await m.saveMethod(await tokenizeCard(t.app));
    await m.enroll({ amountRule: 'statement_balance', billKinds: ['medical'], paymentMethodId: card });
    t.clock.set(december(7));
    await workerPass();
    await m.signInAgain();
    const paid = await m.call('POST', '/api/v1/member/payments', {
      billIds: m.account.billIds,
      amountCents: 5_000,
      paymentMethodId: card,
    });
    expect(paid.statusCode).toBe(201);
    t.clock.set(december(10));
    await workerPass();
    await m.signInAgain();
    expect((await m.items())[0]).toMatchObject({ status: 'skipped', declineCode: 'nothing_owed' });
    expect(await paymentsOn(m.account.accountId)).toHaveLength(1);
  });

  it('asks before charging more than the member’s limit, and charges once approved', async () => {
    const m = await memberWithBills({ amounts: [5_000] });
    const card = await m.saveMethod(await tokenizeCard(t.app));
    await m.enroll({
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: card,
      maxChargeCents: 4_000,
    });
    t.clock.set(december(7));
    await workerPass();
    const [notice] = await emailsTo(m.member.email, 'autopay_notice');
    expect(notice?.subject).toBe('Approve your automatic payment of $50.00');
    t.clock.set(december(10));
    await workerPass();
    expect(await paymentsOn(m.account.accountId)).toEqual([]);
    await m.signInAgain();
    const [item] = await m.items();
    expect(item?.status).toBe('needs_approval');
    const approve = await m.call('POST', `/api/v1/member/autopay/items/${item?.id}/approval`);
    expect(approve.statusCode).toBe(200);
    expect((await m.call('POST', `/api/v1/member/autopay/items/${item?.id}/approval`)).statusCode).toBe(409);
    await workerPass();
    expect(await paymentsOn(m.account.accountId)).toEqual([
      expect.objectContaining({ status: 'succeeded', amount_cents: 5_000 }),
    ]);
  });

  it('retries a soft decline at most 3 times in 7 days, then pauses autopay and tells the member', async () => {
    const m = await memberWithBills();
    // Saves, then every charge is declined (card_declined: a soft decline).
    const card = await m.saveMethod(await tokenizeCard(t.app, '4000000000000341'));
    await m.enroll({ amountRule: 'statement_balance', billKinds: ['medical'], paymentMethodId: card });
    t.clock.set(december(7));
    await workerPass();
    t.clock.set(december(10));
    await workerPass();
    await m.signInAgain();
    expect((await m.items()).find((i) => i.chargeOn === '2026-12-10')).toMatchObject({
      status: 'retrying',
      tries: 1,
      nextTryOn: '2026-12-13',
      declineCode: 'card_declined',
    });
    const [failed] = await emailsTo(m.member.email, 'autopay_failed');
    expect(failed?.text_body).toContain('We will try again on December 13, 2026');
    expect(failed?.text_body).toMatch(/Fix the payment method and pay now: http.*\/account/);

    for (const day of [11, 12, 13, 14, 15, 16, 17, 18]) {
      t.clock.set(december(day));
      await workerPass();
    }
    // The $50 bill: tried 10, 13 and 16 December; then no more.
    const attempts = await paymentsOn(m.account.accountId);
    expect(attempts.every((p) => p.status === 'failed')).toBe(true);
    await m.signInAgain();
    const overview = (await m.call('GET', '/api/v1/member/autopay')).json();
    expect(overview.accounts[0].enrollment).toMatchObject({
      status: 'paused',
      pausedReason: 'repeated_failure',
    });
    const paused = await emailsTo(m.member.email, 'autopay_paused');
    expect(paused).toHaveLength(1);
    expect(paused[0]?.text_body).toContain('They are not cancelled');
    const first = (await m.items()).find((i) => i.chargeOn === '2026-12-10');
    expect(first).toMatchObject({ status: 'failed', tries: 3 });
    // Paused: nothing more is tried or noticed.
    const count = (await paymentsOn(m.account.accountId)).length;
    t.clock.set(december(28));
    await workerPass();
    expect(await paymentsOn(m.account.accountId)).toHaveLength(count);

    // Changing the method turns it back on.
    await m.signInAgain();
    const good = await m.saveMethod(await tokenizeCard(t.app));
    const resumed = await m.enroll({
      amountRule: 'statement_balance',
      billKinds: ['medical'],
      paymentMethodId: good,
    });
    expect(resumed.json()).toMatchObject({ status: 'active', pausedReason: null });
  });

  it('never retries a hard decline: autopay pauses after the first', async () => {
    const m = await memberWithBills({ amounts: [5_000] });
    const card = await m.saveMethod(await tokenizeCard(t.app, '4000000000000069'));
    await m.enroll({ amountRule: 'statement_balance', billKinds: ['medical'], paymentMethodId: card });
    t.clock.set(december(7));
    await workerPass();
    t.clock.set(december(10));
    await workerPass();
    t.clock.set(december(13));
    await workerPass();
    expect(await paymentsOn(m.account.accountId)).toEqual([expect.objectContaining({ status: 'failed' })]);
    await m.signInAgain();
    expect((await m.items())[0]).toMatchObject({ status: 'failed', tries: 1, declineCode: 'expired_card' });
    expect((await m.call('GET', '/api/v1/member/autopay')).json().accounts[0].enrollment).toMatchObject({
      status: 'paused',
      pausedReason: 'hard_decline',
    });
  });

  it('pays a fixed amount monthly toward the balance, telling the member first, and texts a confirmed mobile', async () => {
    const m = await memberWithBills({ amounts: [50_000] });
    const card = await m.saveMethod(await tokenizeCard(t.app));
    await t.deps.db
      .updateTable('members')
      .set({ mobile_number: '+14155550142', mobile_verified_at: new Date(START) })
      .where('id', '=', m.member.memberId)
      .execute();
    const res = await m.enroll({
      amountRule: 'fixed',
      fixedAmountCents: 10_000,
      dayOfMonth: 31,
      billKinds: ['medical'],
      paymentMethodId: card,
      notifyByText: true,
    });
    expect(res.statusCode).toBe(200);
    expect(
      (await m.enroll({ amountRule: 'fixed', billKinds: ['medical'], paymentMethodId: card })).json().errors,
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'fixedAmountCents' }),
        expect.objectContaining({ field: 'dayOfMonth' }),
      ]),
    );
    // The failed change left the enrollment as it was; its first month is November (day 30 there),
    // told on the 27th.
    await workerPass();
    expect(await emailsTo(m.member.email, 'autopay_notice')).toEqual([]);
    t.clock.set('2026-11-27T18:00:00Z');
    await workerPass();
    await m.signInAgain();
    expect(await m.items()).toEqual([
      expect.objectContaining({ status: 'noticed', chargeOn: '2026-11-30', amountCents: 10_000 }),
    ]);
    const texts = await t.deps.db
      .selectFrom('outbox_texts')
      .select('body')
      .where('to_number', '=', '+14155550142')
      .execute();
    expect(texts).toHaveLength(1);
    expect(texts[0]?.body).toMatch(/an automatic payment is set for November 30, 2026/);
    t.clock.set('2026-11-30T18:00:00Z');
    await workerPass();
    expect(await paymentsOn(m.account.accountId)).toEqual([
      expect.objectContaining({ status: 'succeeded', amount_cents: 10_000 }),
    ]);
  });

  it('charges a claim of many members together; one that cannot be paid gets its usual outcome', async () => {
    const payers = await Promise.all([1, 2, 3].map(() => memberWithBills({ amounts: [5_000] })));
    const decliner = await memberWithBills({ amounts: [5_000] });
    const paidElsewhere = await memberWithBills({ amounts: [5_000] });
    const enroll = async (m: Awaited<ReturnType<typeof memberWithBills>>, card?: string) => {
      const method = await m.saveMethod(await tokenizeCard(t.app, card));
      const res = await m.enroll({
        amountRule: 'statement_balance',
        billKinds: ['medical'],
        paymentMethodId: method,
      });
      expect(res.statusCode).toBe(200);
      return method;
    };
    for (const m of payers) await enroll(m);
    await enroll(decliner, '4000000000000341');
    const method = await enroll(paidElsewhere);
    t.clock.set(december(7));
    await noticeAutopay(t.deps);
    await paidElsewhere.signInAgain();
    const paid = await paidElsewhere.call('POST', '/api/v1/member/payments', {
      billIds: paidElsewhere.account.billIds,
      amountCents: 5_000,
      paymentMethodId: method,
    });
    expect(paid.statusCode).toBe(201);

    t.clock.set(december(10));
    const counts = await runDueAutopay(t.deps, 50);
    expect(counts).toMatchObject({ paid: 3, declined: 1, skipped: 1 });
    for (const m of payers) {
      await m.signInAgain();
      expect((await m.items())[0]).toMatchObject({ status: 'paid', tries: 1 });
      expect(await paymentsOn(m.account.accountId)).toEqual([
        { status: 'succeeded', amount_cents: 5_000, channel: 'autopay' },
      ]);
      expect(await emailsTo(m.member.email, 'payment_receipt')).toHaveLength(1);
      const audit = await t.deps.db
        .selectFrom('audit_events')
        .select(['result', 'detail'])
        .where('account_id', '=', m.account.accountId)
        .where('action', '=', 'autopay.charge')
        .execute();
      expect(audit).toEqual([
        { result: 'success', detail: { outcome: 'paid', paymentId: expect.any(String) } },
      ]);
    }
    await decliner.signInAgain();
    expect((await decliner.items())[0]).toMatchObject({
      status: 'retrying',
      declineCode: 'card_declined',
      nextTryOn: '2026-12-13',
    });
    expect(await emailsTo(decliner.member.email, 'autopay_failed')).toHaveLength(1);
    await paidElsewhere.signInAgain();
    expect((await paidElsewhere.items())[0]).toMatchObject({
      status: 'skipped',
      declineCode: 'nothing_owed',
    });
    expect(await paymentsOn(paidElsewhere.account.accountId)).toHaveLength(1);
    expect((await checkIntegrity(t.deps)).violations).toEqual([]);
  });

  it('records a payment whose worker died before noting it as paid, without finding nothing owed or charging again', async () => {
    const m = await memberWithBills({ amounts: [5_000] });
    const card = await m.saveMethod(await tokenizeCard(t.app));
    await m.enroll({ amountRule: 'statement_balance', billKinds: ['medical'], paymentMethodId: card });
    t.clock.set(december(7));
    await workerPass();
    t.clock.set(december(10));
    await workerPass();
    // As if the worker died after the payment and before writing its outcome on the item.
    await t.deps.db
      .updateTable('autopay_items')
      .set({ status: 'processing', payment_id: null, tries: 0, locked_until: new Date(december(10)) })
      .where('account_id', '=', m.account.accountId)
      .execute();
    t.clock.set('2026-12-10T18:00:01Z');
    await workerPass();
    await m.signInAgain();
    expect((await m.items())[0]).toMatchObject({ status: 'paid', tries: 1 });
    expect(await paymentsOn(m.account.accountId)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  });
});
