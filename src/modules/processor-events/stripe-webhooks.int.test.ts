import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, lookupMedical, pay } from '../../../test/factories';
import { type StripeFake, startStripeFake } from '../../../test/stripe-fake/stripe-fake';
import { StripeProcessor } from '../../platform/processors/stripe/stripe-processor';
import { applyProcessorEvents } from './processor-events.service';

/**
 * `/webhooks/stripe`: signatures made with the SDK's own test-header helper; a good one stores the
 * event once, anything else is a 400 that stores nothing; the worker sorts what came in.
 */
const SECRET = 'whsec_SettleInbox000000000000000';
const stripe = {
  secretKey: 'sk_test_51SettleInbox000000000000',
  publishableKey: 'pk_test_51SettleInbox000000000000',
  webhookSecret: SECRET,
  mode: 'test' as const,
};

let t: TestApp;
let fake: StripeFake;
let browser: Stripe;
let seq = 0;

beforeAll(async () => {
  fake = await startStripeFake();
  const at = { host: fake.host, port: fake.port, protocol: 'http' as const };
  browser = new Stripe(stripe.publishableKey, { ...at, maxNetworkRetries: 0, telemetry: false });
  t = await buildTestApp({
    config: { processor: 'stripe', stripe },
    processor: new StripeProcessor({
      secretKey: stripe.secretKey,
      ...at,
      maxNetworkRetries: 0,
      timeoutMs: 5_000,
    }),
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

function nowSeconds(): number {
  return Math.floor(t.clock.now().epochMilliseconds / 1000);
}

function event(
  type = 'customer.created',
  object: Record<string, unknown> = { object: 'customer', id: 'cus_1' },
) {
  seq++;
  return {
    id: `evt_test_${seq}_${crypto.randomUUID().slice(0, 8)}`,
    object: 'event',
    type,
    created: nowSeconds() - 5,
    livemode: false,
    api_version: '2025-01-27.acacia',
    data: { object },
  };
}

function signed(payload: string, opts: { secret?: string; timestamp?: number } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: opts.secret ?? SECRET,
    timestamp: opts.timestamp ?? nowSeconds(),
  });
}

function send(payload: string | Buffer, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    payload,
  });
}

async function stored(id?: string) {
  let q = t.deps.db.selectFrom('processor_events').selectAll();
  if (id) q = q.where('id', '=', id);
  return q.execute();
}

async function count(): Promise<number> {
  return (await stored()).length;
}

describe('POST /webhooks/stripe', () => {
  it('stores a signed event once; the same event again answers 200 and stores nothing new', async () => {
    const e = event();
    const body = JSON.stringify(e);
    const res = await send(body, { 'stripe-signature': signed(body) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });
    expect(await stored(e.id)).toEqual([
      expect.objectContaining({
        id: e.id,
        processor: 'stripe',
        type: 'customer.created',
        created: new Date(e.created * 1000),
        status: 'received',
        attempts: 0,
        payload: e,
      }),
    ]);

    // Stripe sends again until it hears 2xx; a replay (even newly signed) changes nothing.
    t.clock.advance({ seconds: 30 });
    const again = await send(body, { 'stripe-signature': signed(body) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    const rows = await stored(e.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.received_at).toEqual(new Date(t.clock.now().epochMilliseconds - 30_000));
  });

  it('refuses a wrong secret, a stale timestamp, a missing or malformed header, and stores nothing', async () => {
    const before = await count();
    const body = JSON.stringify(event());
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'stripe-signature': signed(body, { secret: 'whsec_SomeoneElse0000000000000' }) }, /No signature/],
      [{ 'stripe-signature': signed(body, { timestamp: nowSeconds() - 301 }) }, /more than 300 seconds old/],
      [{}, /missing/],
      [{ 'stripe-signature': 'nonsense' }, /not of the form/],
      [{ 'stripe-signature': signed(JSON.stringify(event())) }, /No signature/],
    ];
    for (const [headers, detail] of cases) {
      const res = await send(body, headers);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        code: 'webhook_signature_invalid',
        detail: expect.stringMatching(detail),
        errors: [expect.objectContaining({ field: 'Stripe-Signature' })],
      });
    }
    // Just inside the tolerance is fine.
    const fresh = await send(body, { 'stripe-signature': signed(body, { timestamp: nowSeconds() - 299 }) });
    expect(fresh.statusCode).toBe(200);
    expect(await count()).toBe(before + 1);
    expect(t.logLines.join('\n')).not.toContain(SECRET);
  });

  it('refuses a signed body that is not JSON or not an event (400, nothing stored)', async () => {
    const before = await count();
    for (const body of [
      '{"id": "evt_x", ',
      'not json',
      '[]',
      '{"id":"evt_1"}',
      '{"id":"evt_2","type":"x","created":"now","data":{"object":{}}}',
    ]) {
      const res = await send(body, { 'stripe-signature': signed(body) });
      expect(res.statusCode, body).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
    const nul = JSON.stringify({ ...event(), data: { object: { name: 'a\u0000b' } } });
    const res = await send(nul, { 'stripe-signature': signed(nul) });
    expect(res.statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('never answers 500 to junk, and a body over the limit is refused', async () => {
    const before = await count();
    const junk: { payload: string | Buffer; headers: Record<string, string> }[] = [
      { payload: '', headers: {} },
      { payload: '', headers: { 'stripe-signature': signed('') } },
      { payload: Buffer.from([0xff, 0xfe, 0x00, 0x01]), headers: { 'stripe-signature': 't=1,v1=00' } },
      { payload: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { payload: '<xml/>', headers: { 'content-type': 'text/xml', 'stripe-signature': 't=abc,v1=' } },
      { payload: '{}', headers: { 'stripe-signature': 'v1=deadbeef' } },
      { payload: '{}', headers: { 'stripe-signature': `t=${'9'.repeat(400)},v1=ab` } },
      { payload: 'x'.repeat(1024 * 1024 + 1), headers: { 'stripe-signature': 't=1,v1=ab' } },
    ];
    for (const { payload, headers } of junk) {
      const res = await send(payload, headers);
      expect(res.statusCode, `${res.statusCode} ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(await count()).toBe(before);
  });

  it('is left out of the OpenAPI document, and an API key or a session cookie stands for no signature', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths)).not.toContain('/webhooks/stripe');
    const key = await createApiKey(t.deps, { scopes: ['payments:read'] });
    const body = JSON.stringify(event());
    for (const headers of [key.headers, { cookie: 'settle_session=x' }]) {
      const res = await send(body, headers);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('webhook_signature_invalid');
    }
  });

  it('is not mounted with the sandbox as the processor', async () => {
    const sandboxApp = await buildTestApp();
    try {
      const body = JSON.stringify(event());
      const res = await sandboxApp.app.inject({
        method: 'POST',
        url: '/webhooks/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': signed(body) },
        payload: body,
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await sandboxApp.close();
    }
  });
});

describe('the worker’s pass over the inbox', () => {
  async function receive(e: ReturnType<typeof event>) {
    const body = JSON.stringify(e);
    const res = await send(body, { 'stripe-signature': signed(body) });
    expect(res.statusCode).toBe(200);
    return e.id;
  }

  it('marks a type Settle does not act on ignored, exactly once across two concurrent passes', async () => {
    await applyProcessorEvents(t.deps); // what the tests above left
    const id = await receive(event('customer.updated'));
    const [a, b] = await Promise.all([applyProcessorEvents(t.deps), applyProcessorEvents(t.deps)]);
    expect(a.ignored + b.ignored).toBe(1);
    expect(await stored(id)).toEqual([
      expect.objectContaining({
        status: 'ignored',
        attempts: 1,
        applied_at: null,
        error: 'Settle does not act on customer.updated events',
      }),
    ]);
    expect(await applyProcessorEvents(t.deps)).toEqual({ ignored: 0, unknownPayment: 0, waiting: 0 });
  });

  it('keeps an event about an unknown payment, reports it by id and type (never the payload), and looks again later', async () => {
    const id = await receive(
      event('payment_intent.succeeded', {
        object: 'payment_intent',
        id: 'pi_unknown_0001',
        amount: 4_321,
        metadata: { note: 'Private Payer Name' },
      }),
    );
    expect(await applyProcessorEvents(t.deps)).toMatchObject({ unknownPayment: 1, ignored: 0 });
    const [row] = await stored(id);
    expect(row).toMatchObject({ status: 'received', attempts: 1, error: 'No Settle payment for this event' });
    const logs = t.logLines.filter((l) => l.includes(id));
    expect(logs.some((l) => l.includes('unknown payment') && l.includes('payment_intent.succeeded'))).toBe(
      true,
    );
    expect(t.logLines.join('\n')).not.toContain('Private Payer Name');
    const metrics = await t.deps.metrics!.text();
    expect(metrics).toMatch(/settle_processor_events_total\{outcome="unknown_payment"\} [1-9]/);

    // Not again until its pause is over; then it is looked at again, still kept.
    expect(await applyProcessorEvents(t.deps)).toMatchObject({ unknownPayment: 0 });
    t.clock.advance({ minutes: 1 });
    expect(await applyProcessorEvents(t.deps)).toMatchObject({ unknownPayment: 1 });
    expect(await stored(id)).toEqual([expect.objectContaining({ status: 'received', attempts: 2 })]);
  });

  it('keeps an event about a known payment received (applying them is not built yet), moving no money', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [2_500] });
    const session = await lookupMedical(t.app, account);
    const pm = await browser.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    });
    const paid = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 2_500,
      paymentToken: pm.id,
    });
    expect(paid.statusCode, paid.body).toBe(201);
    const payment = await t.deps.db
      .selectFrom('payments')
      .select(['processor_charge_id', 'status'])
      .where('id', '=', paid.json().id)
      .executeTakeFirstOrThrow();
    const id = await receive(
      event('charge.refunded', { object: 'charge', id: 'ch_1', payment_intent: payment.processor_charge_id }),
    );
    expect(await applyProcessorEvents(t.deps)).toMatchObject({ waiting: 1, unknownPayment: 0 });
    expect(await stored(id)).toEqual([expect.objectContaining({ status: 'received', attempts: 1 })]);
    const after = await t.deps.db
      .selectFrom('payments')
      .select('status')
      .where('id', '=', paid.json().id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe(payment.status);
  });
});
