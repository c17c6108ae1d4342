import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  createMedicalAccount,
  createPremiumAccount,
  type MedicalAccountFixture,
  type PremiumAccountFixture,
  pay,
  tokenizeCard,
} from '../../../test/factories';
import type { GuestSessionView } from './guest.schema';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

// Every lookup counts against a per-IP limit, so each call gets its own address unless a test
// is about that limit.
let ipSeq = 0;
function nextIp(): string {
  ipSeq++;
  return `198.51.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}`;
}

function lookup(payload: Record<string, unknown>, ip = nextIp()) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/guest/lookups',
    remoteAddress: ip,
    payload,
  });
}

function medicalBody(a: MedicalAccountFixture, overrides: Record<string, unknown> = {}) {
  return {
    regionId: a.regionId,
    kind: 'medical',
    accountNumber: a.accountNumber,
    postalCode: a.postalCode,
    ...overrides,
  };
}

function premiumBody(p: PremiumAccountFixture, overrides: Record<string, unknown> = {}) {
  return {
    regionId: p.regionId,
    kind: 'premium',
    accountNumber: p.accountNumber,
    invoiceNumber: p.invoiceNumber,
    lastName: p.lastName,
    ...overrides,
  };
}

async function openSession(a: MedicalAccountFixture): Promise<GuestSessionView> {
  const res = await lookup(medicalBody(a));
  expect(res.statusCode).toBe(201);
  return res.json();
}

function getBills(token: string | null, authorization?: string) {
  return t.app.inject({
    method: 'GET',
    url: '/api/v1/guest/bills',
    headers: authorization ? { authorization } : token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** An account number that passes the check digit but belongs to no one. */
function unknownAccountNumber(): string {
  return `3${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('medical lookup', () => {
  it('returns only that account’s open bills with line items, masked and expiring', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [12_000, 4_550] });
    // Same ZIP, other account: its bills must never show up.
    const neighbour = await createMedicalAccount(t.deps, { amounts: [9_900] });

    const res = await lookup(medicalBody(account));
    expect(res.statusCode).toBe(201);
    const session: GuestSessionView = res.json();
    expect(session.sessionToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(session.account).toEqual({
      kind: 'medical',
      regionId: 'ncal',
      maskedAccountNumber: `••••${account.accountNumber.slice(-4)}`,
      holderName: 'M. Rivera',
    });
    expect(res.body).not.toContain(account.accountNumber);
    const expected = t.clock.now().add({ minutes: t.deps.config.guestSessionMinutes });
    expect(Temporal.Instant.from(session.expiresAt).epochMilliseconds).toBe(expected.epochMilliseconds);

    expect(session.bills.map((b) => b.id)).toEqual(account.billIds);
    expect(session.bills.map((b) => b.id)).not.toContain(neighbour.billIds[0]);
    expect(session.bills[0]).toMatchObject({
      number: account.billNumbers[0],
      kind: 'hospital',
      status: 'open',
      amountCents: 12_000,
      balanceCents: 12_000,
      paymentInProgress: false,
      lines: [
        {
          description: 'Office visit',
          chargeCents: 22_000,
          insurancePaidCents: 6_000,
          adjustmentCents: 4_000,
          youOweCents: 12_000,
        },
      ],
    });
    expect(session.bills[1]).toMatchObject({ kind: 'professional', balanceCents: 4_550 });

    // Pay the first bill in full: a new lookup shows only the bill still open.
    const paid = await pay(t.app, session.sessionToken, {
      billIds: [account.billIds[0]],
      amountCents: 12_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(paid.statusCode).toBe(201);
    const again = await lookup(medicalBody(account));
    expect(again.statusCode).toBe(201);
    expect(again.json().bills.map((b: { id: string }) => b.id)).toEqual([account.billIds[1]]);
  });

  it.each([
    ['ZIP+4', (a: MedicalAccountFixture) => medicalBody(a, { postalCode: `${a.postalCode}-1234` })],
    [
      'account number with spaces',
      (a: MedicalAccountFixture) =>
        medicalBody(a, { accountNumber: `${a.accountNumber.slice(0, 3)} ${a.accountNumber.slice(3)}` }),
    ],
    [
      'account number with dashes',
      (a: MedicalAccountFixture) =>
        medicalBody(a, {
          accountNumber: `${a.accountNumber.slice(0, 4)}-${a.accountNumber.slice(4, 7)}-${a.accountNumber.slice(7)}`,
        }),
    ],
    [
      'surrounding whitespace',
      (a: MedicalAccountFixture) =>
        medicalBody(a, { accountNumber: `  ${a.accountNumber} `, postalCode: ` ${a.postalCode} ` }),
    ],
  ])('accepts the %s', async (_label, body) => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const res = await lookup(body(account));
    expect(res.statusCode).toBe(201);
    expect(res.json().bills.map((b: { id: string }) => b.id)).toEqual(account.billIds);
  });
});

describe('premium lookup', () => {
  it.each(['Núñez', 'NUNEZ', 'nunez', ' núñez ', 'NÚÑEZ'])(
    'matches the last name written %j',
    async (lastName) => {
      const premium = await createPremiumAccount(t.deps, { amount: 45_000 });
      const res = await lookup(premiumBody(premium, { lastName }));
      expect(res.statusCode).toBe(201);
      const session: GuestSessionView = res.json();
      expect(session.account).toEqual({
        kind: 'premium',
        regionId: 'midatlantic',
        maskedAccountNumber: `••••${premium.accountNumber.slice(-4)}`,
        holderName: 'J. Núñez',
      });
      expect(session.bills).toHaveLength(1);
      expect(session.bills[0]).toMatchObject({
        id: premium.billId,
        kind: 'premium',
        number: premium.invoiceNumber,
        balanceCents: 45_000,
        coverageStart: '2026-12-01',
      });
    },
  );
});

describe('enumeration safety', () => {
  it('answers every mismatch with the same 404 body', async () => {
    const medical = await createMedicalAccount(t.deps, { amounts: [5_000] });
    const premium = await createPremiumAccount(t.deps);
    const otherPremium = await createPremiumAccount(t.deps);

    const cases: [string, Record<string, unknown>][] = [
      ['unknown medical account', medicalBody(medical, { accountNumber: unknownAccountNumber() })],
      ['wrong ZIP', medicalBody(medical, { postalCode: '94613' })],
      ['malformed ZIP', medicalBody(medical, { postalCode: 'ABCDE' })],
      ['other region', medicalBody(medical, { regionId: 'scal' })],
      ['unknown region', medicalBody(medical, { regionId: 'atlantis' })],
      [
        'medical account looked up as premium',
        premiumBody(premium, { accountNumber: medical.accountNumber }),
      ],
      ['unknown premium account', premiumBody(premium, { accountNumber: unknownAccountNumber() })],
      ['wrong invoice', premiumBody(premium, { invoiceNumber: '7000000000' })],
      ['wrong last name', premiumBody(premium, { lastName: 'Rivera' })],
      ['invoice of another account', premiumBody(premium, { invoiceNumber: otherPremium.invoiceNumber })],
      ['premium in the wrong region', premiumBody(premium, { regionId: 'ncal' })],
    ];
    const bodies: Record<string, unknown>[] = [];
    for (const [label, body] of cases) {
      const res = await lookup(body);
      expect(res.statusCode, label).toBe(404);
      expect(res.headers['content-type'], label).toBe('application/problem+json; charset=utf-8');
      const { instance: _instance, ...problem } = res.json();
      expect(problem.code, label).toBe('bill_not_found');
      bodies.push(problem);
    }
    for (const body of bodies) expect(body).toEqual(bodies[0]);
    expect(bodies[0]).toEqual({
      type: 'https://settle.dev/problems/bill-not-found',
      title: 'We could not find a bill with those details',
      status: 404,
      code: 'bill_not_found',
      detail: expect.any(String),
    });

    // The real numbers still work: the mismatches above were refused for being wrong, not by a limit.
    expect((await lookup(medicalBody(medical))).statusCode).toBe(201);
    expect((await lookup(premiumBody(premium))).statusCode).toBe(201);
  });

  it('takes about as long for an unknown account as for a wrong ZIP', async () => {
    // This guards against an obvious early return (e.g. skipping the audit write or the ZIP check
    // when the account does not exist), not against a precise timing side channel: inject on an
    // in-process database is far too noisy for that, so the bound is deliberately generous.
    const accounts: MedicalAccountFixture[] = [];
    for (let i = 0; i < 20; i++) accounts.push(await createMedicalAccount(t.deps, { amounts: [1_000] }));

    const time = async (body: Record<string, unknown>) => {
      const started = performance.now();
      const res = await lookup(body);
      const elapsed = performance.now() - started;
      expect(res.statusCode).toBe(404);
      return elapsed;
    };
    // Warm up both paths (JIT, query plans) before measuring.
    for (let i = 0; i < 3; i++) {
      await time(medicalBody(accounts[i]!, { accountNumber: unknownAccountNumber() }));
    }
    const unknown: number[] = [];
    const wrongZip: number[] = [];
    for (const account of accounts) {
      // Interleaved, so drift in machine load affects both samples alike.
      unknown.push(await time(medicalBody(account, { accountNumber: unknownAccountNumber() })));
      wrongZip.push(await time(medicalBody(account, { postalCode: '10001' })));
    }
    const a = median(unknown);
    const b = median(wrongZip);
    expect(Math.max(a, b) / Math.min(a, b)).toBeLessThan(3);
  });
});

describe('rate limits', () => {
  it('limits one address to 20 lookups in 10 minutes, then lets it in again', async () => {
    const ip = '203.0.113.77';
    const account = await createMedicalAccount(t.deps, { amounts: [2_000] });
    for (let i = 0; i < 20; i++) {
      const res = await lookup(medicalBody(account, { accountNumber: unknownAccountNumber() }), ip);
      expect(res.statusCode).toBe(404);
    }
    const limited = await lookup(medicalBody(account), ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);

    // Another address is not affected.
    expect((await lookup(medicalBody(account))).statusCode).toBe(201);

    t.clock.advance({ minutes: 10 });
    const after = await lookup(medicalBody(account), ip);
    expect(after.statusCode).toBe(201);
  });

  it('limits one account number to 8 lookups in 10 minutes from any address', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [2_000] });
    for (let i = 0; i < 8; i++) {
      // Right and wrong ZIPs alike count against the account.
      const res = await lookup(i % 2 ? medicalBody(account) : medicalBody(account, { postalCode: '10001' }));
      expect(res.statusCode).toBe(i % 2 ? 201 : 404);
    }
    // Written differently, it is still the same account number.
    const spaced = `${account.accountNumber.slice(0, 5)} ${account.accountNumber.slice(5)}`;
    const limited = await lookup(medicalBody(account, { accountNumber: spaced }));
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    // Other accounts are unaffected.
    const other = await createMedicalAccount(t.deps, { amounts: [2_000] });
    expect((await lookup(medicalBody(other))).statusCode).toBe(201);

    t.clock.advance({ minutes: 10 });
    expect((await lookup(medicalBody(account))).statusCode).toBe(201);
  });
});

describe('validation', () => {
  const base = { regionId: 'ncal', kind: 'medical', accountNumber: '1234567890', postalCode: '94612' };
  const premiumBase = {
    regionId: 'midatlantic',
    kind: 'premium',
    accountNumber: '2234567890',
    invoiceNumber: '7234567890',
    lastName: 'Núñez',
  };
  it.each([
    ['missing postalCode', { ...base, postalCode: undefined }, 'postalCode'],
    ['missing accountNumber', { ...base, accountNumber: undefined }, 'accountNumber'],
    ['missing regionId', { ...base, regionId: undefined }, 'regionId'],
    ['blank postalCode', { ...base, postalCode: '   ' }, 'postalCode'],
    ['numeric accountNumber', { ...base, accountNumber: 1234567890 }, 'accountNumber'],
    ['overlong accountNumber', { ...base, accountNumber: '1'.repeat(33) }, 'accountNumber'],
    ['missing kind', { ...base, kind: undefined }, 'kind'],
    ['unknown kind', { ...base, kind: 'dental' }, 'kind'],
    ['premium without lastName', { ...premiumBase, lastName: undefined }, 'lastName'],
    ['premium without invoiceNumber', { ...premiumBase, invoiceNumber: undefined }, 'invoiceNumber'],
  ])('%s → 400 naming the field', async (_label, payload, field) => {
    const res = await lookup(payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const problem = res.json();
    expect(problem).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('rejects a body that is not an object', async () => {
    const res = await lookup({});
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
    expect(res.json().errors.length).toBeGreaterThan(0);
  });
});

describe('guest session', () => {
  it('is required, must be known and ends when it expires', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const session = await openSession(account);

    const ok = await getBills(session.sessionToken);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      expiresAt: Temporal.Instant.from(session.expiresAt).toString({ fractionalSecondDigits: 3 }),
      account: session.account,
    });
    expect(ok.json().bills.map((b: { id: string }) => b.id)).toEqual(account.billIds);

    for (const res of [
      await getBills(null),
      await getBills(null, `Bearer ${'A'.repeat(43)}`),
      await getBills(null, 'Bearer x'),
      await getBills(null, `Basic ${session.sessionToken}`),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    }

    const idle = t.deps.config.guestSessionMinutes;
    t.clock.advance({ minutes: idle - 1 });
    expect((await getBills(session.sessionToken)).statusCode).toBe(200);
    // That activity moved the expiry: idle minutes from now, not from the lookup.
    t.clock.advance({ minutes: idle - 1 });
    expect((await getBills(session.sessionToken)).statusCode).toBe(200);
    t.clock.advance({ minutes: idle, seconds: 1 });
    const expired = await getBills(session.sessionToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('unauthenticated');
  });

  it('stays alive with activity for at most an hour', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const session = await openSession(account);
    const bills = () =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/guest/bills',
        headers: { authorization: `Bearer ${session.sessionToken}` },
      });
    for (let minute = 5; minute < 60; minute += 5) {
      t.clock.advance({ minutes: 5 });
      const res = await bills();
      expect(res.statusCode).toBe(200);
      expect(Date.parse(res.json().expiresAt)).toBeLessThanOrEqual(
        t.clock.now().epochMilliseconds + (60 - minute) * 60_000,
      );
    }
    t.clock.advance({ minutes: 5, seconds: 1 });
    expect((await bills()).statusCode).toBe(401);
  });

  it('ends on DELETE /api/v1/guest/session', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const session = await openSession(account);
    const other = await openSession(account);

    const end = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/guest/session',
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(end.statusCode).toBe(204);
    expect(end.body).toBe('');
    expect((await getBills(session.sessionToken)).statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/guest/session',
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(again.statusCode).toBe(401);
    // Only that session ended.
    expect((await getBills(other.sessionToken)).statusCode).toBe(200);
  });

  it('cannot see a payment of another account', async () => {
    const mine = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const theirs = await createMedicalAccount(t.deps, { amounts: [3_000] });
    const mySession = await openSession(mine);
    const theirSession = await openSession(theirs);
    const paid = await pay(t.app, theirSession.sessionToken, {
      billIds: theirs.billIds,
      amountCents: 3_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(paid.statusCode).toBe(201);
    const paymentId: string = paid.json().id;

    const view = (token: string, url = `/api/v1/guest/payments/${paymentId}`) =>
      t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect((await view(theirSession.sessionToken)).statusCode).toBe(200);

    const denied = await view(mySession.sessionToken);
    expect(denied.statusCode).toBe(404);
    expect(denied.json()).toMatchObject({ status: 404, code: 'not_found' });
    // Indistinguishable from a payment that does not exist.
    const missing = await view(mySession.sessionToken, `/api/v1/guest/payments/${randomUUID()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe(denied.json().code);
    const receipt = await view(mySession.sessionToken, `/api/v1/guest/payments/${paymentId}/receipt.pdf`);
    expect(receipt.statusCode).toBe(404);
  });
});
