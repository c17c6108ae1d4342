import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app';
import { SandboxProcessor } from './sandbox';
import { TEST_ROUTING_NUMBER, testBankAccounts, testCards } from './test-numbers';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

interface FieldError {
  field: string;
  code: string;
  message: string;
}

function tokenize(payload: unknown) {
  return t.app.inject({ method: 'POST', url: '/sandbox/v1/tokens', payload: payload as object });
}

function card(number: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'card',
    card: { number, expMonth: 12, expYear: 2030, cvc: number.length === 15 ? '1234' : '123', ...overrides },
  };
}

function bank(overrides: Record<string, unknown> = {}) {
  return {
    type: 'bank',
    bank: {
      routingNumber: TEST_ROUTING_NUMBER,
      accountNumber: '000123456789',
      accountType: 'checking',
      holderName: 'José Núñez',
      ...overrides,
    },
  };
}

async function expectFieldError(payload: unknown, field: string, code?: string): Promise<FieldError[]> {
  const res = await tokenize(payload);
  expect(res.statusCode).toBe(400);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const problem = res.json();
  expect(problem).toMatchObject({ status: 400, code: 'validation_failed' });
  const errors: FieldError[] = problem.errors;
  expect(errors.map((e) => e.field)).toContain(field);
  if (code) expect(errors.find((e) => e.field === field)?.code).toBe(code);
  return errors;
}

describe('card tokenization', () => {
  it.each(Object.entries(testCards))(
    'tokenizes %s as %o without echoing the number',
    async (number, test) => {
      const res = await tokenize(card(number));
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body.token).toMatch(/^tok_[A-Za-z0-9_-]{16}$/);
      expect(body.method).toEqual({
        kind: 'card',
        brand: test.brand,
        last4: number.slice(-4),
        expMonth: 12,
        expYear: 2030,
      });
      expect(res.body).not.toContain(number);
      expect(res.body).not.toContain(number.slice(0, 8));

      const row = await t.deps.db
        .selectFrom('sandbox_tokens')
        .selectAll()
        .where('id', '=', body.token)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ kind: 'card', brand: test.brand, last4: number.slice(-4), used: false });
      expect(JSON.stringify(row)).not.toContain(number);
      expect(await t.deps.processor.retrievePaymentMethod(body.token)).toEqual(body.method);
    },
  );

  it('accepts a number typed with spaces or dashes', async () => {
    for (const typed of ['4242 4242 4242 4242', '4242-4242-4242-4242']) {
      const res = await tokenize(card(typed));
      expect(res.statusCode).toBe(201);
      expect(res.json().method).toMatchObject({ brand: 'visa', last4: '4242' });
    }
  });

  it('gives each tokenization its own single-use token', async () => {
    const a = (await tokenize(card('4242424242424242'))).json().token;
    const b = (await tokenize(card('4242424242424242'))).json().token;
    expect(a).not.toBe(b);
  });

  it.each([
    ['a number failing the Luhn check', card('4242424242424241'), 'card.number', 'invalid_number'],
    ['a number too short', card('42424242'), 'card.number', undefined],
    ['letters in the number', card('4242abcd42424242'), 'card.number', undefined],
    ['a valid card that is not a test number', card('4111111111111111'), 'card.number', 'not_a_test_number'],
    [
      'a valid Mastercard that is not a test number',
      card('5105105105105100'),
      'card.number',
      'not_a_test_number',
    ],
    ['an expiry last year', card('4242424242424242', { expYear: 2025 }), 'card.expiry', 'invalid_expiry'],
    // The test clock is November 2026.
    [
      'an expiry last month',
      card('4242424242424242', { expMonth: 10, expYear: 2026 }),
      'card.expiry',
      'invalid_expiry',
    ],
    ['an expiry too far ahead', card('4242424242424242', { expYear: 2060 }), 'card.expiry', 'invalid_expiry'],
    ['a 4-digit CVC on a Visa', card('4242424242424242', { cvc: '1234' }), 'card.cvc', 'invalid_cvc'],
    ['a 2-digit CVC', card('4242424242424242', { cvc: '12' }), 'card.cvc', 'invalid_cvc'],
    ['letters in the CVC', card('4242424242424242', { cvc: '12a' }), 'card.cvc', 'invalid_cvc'],
    ['a 3-digit CVC on an Amex', card('378282246310005', { cvc: '123' }), 'card.cvc', 'invalid_cvc'],
    ['an expiry month of 13', card('4242424242424242', { expMonth: 13 }), 'card.expMonth', undefined],
  ])('refuses %s', async (_label, payload, field, code) => {
    await expectFieldError(payload, field, code);
  });

  it('accepts this month as an expiry', async () => {
    const res = await tokenize(card('4242424242424242', { expMonth: 11, expYear: 2026 }));
    expect(res.statusCode).toBe(201);
  });

  it('reports every bad field at once and never echoes the number', async () => {
    const res = await tokenize(card('4111111111111111', { expYear: 2025, cvc: '1' }));
    expect(res.statusCode).toBe(400);
    expect(
      res
        .json()
        .errors.map((e: FieldError) => e.field)
        .sort(),
    ).toEqual(['card.cvc', 'card.expiry', 'card.number']);
    expect(res.body).not.toContain('4111111111111111');
  });
});

describe('bank tokenization', () => {
  it.each(Object.keys(testBankAccounts))('tokenizes test account %s to its last 4', async (accountNumber) => {
    const res = await tokenize(bank({ accountNumber, accountType: 'savings' }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.token).toMatch(/^btok_/);
    expect(body.method).toEqual({
      kind: 'bank',
      last4: accountNumber.slice(-4),
      accountType: 'savings',
      holderName: 'José Núñez',
    });
    expect(res.body).not.toContain(accountNumber);
    const row = await t.deps.db
      .selectFrom('sandbox_tokens')
      .selectAll()
      .where('id', '=', body.token)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(accountNumber);
  });

  it.each([
    ['a routing number failing the ABA checksum', bank({ routingNumber: '123456789' }), 'bank.routingNumber'],
    ['a routing number with a bad prefix', bank({ routingNumber: '990000003' }), 'bank.routingNumber'],
    ['an 8-digit routing number', bank({ routingNumber: '11000000' }), 'bank.routingNumber'],
    [
      'an account number that is not a test number',
      bank({ accountNumber: '000999999999' }),
      'bank.accountNumber',
    ],
    ['a test account at another routing number', bank({ routingNumber: '021000021' }), 'bank.accountNumber'],
    ['a 3-digit account number', bank({ accountNumber: '123' }), 'bank.accountNumber'],
    ['a blank holder name', bank({ holderName: '  ' }), 'bank.holderName'],
    ['an unknown account type', bank({ accountType: 'brokerage' }), 'bank.accountType'],
  ])('refuses %s', async (_label, payload, field) => {
    await expectFieldError(payload, field);
  });
});

describe('live mode', () => {
  const live = () => new SandboxProcessor(t.deps.db, t.clock, { mode: 'live' });
  const today = { year: 2026, month: 11 };

  it.each(Object.keys(testCards))('refuses test card %s', async (number) => {
    const result = await live().tokenizeCard(
      { number, expMonth: 12, expYear: 2030, cvc: number.length === 15 ? '1234' : '123' },
      today,
    );
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'number', code: 'test_number_in_live_mode' })],
    });
  });

  it.each(Object.keys(testBankAccounts))('refuses test bank account %s', async (accountNumber) => {
    const result = await live().tokenizeBank({
      routingNumber: TEST_ROUTING_NUMBER,
      accountNumber,
      accountType: 'checking',
      holderName: 'José Núñez',
    });
    expect(result).toEqual({
      ok: false,
      errors: [expect.objectContaining({ field: 'accountNumber', code: 'test_number_in_live_mode' })],
    });
  });

  it('stores no token for a refused number', async () => {
    const before = await t.deps.db
      .selectFrom('sandbox_tokens')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    await live().tokenizeCard({ number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' }, today);
    await live().tokenizeBank({
      routingNumber: TEST_ROUTING_NUMBER,
      accountNumber: '000123456789',
      accountType: 'checking',
      holderName: 'José Núñez',
    });
    const after = await t.deps.db
      .selectFrom('sandbox_tokens')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('charge idempotency', () => {
  async function cardToken(number = '4242424242424242'): Promise<string> {
    const res = await tokenize(card(number));
    expect(res.statusCode).toBe(201);
    return res.json().token;
  }

  async function chargeRows(idempotencyKey: string) {
    return t.deps.db
      .selectFrom('sandbox_charges')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .execute();
  }

  it('concurrent charges with one idempotency key make one charge with one id', async () => {
    const token = await cardToken();
    const request = {
      idempotencyKey: randomUUID(),
      token,
      amountCents: 12_345,
      currency: 'USD',
      description: 'test charge',
    };
    const outcomes = await Promise.all([
      t.sandbox.charge(request),
      t.sandbox.charge(request),
      t.sandbox.charge(request),
      t.sandbox.charge(request),
    ]);
    const rows = await chargeRows(request.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'succeeded', amount_cents: 12_345, token_id: token });
    for (const outcome of outcomes) expect(outcome).toEqual({ status: 'succeeded', chargeId: rows[0]!.id });
    expect(await t.sandbox.findCharge(request.idempotencyKey)).toEqual(outcomes[0]);
    // The token was used by that charge.
    expect(await t.sandbox.retrievePaymentMethod(token)).toBeNull();

    // A later retry with the same key answers the same charge again.
    expect(await t.sandbox.charge(request)).toEqual(outcomes[0]);
    expect(await chargeRows(request.idempotencyKey)).toHaveLength(1);
  });

  it('concurrent charges of a declining card record one decline', async () => {
    const token = await cardToken('4000000000009995');
    const request = {
      idempotencyKey: randomUUID(),
      token,
      amountCents: 5_000,
      currency: 'USD',
      description: 'test decline',
    };
    const [a, b] = await Promise.all([t.sandbox.charge(request), t.sandbox.charge(request)]);
    const rows = await chargeRows(request.idempotencyKey);
    expect(rows).toHaveLength(1);
    expect(a).toEqual(b);
    expect(a).toMatchObject({
      status: 'failed',
      chargeId: rows[0]!.id,
      code: 'insufficient_funds',
      retryable: true,
    });
    // A declined card's token stays usable for another try.
    expect(await t.sandbox.retrievePaymentMethod(token)).not.toBeNull();
  });

  it('charges many at once as it charges one: each key once, earlier keys answered again, unknown tokens unknown', async () => {
    const request = (token: string, amountCents = 1_000) => ({
      idempotencyKey: randomUUID(),
      token,
      amountCents,
      currency: 'USD',
      description: 'batch',
    });
    const paid = request(await cardToken());
    const declined = request(await cardToken('4000000000000002'));
    const earlier = request(await cardToken(), 2_500);
    const first = await t.sandbox.charge(earlier);
    const unknown = request('tok_nobody_has_this');
    const outcomes = await t.sandbox.chargeMany([paid, declined, earlier, unknown]);
    expect(outcomes[0]).toMatchObject({ status: 'succeeded' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', code: 'card_declined', retryable: false });
    expect(outcomes[2]).toEqual(first);
    expect(outcomes[3]).toBeNull();
    for (const r of [paid, declined, earlier]) expect(await chargeRows(r.idempotencyKey)).toHaveLength(1);
    expect(await chargeRows(unknown.idempotencyKey)).toHaveLength(0);
    // Asked again (an answer that was lost), the same outcomes come back and nothing is charged twice.
    expect(await t.sandbox.chargeMany([paid, declined])).toEqual(outcomes.slice(0, 2));
    expect(await chargeRows(paid.idempotencyKey)).toHaveLength(1);
  });

  it('loses a whole batch’s answers, or refuses it before charging, when its fault switches say so', async () => {
    const r = {
      idempotencyKey: randomUUID(),
      token: await cardToken(),
      amountCents: 700,
      currency: 'USD',
      description: 'x',
    };
    t.sandbox.faults = { unavailable: true };
    await expect(t.sandbox.chargeMany([r])).rejects.toThrow(/unavailable/);
    expect(await chargeRows(r.idempotencyKey)).toHaveLength(0);
    t.sandbox.faults = { timeoutAfterSuccess: true };
    await expect(t.sandbox.chargeMany([r])).rejects.toThrow(/timed out/);
    t.sandbox.faults = {};
    expect(await chargeRows(r.idempotencyKey)).toHaveLength(1);
    expect(await t.sandbox.findCharge(r.idempotencyKey)).toMatchObject({ status: 'succeeded' });
  });

  it('different keys on one token are different charges', async () => {
    const token = await cardToken('4000000000000002');
    const base = { token, amountCents: 1_000, currency: 'USD', description: 'x' };
    const a = await t.sandbox.charge({ ...base, idempotencyKey: randomUUID() });
    const b = await t.sandbox.charge({ ...base, idempotencyKey: randomUUID() });
    expect(a.chargeId).not.toBe(b.chargeId);
  });
});

describe('refunds', () => {
  async function chargeOf(payload: unknown, amountCents = 10_000): Promise<string> {
    const tokenized = await tokenize(payload);
    expect(tokenized.statusCode).toBe(201);
    const outcome = await t.sandbox.charge({
      idempotencyKey: randomUUID(),
      token: tokenized.json().token,
      amountCents,
      currency: 'USD',
      description: 'to refund',
    });
    if (!outcome.chargeId) throw new Error('no charge');
    return outcome.chargeId;
  }

  const ask = (chargeId: string, amountCents: number, idempotencyKey: string = randomUUID()) => ({
    idempotencyKey,
    chargeId,
    amountCents,
    currency: 'USD',
    reason: 'requested_by_customer' as const,
  });

  async function refundRows(idempotencyKey: string) {
    return t.deps.db
      .selectFrom('sandbox_refunds')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .execute();
  }

  it('refunds a card at once, answers a key again from its record, and never beyond the charge', async () => {
    const chargeId = await chargeOf(card('4242424242424242'));
    const first = ask(chargeId, 4_000);
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => t.sandbox.refund(first)));
    const rows = await refundRows(first.idempotencyKey);
    expect(rows).toHaveLength(1);
    for (const o of outcomes) expect(o).toEqual({ status: 'succeeded', refundId: rows[0]!.id });
    expect(await t.sandbox.findRefund({ idempotencyKey: first.idempotencyKey, chargeId })).toEqual(
      outcomes[0],
    );

    expect(await t.sandbox.refund(ask(chargeId, 6_001))).toMatchObject({
      status: 'failed',
      code: 'amount_too_large',
    });
    // Racing for the 6,000 left: two of three get it.
    const raced = await Promise.all([1, 2, 3].map(() => t.sandbox.refund(ask(chargeId, 3_000))));
    expect(raced.filter((o) => o.status === 'succeeded')).toHaveLength(2);
    expect(raced.filter((o) => o.status === 'failed')).toEqual([
      expect.objectContaining({ code: 'amount_too_large' }),
    ]);
    expect(await t.sandbox.refund(ask(chargeId, 1))).toMatchObject({
      status: 'failed',
      code: 'amount_too_large',
    });
    expect(await t.sandbox.findRefund({ idempotencyKey: randomUUID(), chargeId })).toBeNull();
  });

  it('refuses an unknown or declined charge', async () => {
    expect(await t.sandbox.refund(ask('ch_nobody_has_this', 100))).toMatchObject({
      status: 'failed',
      code: 'charge_not_refundable',
    });
    const declined = await chargeOf(card('4000000000000002'));
    expect(await t.sandbox.refund(ask(declined, 100))).toMatchObject({
      status: 'failed',
      code: 'charge_not_refundable',
    });
  });

  it('honours the fault switches as a charge does', async () => {
    const chargeId = await chargeOf(card('4242424242424242'));
    const r = ask(chargeId, 500);
    t.sandbox.faults = { unavailable: true };
    await expect(t.sandbox.refund(r)).rejects.toThrow(/unavailable/);
    expect(await refundRows(r.idempotencyKey)).toHaveLength(0);
    t.sandbox.faults = { timeoutAfterSuccess: true };
    await expect(t.sandbox.refund(r)).rejects.toThrow(/timed out/);
    t.sandbox.faults = { latencyMs: 50 };
    const started = Date.now();
    expect(await t.sandbox.refund(r)).toMatchObject({ status: 'succeeded' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    t.sandbox.faults = {};
    expect(await refundRows(r.idempotencyKey)).toHaveLength(1);
  });

  it('refunds a bank debit only once it settled, as an ACH credit that completes after the delay', async () => {
    const start = t.clock.now().toString();
    try {
      const chargeId = await chargeOf(bank(), 8_000);
      expect(await t.sandbox.refund(ask(chargeId, 8_000))).toMatchObject({
        status: 'failed',
        code: 'charge_not_refundable',
      });
      t.clock.advance({ minutes: 2 });
      const r = ask(chargeId, 8_000);
      const pending = await t.sandbox.refund(r);
      expect(pending).toMatchObject({ status: 'pending' });
      expect(await t.sandbox.findRefund({ idempotencyKey: r.idempotencyKey, chargeId })).toEqual(pending);
      t.clock.advance({ minutes: 2 });
      expect(await t.sandbox.findRefund({ idempotencyKey: r.idempotencyKey, chargeId })).toEqual({
        ...pending,
        status: 'succeeded',
      });
      const returned = await chargeOf(bank({ accountNumber: '000111111113' }), 1_000);
      t.clock.advance({ minutes: 2 });
      expect(await t.sandbox.refund(ask(returned, 1_000))).toMatchObject({
        status: 'failed',
        code: 'charge_not_refundable',
      });
    } finally {
      t.clock.set(start);
    }
  });
});
