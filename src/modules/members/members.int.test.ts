import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  lookupMedical,
  MEMBER_PASSWORD,
  nextTestAddress,
  type PersonFixture,
  pay,
  signIn,
  tokenizeCard,
} from '../../../test/factories';
import { newId } from '../../platform/ids';
import { creditBalance } from '../ledger/ledger.service';
import { insertPosting } from '../ledger/ledger.store';
import { listWaitingRepresentments } from '../payments/bank-representment.service';
import { listRecentPayments } from '../payments/payment-history.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const PASSWORD = 'blue kettle on a quiet morning';
let seq = 0;
const uniqueEmail = (name: string) => `${name}-${process.pid}-${++seq}@example.org`;

function registration(person: PersonFixture, email: string, overrides: Record<string, unknown> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/member/registrations',
    remoteAddress: nextTestAddress(),
    payload: {
      language: 'en',
      firstName: person.firstName,
      lastName: person.lastName,
      birthDate: person.birthDate,
      regionId: person.regionId,
      medicalRecordNumber: person.medicalRecordNumber,
      email,
      password: PASSWORD,
      acceptTerms: true,
      ...overrides,
    },
  });
}

async function emailsTo(address: string) {
  return t.deps.db
    .selectFrom('outbox_emails')
    .select(['kind', 'subject', 'text_body'])
    .where('to_address', '=', address)
    .orderBy('created_at')
    .execute();
}

function tokenIn(text: string): string {
  const match = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match?.[1]) throw new Error(`no verification link in: ${text}`);
  return match[1];
}

function signInRequest(email: string, password: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/member/sessions',
    payload: { email, password },
    remoteAddress: nextTestAddress(),
  });
}

function withSession(cookie: string, csrfToken?: string, extra: Record<string, string> = {}) {
  return { cookie, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}), ...extra };
}

describe('registration', () => {
  it('registers a matching person, emails a single-use link, and allows sign-in only once confirmed', async () => {
    const account = await createMedicalAccount(t.deps);
    const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
    const email = uniqueEmail('maria');

    const res = await registration(person, email, { firstName: ' maría ', lastName: 'RIVERA' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'check_email', email });
    const [mail] = await emailsTo(email);
    expect(mail?.kind).toBe('member_verify_email');
    expect(mail?.text_body).not.toContain(person.medicalRecordNumber);
    expect(mail?.text_body).not.toContain(person.birthDate);

    const early = await signInRequest(email, PASSWORD);
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe('email_not_verified');
    expect(await emailsTo(email)).toHaveLength(2); // a fresh link with the answer

    const token = tokenIn(mail?.text_body ?? '');
    const verify = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/member/email-verifications', payload: { token } });
    expect((await verify()).statusCode).toBe(200);
    const again = await verify();
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('token_invalid');

    const session = await signIn(t.app, email, PASSWORD);
    expect(session.body).toMatchObject({ member: { firstName: 'Maria', lastName: 'Rivera', email } });
  });

  it('expires the emailed link after 24 hours', async () => {
    const person = await createPerson(t.deps);
    const email = uniqueEmail('late');
    await registration(person, email);
    const token = tokenIn((await emailsTo(email))[0]?.text_body ?? '');
    t.clock.advance({ hours: 24, seconds: 1 });
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/member/email-verifications',
        payload: { token },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('token_invalid');
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('lets an unconfirmed registration lapse after 24 hours, freeing its record number and email', async () => {
    const person = await createPerson(t.deps);
    const other = await createPerson(t.deps);
    const email = uniqueEmail('lapsed');
    await registration(person, email);
    const oldToken = tokenIn((await emailsTo(email))[0]?.text_body ?? '');
    const verify = (token: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/member/email-verifications', payload: { token } });
    // Within the day the registration holds the record number: nothing new is created.
    await registration(person, uniqueEmail('early'));
    const held = await t.deps.db
      .selectFrom('members')
      .select('email')
      .where('person_id', '=', person.personId)
      .execute();
    expect(held).toEqual([{ email }]);

    t.clock.advance({ hours: 24, seconds: 1 });
    try {
      const lapsed = await verify(oldToken);
      expect(lapsed.statusCode).toBe(400);
      expect(lapsed.json().code).toBe('token_invalid');
      expect(lapsed.json().detail).toMatch(/expired.*register again/i);
      const signInLapsed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/member/sessions',
        payload: { email, password: PASSWORD },
        remoteAddress: nextTestAddress(),
      });
      expect(signInLapsed.json().code).toBe('sign_in_failed');

      // The same record number registers again with another address, and the address with another person.
      const newEmail = uniqueEmail('again');
      expect((await registration(person, newEmail)).statusCode).toBe(202);
      expect((await registration(other, email)).statusCode).toBe(202);
      const sent = (await emailsTo(newEmail)).filter((m) => m.kind === 'member_verify_email');
      expect(sent).toHaveLength(1);
      expect((await verify(tokenIn(sent[0]?.text_body ?? ''))).statusCode).toBe(200);
      const toOld = (await emailsTo(email)).filter((m) => m.kind === 'member_verify_email');
      expect(toOld).toHaveLength(2);
      expect((await verify(tokenIn(toOld[1]?.text_body ?? ''))).statusCode).toBe(200);
      const owners = await t.deps.db
        .selectFrom('members')
        .select(['person_id', 'email'])
        .where('person_id', 'in', [person.personId, other.personId])
        .orderBy('email')
        .execute();
      expect(owners).toEqual(
        expect.arrayContaining([
          { person_id: person.personId, email: newEmail },
          { person_id: other.personId, email },
        ]),
      );
      expect(owners).toHaveLength(2);
    } finally {
      t.clock.set('2026-11-23T18:00:00Z');
    }
  });

  it('answers a mismatch, an unknown number and an existing member exactly like a success', async () => {
    const registered = await createPerson(t.deps);
    const member = await createMember(t.deps, registered);
    const other = await createPerson(t.deps);

    const cases = [
      { person: other, overrides: { birthDate: '1961-04-10' } },
      { person: other, overrides: { medicalRecordNumber: '999999999' } },
      { person: other, overrides: { regionId: 'scal' } },
      { person: registered, overrides: {} },
    ];
    for (const c of cases) {
      const email = uniqueEmail('probe');
      const res = await registration(c.person, email, c.overrides);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({ status: 'check_email', email });
      expect(await emailsTo(email)).toEqual([]);
    }
    // The member whose details were used hears about it; nobody else does.
    const told = await emailsTo(member.email);
    expect(told.map((m) => m.kind)).toEqual(['member_already_registered']);
    const people = await t.deps.db
      .selectFrom('members')
      .select('id')
      .where('person_id', '=', other.personId)
      .execute();
    expect(people).toEqual([]);
  });

  it.each([
    ['too_short', 'fourteen chars'],
    ['too_common', 'mailcreated5240'],
    ['same_as_email', 'same-as-email@example.org'],
  ])('refuses a %s password next to the field, creating nothing', async (code, password) => {
    const person = await createPerson(t.deps);
    const email = 'same-as-email@example.org';
    const res = await registration(person, email, { password });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'password', code })]);
    const rows = await t.deps.db
      .selectFrom('members')
      .select('id')
      .where('person_id', '=', person.personId)
      .execute();
    expect(rows).toEqual([]);
  });

  it('limits attempts per record number whatever the address, with the same neutral 429', async () => {
    const person = await createPerson(t.deps);
    for (let i = 0; i < 5; i++) {
      expect(
        (await registration(person, uniqueEmail('try'), { birthDate: `1970-01-0${i + 1}` })).statusCode,
      ).toBe(202);
    }
    const limited = await registration(person, uniqueEmail('try'));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('accepts a long passphrase with spaces and symbols, pasted as it is', async () => {
    const person = await createPerson(t.deps);
    const email = uniqueEmail('long');
    const res = await registration(person, email, {
      password: `${'correct horse battery staple '.repeat(3)}✓`,
    });
    expect(res.statusCode).toBe(202);
    expect(await emailsTo(email)).toHaveLength(1);
  });
});

describe('dashboard', () => {
  it('shows a guarantor their own bills and their children’s, grouped by person, and nobody else’s', async () => {
    const own = await createMedicalAccount(t.deps, { amounts: [12_000] });
    const childA = await createMedicalAccount(t.deps, { amounts: [4_500, 2_000] });
    const childB = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const stranger = await createMedicalAccount(t.deps, { amounts: [99_000] });
    const parent = await createPerson(t.deps, {
      firstName: 'Ana',
      lastName: 'Lopez',
      accountsFor: [own.accountId],
    });
    await createPerson(t.deps, {
      firstName: 'Rosa',
      lastName: 'Lopez',
      birthDate: '2015-06-01',
      accountsFor: [childA.accountId],
      responsibleFor: [],
    }).then((child) =>
      t.deps.db
        .insertInto('account_guarantors')
        .values({ account_id: childA.accountId, person_id: parent.personId })
        .execute()
        .then(() => child),
    );
    const childBPerson = await createPerson(t.deps, {
      firstName: 'Leo',
      lastName: 'Lopez',
      birthDate: '2018-02-11',
      accountsFor: [childB.accountId],
    });
    await t.deps.db
      .insertInto('account_guarantors')
      .values({ account_id: childB.accountId, person_id: parent.personId })
      .execute();
    await createPerson(t.deps, { accountsFor: [stranger.accountId] });
    const member = await createMember(t.deps, parent);
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);

    // A guest payment on a child's bill shows up in recent payments.
    const guest = await lookupMedical(t.app, childA);
    const paid = await pay(t.app, guest.sessionToken, {
      billIds: [childA.billIds[1]],
      amountCents: 2_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(paid.statusCode).toBe(201);

    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/dashboard',
      headers: withSession(s.cookie),
    });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view.totalDueCents).toBe(12_000 + 4_500 + 3_000);
    expect(view.nextDueDate).toBe('2026-12-10');
    expect(view.people.map((p: { name: string; isMember: boolean }) => [p.name, p.isMember])).toEqual([
      ['Ana Lopez', true],
      ['Leo Lopez', false],
      ['Rosa Lopez', false],
    ]);
    expect(view.people[2].bills.map((b: { id: string }) => b.id)).toEqual([childA.billIds[0]]);
    const allBillIds = view.people.flatMap((p: { bills: { id: string }[] }) => p.bills.map((b) => b.id));
    expect(allBillIds).not.toContain(stranger.billIds[0]);
    expect(view.recentPayments).toEqual([
      expect.objectContaining({ amountCents: 2_000, status: 'succeeded', paidOn: '2026-11-23' }),
    ]);
    expect(childBPerson.personId).toBe(view.people[1].personId);

    const viewed = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('actor_id', '=', member.memberId)
      .where('action', '=', 'bills.view')
      .execute();
    expect(viewed).toHaveLength(1);
  });

  it('answers what the payment, ledger and re-presentment services answer, and audits the view once', async () => {
    // Read in one statement with the audit row: the same answers as the services (6 payments, 5 shown).
    const amounts = [1_000, 1_100, 1_200, 1_300, 1_400, 1_500, 1_600];
    const own = await createMedicalAccount(t.deps, { amounts });
    const child = await createMedicalAccount(t.deps, { amounts: [2_000] });
    const person = await createPerson(t.deps, {
      accountsFor: [own.accountId],
      responsibleFor: [child.accountId],
    });
    const member = await createMember(t.deps, person);
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const guest = await lookupMedical(t.app, own);
    for (const [i, billIds] of [[0], [1], [2, 3], [4], [5], [6]].entries()) {
      t.clock.advance({ minutes: 1 });
      const paid = await pay(t.app, guest.sessionToken, {
        billIds: billIds.map((k) => own.billIds[k]),
        amountCents: billIds.reduce((sum, k) => sum + (own.amounts[k] ?? 0), 0),
        paymentToken: await tokenizeCard(t.app),
      });
      expect(paid.statusCode, `payment ${i}`).toBe(201);
    }
    await insertPosting(t.deps.db, { id: newId(), account_id: child.accountId, kind: 'adjustment' }, [
      { account_id: child.accountId, ledger_account: 'revenue', bill_id: null, amount_cents: 300 },
      { account_id: child.accountId, ledger_account: 'credit', bill_id: null, amount_cents: -300 },
    ]);

    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/member/dashboard',
      headers: withSession(s.cookie),
    });
    expect(res.statusCode).toBe(200);
    const view = res.json();
    const accountIds = [own.accountId, child.accountId];
    expect(view.recentPayments).toHaveLength(5);
    expect(view.recentPayments).toEqual(await listRecentPayments(t.deps, accountIds, 5));
    expect(view.recentPayments[3].bills.map((b: { billId: string }) => b.billId)).toEqual([
      own.billIds[2],
      own.billIds[3],
    ]);
    expect(view.bankRetries).toEqual(await listWaitingRepresentments(t.deps, accountIds));
    expect(view.creditsCents).toBe(300);
    expect(view.creditsCents).toBe(await creditBalance(t.deps.db, accountIds));
    const viewed = await t.deps.db
      .selectFrom('audit_events')
      .select(['actor_type', 'result', 'resource_type', 'resource_id', 'account_id', 'detail', 'request_id'])
      .where('actor_id', '=', member.memberId)
      .where('action', '=', 'bills.view')
      .execute();
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toEqual({
      actor_type: 'member',
      result: 'success',
      resource_type: 'dashboard',
      resource_id: null,
      account_id: null,
      detail: { bills: 8, accounts: 2 },
      request_id: expect.any(String),
    });
  });

  it('is only for a signed-in member', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/member/dashboard' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('never writes a record number or date of birth to the logs', async () => {
    const person = await createPerson(t.deps, { birthDate: '1959-09-19' });
    await registration(person, uniqueEmail('logs'));
    const logs = t.logLines.join('\n');
    expect(logs).not.toContain(person.medicalRecordNumber);
    expect(logs).not.toContain('1959-09-19');
  });
});

describe('bills and payments of a member', () => {
  async function memberWithAccount(amounts: number[]) {
    const account = await createMedicalAccount(t.deps, { amounts });
    const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
    const member = await createMember(t.deps, person);
    const session = await signIn(t.app, member.email, MEMBER_PASSWORD);
    return { account, person, member, session };
  }

  it('lists bills with filters and a cursor, and shows one with its lines and payments', async () => {
    const { account, session } = await memberWithAccount([1_000, 2_000, 3_000]);
    const list = (query: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v1/member/bills${query}`,
        headers: withSession(session.cookie),
      });

    const first = await list('?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().bills).toHaveLength(2);
    const second = await list(`?limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json().bills).toHaveLength(1);
    expect(second.json().nextCursor).toBeNull();
    const ids = [...first.json().bills, ...second.json().bills].map((b: { id: string }) => b.id);
    expect(new Set(ids)).toEqual(new Set(account.billIds));
    expect((await list('?kind=professional')).json().bills.map((b: { id: string }) => b.id)).toEqual([
      account.billIds[1],
    ]);
    expect((await list('?status=paid')).json().bills).toEqual([]);
    expect((await list('?cursor=nonsense')).statusCode).toBe(400);

    const payRes = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/payments',
      headers: withSession(session.cookie, session.csrfToken, { 'idempotency-key': crypto.randomUUID() }),
      payload: {
        billIds: [account.billIds[0], account.billIds[1]],
        amountCents: 3_000,
        paymentToken: await tokenizeCard(t.app),
      },
    });
    expect(payRes.statusCode).toBe(201);
    const payment = payRes.json();
    expect(payment.receiptEmail).toMatch(/@example.org$/);
    expect((await list('?status=paid')).json().bills).toHaveLength(2);

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/member/bills/${account.billIds[0]}`,
      headers: withSession(session.cookie),
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      balanceCents: 0,
      status: 'paid',
      maskedAccountNumber: `••••${account.accountNumber.slice(-4)}`,
      payments: [{ paymentId: payment.id, amountCents: 1_000, method: { brand: 'visa', last4: '4242' } }],
    });
    expect(detail.json().lines.length).toBeGreaterThan(0);
    const billPdf = await t.app.inject({
      method: 'GET',
      url: `/api/v1/member/bills/${account.billIds[0]}/bill.pdf?locale=es`,
      headers: withSession(session.cookie),
    });
    expect(billPdf.statusCode).toBe(200);
    expect(billPdf.headers['content-type']).toBe('application/pdf');
    expect(billPdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/member/payments/${payment.id}`,
      headers: withSession(session.cookie),
    });
    expect(view.json()).toMatchObject({ id: payment.id, status: 'succeeded', amountCents: 3_000 });
    const receipt = await t.app.inject({
      method: 'GET',
      url: `/api/v1/member/payments/${payment.id}/receipt.pdf`,
      headers: withSession(session.cookie),
    });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('pays only with the CSRF token, and one person’s bills at a time', async () => {
    const parent = await memberWithAccount([5_000]);
    const child = await createMedicalAccount(t.deps, { amounts: [2_500] });
    await createPerson(t.deps, {
      firstName: 'Rosa',
      birthDate: '2016-01-01',
      accountsFor: [child.accountId],
    });
    await t.deps.db
      .insertInto('account_guarantors')
      .values({ account_id: child.accountId, person_id: parent.person.personId })
      .execute();
    const body = {
      billIds: [parent.account.billIds[0], child.billIds[0]],
      amountCents: 7_500,
      paymentToken: await tokenizeCard(t.app),
    };
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/payments',
      headers: withSession(parent.session.cookie, undefined, { 'idempotency-key': crypto.randomUUID() }),
      payload: body,
    });
    expect(noCsrf.statusCode).toBe(403);
    const mixed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/payments',
      headers: withSession(parent.session.cookie, parent.session.csrfToken, {
        'idempotency-key': crypto.randomUUID(),
      }),
      payload: body,
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().errors[0]).toMatchObject({ field: 'billIds', code: 'several_accounts' });
    const childOnly = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/payments',
      headers: withSession(parent.session.cookie, parent.session.csrfToken, {
        'idempotency-key': crypto.randomUUID(),
      }),
      payload: { ...body, billIds: [child.billIds[0]], amountCents: 2_500 },
    });
    expect(childOnly.statusCode).toBe(201);
  });
});

describe('profile', () => {
  it('changes language, mailing address and mobile number, refusing a number that is not one', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const patch = (payload: object) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/member/profile',
        headers: withSession(s.cookie, s.csrfToken),
        payload,
      });
    const res = await patch({
      preferredLanguage: 'es',
      mailingAddress: { line1: '12 Oak St', city: 'Oakland', state: 'ca', postalCode: '94612' },
      mobileNumber: '(510) 555-0123',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      preferredLanguage: 'es',
      mailingAddress: { line1: '12 Oak St', line2: null, city: 'Oakland', state: 'CA', postalCode: '94612' },
      mobile: { number: '+15105550123', verified: false },
    });
    const bad = await patch({ mobileNumber: '555' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'mobileNumber' });
    expect(
      (await patch({ mailingAddress: { line1: 'x', city: 'y', state: 'Cal', postalCode: '1' } })).statusCode,
    ).toBe(400);
  });

  it('changes the email address only when the link sent to the new one is used, and tells the old one', async () => {
    const person = await createPerson(t.deps);
    const member = await createMember(t.deps, person);
    const s = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const newEmail = uniqueEmail('new');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/profile/email',
      headers: withSession(s.cookie, s.csrfToken),
      payload: { email: newEmail },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ email: member.email, pendingEmail: newEmail });
    const token = tokenIn((await emailsTo(newEmail))[0]?.text_body ?? '');
    const verified = await t.app.inject({
      method: 'POST',
      url: '/api/v1/member/email-verifications',
      payload: { token },
    });
    expect(verified.statusCode).toBe(200);
    expect((await emailsTo(member.email)).map((m) => m.kind)).toEqual(['member_email_changed']);
    expect((await signInRequest(newEmail, MEMBER_PASSWORD)).statusCode).toBe(201);
    expect((await signInRequest(member.email, MEMBER_PASSWORD)).statusCode).toBe(401);
  });
});
