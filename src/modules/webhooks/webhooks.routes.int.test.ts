import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { startReceiver, type TestReceiver } from '../../../test/webhook-receiver';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { newWebhookSecret } from '../../platform/webhook-signing';
import { deliverWebhooks } from './webhook-delivery.service';
import { recordWebhookEvents, webhookEventRow, webhookEventTypes } from './webhook-events';

/** The webhook management routes through HTTP, with an API key as an integrator calls them. */

let t: TestApp;
let key: ApiKeyFixture;
const receivers: TestReceiver[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps, { scopes: ['webhooks:manage'] });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function call(
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
  as: ApiKeyFixture = key,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...as.headers, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

const once = () => ({ 'idempotency-key': randomUUID() });

async function register(body: Record<string, unknown> = {}) {
  const res = await call(
    'POST',
    '/webhook-endpoints',
    { url: 'https://hooks.example.org/in', ...body },
    once(),
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { endpoint: { id: string; url: string }; secret: string };
}

/** An event as a change writes it (autopay.canceled: any type will do). */
async function emit(): Promise<string> {
  const row = webhookEventRow(
    'autopay.canceled',
    {
      enrollmentId: newId(),
      accountId: newId(),
      status: 'canceled',
      amountRule: 'fixed',
      billKinds: ['medical'],
    },
    { accountId: null, at: toDate(t.clock.now()) },
  );
  await recordWebhookEvents(t.deps.db, [row]);
  return row.id;
}

async function counts() {
  const endpoints = await t.deps.db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const deliveries = await t.deps.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const audit = await t.deps.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', 'like', 'webhook_endpoint.%')
    .executeTakeFirstOrThrow();
  const endpointRows = await t.deps.db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute();
  return {
    endpoints: Number(endpoints.n),
    deliveries: Number(deliveries.n),
    audit: Number(audit.n),
    rows: JSON.stringify(endpointRows),
  };
}

function problemOf(res: LightMyRequestResponse) {
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = res.json() as { code: string; errors?: { field: string; code: string }[] };
  return { status: res.statusCode, code: body.code, fields: body.errors?.map((e) => e.field) ?? [] };
}

describe('registering an endpoint', () => {
  it('answers 201 with the whsec_ secret once; the list and the endpoint never show it', async () => {
    const res = await call(
      'POST',
      '/webhook-endpoints',
      {
        url: 'https://billing.example.org/hooks',
        description: 'Billing system',
        eventTypes: ['payment.succeeded', 'bill.paid', 'bill.created'],
      },
      once(),
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const made = res.json();
    expect(made.secret).toMatch(/^whsec_/);
    expect(made.endpoint).toMatchObject({
      url: 'https://billing.example.org/hooks',
      description: 'Billing system',
      eventTypes: ['payment.succeeded', 'bill.paid', 'bill.created'],
      enabled: true,
    });
    const one = await call('GET', `/webhook-endpoints/${made.endpoint.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(made.endpoint);
    const list = await call('GET', '/webhook-endpoints?limit=100');
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toContainEqual(made.endpoint);
    for (const body of [one.body, list.body]) {
      expect(body).not.toContain(made.secret);
      expect(body).not.toContain('secret');
    }
    // Neither the audit trail nor the key's stored answer holds the secret in clear.
    const audit = await t.deps.db.selectFrom('audit_events').selectAll().execute();
    const keys = await t.deps.db.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify([audit, keys])).not.toContain(made.secret);
  });

  it('answers a retry with the same Idempotency-Key with the first answer, secret included', async () => {
    const body = { url: 'https://retry.example.org/hooks' };
    const headers = once();
    const first = await call('POST', '/webhook-endpoints', body, headers);
    const again = await call('POST', '/webhook-endpoints', body, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await call('POST', '/webhook-endpoints', { url: 'https://other.example.org/' }, headers);
    expect(problemOf(other)).toMatchObject({ status: 422, code: 'idempotency_mismatch' });
    const made = await t.deps.db
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('url', 'in', ['https://retry.example.org/hooks', 'https://other.example.org/'])
      .execute();
    expect(made).toHaveLength(1);
  });

  it('takes a secret of the caller’s own', async () => {
    const own = newWebhookSecret();
    const made = await register({ secret: own });
    expect(made.secret).toBe(own);
  });

  it('pages through the endpoints with the cursor', async () => {
    for (let i = 0; i < 3; i++) await register({ url: `https://page${i}.example.org/` });
    const all = (await call('GET', '/webhook-endpoints?limit=100')).json().data as { id: string }[];
    const seen: string[] = [];
    let cursor = '';
    for (;;) {
      const page = (await call('GET', `/webhook-endpoints?limit=2${cursor}`)).json();
      seen.push(...page.data.map((e: { id: string }) => e.id));
      if (!page.nextCursor) break;
      cursor = `&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(all.map((e) => e.id));
  });
});

describe('changing an endpoint', () => {
  it('changes its URL, description, event types, and disables and enables it', async () => {
    const { endpoint } = await register({ description: 'first' });
    const changed = await call('PATCH', `/webhook-endpoints/${endpoint.id}`, {
      url: 'https://hooks.example.org/v2',
      description: null,
      eventTypes: ['payment.refunded', 'bill.voided'],
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      url: 'https://hooks.example.org/v2',
      description: null,
      eventTypes: ['payment.refunded', 'bill.voided'],
      enabled: true,
    });
    const off = await call('PATCH', `/webhook-endpoints/${endpoint.id}`, { enabled: false });
    expect(off.json()).toMatchObject({ enabled: false, disabledReason: 'manual' });
    const on = await call('PATCH', `/webhook-endpoints/${endpoint.id}`, { enabled: true, eventTypes: null });
    expect(on.json()).toMatchObject({ enabled: true, disabledReason: null, eventTypes: null });
    expect((await call('GET', `/webhook-endpoints/${endpoint.id}`)).json()).toEqual(on.json());
  });

  it('deletes it: 204, then 404', async () => {
    const { endpoint } = await register();
    const gone = await call('DELETE', `/webhook-endpoints/${endpoint.id}`);
    expect(gone.statusCode).toBe(204);
    expect(gone.body).toBe('');
    expect(problemOf(await call('GET', `/webhook-endpoints/${endpoint.id}`))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(problemOf(await call('DELETE', `/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });
});

describe('delivering, rotating and replaying', () => {
  it('signs under the old and the new secret after a rotation, logs the delivery, and replays it', async () => {
    const receiver = await startReceiver('ok');
    receivers.push(receiver);
    const made = await register({ url: receiver.url, eventTypes: ['autopay.canceled'] });
    const id = made.endpoint.id;

    const rotateKey = once();
    const rotated = await call('POST', `/webhook-endpoints/${id}/rotate-secret`, {}, rotateKey);
    expect(rotated.statusCode).toBe(200);
    const { secret, endpoint } = rotated.json();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(made.secret);
    expect(endpoint.previousSecretExpiresAt).toBe(
      new Date(t.clock.now().epochMilliseconds + 24 * 3600_000).toISOString(),
    );
    // A retry of the rotation answers the same secret and does not rotate again (which would stop the
    // first secret signing at once).
    const retried = await call('POST', `/webhook-endpoints/${id}/rotate-secret`, {}, rotateKey);
    expect(retried.json()).toEqual(rotated.json());
    expect(retried.headers['idempotent-replayed']).toBe('true');

    const eventId = await emit();
    expect(await deliverWebhooks(t.deps, { random: () => 0.5 })).toMatchObject({ delivered: 1, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    // Both secrets verify the one delivery while they overlap (Standard Webhooks, with the package).
    for (const s of [made.secret, secret]) expect(() => receiver.verifyAll(s)).not.toThrow();
    expect(() => receiver.verifyAll(newWebhookSecret())).toThrow();

    const log = await call('GET', `/webhook-endpoints/${id}/deliveries`);
    expect(log.statusCode).toBe(200);
    const [delivery] = log.json().data;
    expect(log.json().data).toHaveLength(1);
    expect(delivery).toMatchObject({
      eventId,
      eventType: 'autopay.canceled',
      status: 'succeeded',
      replay: false,
      attempts: 1,
      nextAttemptAt: null,
      lastAttempt: { statusCode: 204, errorKind: null },
    });
    expect(delivery.lastAttempt.responseMs).toBeGreaterThanOrEqual(0);
    const detail = await call('GET', `/webhook-endpoints/${id}/deliveries/${delivery.id}`);
    expect(detail.json()).toMatchObject({ id: delivery.id, attemptLog: [{ statusCode: 204 }] });
    expect((await call('GET', `/webhook-endpoints/${id}/deliveries?status=failed`)).json().data).toEqual([]);

    const replay = await call('POST', `/webhook-endpoints/${id}/replay`, { eventId });
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toMatchObject({ eventId, status: 'pending', replay: true, attempts: 0 });
    expect(replay.json().id).not.toBe(delivery.id);
    await deliverWebhooks(t.deps, { random: () => 0.5 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.uniqueIds()).toEqual([eventId]);
    const [second] = receiver.received.slice(-1);
    expect(() =>
      new Webhook(secret).verify(second!.body, {
        'webhook-id': second!.id,
        'webhook-timestamp': second!.timestamp,
        'webhook-signature': second!.signature,
      }),
    ).not.toThrow();
    const after = (await call('GET', `/webhook-endpoints/${id}/deliveries`)).json().data;
    expect(after.map((d: { replay: boolean; status: string }) => [d.replay, d.status])).toEqual([
      [true, 'succeeded'],
      [false, 'succeeded'],
    ]);
  });

  it('refuses to replay to a disabled endpoint (409) or an unknown event (404), adding no delivery', async () => {
    const { endpoint } = await register();
    const eventId = await emit();
    const before = await counts();
    expect(
      problemOf(await call('POST', `/webhook-endpoints/${endpoint.id}/replay`, { eventId: randomUUID() })),
    ).toMatchObject({ status: 404, code: 'not_found' });
    await call('PATCH', `/webhook-endpoints/${endpoint.id}`, { enabled: false });
    const disabled = await call('POST', `/webhook-endpoints/${endpoint.id}/replay`, { eventId });
    expect(problemOf(disabled)).toMatchObject({ status: 409, code: 'webhook_endpoint_disabled' });
    expect((await counts()).deliveries).toBe(before.deliveries);
  });
});

describe('event types', () => {
  it('lists every type with a description and the JSON Schema of its data, to any key', async () => {
    const anyKey = await createApiKey(t.deps, { scopes: ['bills:read'] });
    const res = await call('GET', '/webhook-event-types', undefined, {}, anyKey);
    expect(res.statusCode).toBe(200);
    const { eventTypes } = res.json() as {
      eventTypes: { type: string; description: string; dataSchema: { properties?: object } }[];
    };
    expect(eventTypes.map((e) => e.type)).toEqual(webhookEventTypes);
    for (const e of eventTypes) {
      expect(e.description.length, e.type).toBeGreaterThan(10);
      expect(e.dataSchema.properties, e.type).toBeTruthy();
    }
    expect(eventTypes.find((e) => e.type === 'bill.corrected')?.dataSchema.properties).toHaveProperty(
      'balanceCents',
    );
  });
});

describe('refusals', () => {
  it('refuses a key without webhooks:manage on every management route (403 naming the scope)', async () => {
    const other = await createApiKey(t.deps, { scopes: ['bills:write', 'payments:refund'] });
    const { endpoint } = await register();
    const before = await counts();
    const id = endpoint.id;
    for (const [method, url, body] of [
      ['POST', '/webhook-endpoints', { url: 'https://x.example.org/' }],
      ['GET', '/webhook-endpoints', undefined],
      ['GET', `/webhook-endpoints/${id}`, undefined],
      ['PATCH', `/webhook-endpoints/${id}`, { enabled: false }],
      ['DELETE', `/webhook-endpoints/${id}`, undefined],
      ['POST', `/webhook-endpoints/${id}/rotate-secret`, {}],
      ['GET', `/webhook-endpoints/${id}/deliveries`, undefined],
      ['GET', `/webhook-endpoints/${id}/deliveries/${randomUUID()}`, undefined],
      ['POST', `/webhook-endpoints/${id}/replay`, { eventId: randomUUID() }],
    ] as const) {
      const res = await call(method, url, body, once(), other);
      expect(problemOf(res), `${method} ${url}`).toMatchObject({ status: 403, code: 'insufficient_scope' });
      expect(res.headers['www-authenticate']).toContain('scope="webhooks:manage"');
    }
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/webhook-endpoints' });
    expect(problemOf(none)).toMatchObject({ status: 401, code: 'api_key_invalid' });
    const after = await counts();
    expect({ ...after, rows: after.rows === before.rows }).toEqual({ ...before, rows: true });
  });

  it('refuses each bad input with a problem naming the field, and changes nothing', async () => {
    const { endpoint } = await register();
    const id = endpoint.id;
    const before = await counts();
    const cases: [Method, string, unknown, Record<string, string>, number, string, string[]][] = [
      ['POST', '/webhook-endpoints', { url: 'hooks.example.org' }, once(), 400, 'validation_failed', ['url']],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'http://hooks.example.org/' },
        once(),
        400,
        'validation_failed',
        ['url'],
      ],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'https://me:pw@hooks.example.org/' },
        once(),
        400,
        'validation_failed',
        ['url'],
      ],
      ['POST', '/webhook-endpoints', { url: '' }, once(), 400, 'validation_failed', ['url']],
      ['POST', '/webhook-endpoints', {}, once(), 400, 'validation_failed', ['url']],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'https://hooks.example.org/', eventTypes: ['payment.succeeded', 'payment.exploded'] },
        once(),
        400,
        'validation_failed',
        ['eventTypes.1'],
      ],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'https://hooks.example.org/', eventTypes: [] },
        once(),
        400,
        'validation_failed',
        ['eventTypes'],
      ],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'https://hooks.example.org/', secret: 'whsec_c2hvcnQ=' },
        once(),
        400,
        'validation_failed',
        ['secret'],
      ],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'https://hooks.example.org/', secret: 'not-a-secret' },
        once(),
        400,
        'validation_failed',
        ['secret'],
      ],
      [
        'POST',
        '/webhook-endpoints',
        { url: 'https://hooks.example.org/' },
        {},
        400,
        'idempotency_key_required',
        [],
      ],
      [
        'PATCH',
        `/webhook-endpoints/${id}`,
        { url: 'ftp://hooks.example.org/' },
        {},
        400,
        'validation_failed',
        ['url'],
      ],
      [
        'PATCH',
        `/webhook-endpoints/${id}`,
        { eventTypes: ['bill.exploded'] },
        {},
        400,
        'validation_failed',
        ['eventTypes.0'],
      ],
      ['PATCH', `/webhook-endpoints/${id}`, { enabled: 'yes' }, {}, 400, 'validation_failed', ['enabled']],
      ['PATCH', `/webhook-endpoints/${id}`, {}, {}, 400, 'validation_failed', []],
      ['PATCH', `/webhook-endpoints/${randomUUID()}`, { enabled: false }, {}, 404, 'not_found', []],
      [
        'PATCH',
        '/webhook-endpoints/not-an-id',
        { enabled: false },
        {},
        400,
        'validation_failed',
        ['endpointId'],
      ],
      ['GET', `/webhook-endpoints/${randomUUID()}`, undefined, {}, 404, 'not_found', []],
      ['GET', '/webhook-endpoints/42', undefined, {}, 400, 'validation_failed', ['endpointId']],
      ['GET', '/webhook-endpoints?cursor=nope', undefined, {}, 400, 'validation_failed', ['cursor']],
      ['GET', '/webhook-endpoints?limit=0', undefined, {}, 400, 'validation_failed', ['limit']],
      ['GET', '/webhook-endpoints?limit=101', undefined, {}, 400, 'validation_failed', ['limit']],
      ['DELETE', `/webhook-endpoints/${randomUUID()}`, undefined, {}, 404, 'not_found', []],
      ['POST', `/webhook-endpoints/${randomUUID()}/rotate-secret`, {}, once(), 404, 'not_found', []],
      [
        'POST',
        `/webhook-endpoints/${id}/rotate-secret`,
        { secret: 'whsec_c2hvcnQ=' },
        once(),
        400,
        'validation_failed',
        ['secret'],
      ],
      ['POST', `/webhook-endpoints/${id}/rotate-secret`, {}, {}, 400, 'idempotency_key_required', []],
      [
        'POST',
        `/webhook-endpoints/${id}/rotate-secret`,
        undefined,
        once(),
        400,
        'validation_failed',
        ['(body)'],
      ],
      ['GET', `/webhook-endpoints/${randomUUID()}/deliveries`, undefined, {}, 404, 'not_found', []],
      [
        'GET',
        `/webhook-endpoints/${id}/deliveries?status=lost`,
        undefined,
        {},
        400,
        'validation_failed',
        ['status'],
      ],
      ['GET', `/webhook-endpoints/${id}/deliveries/${randomUUID()}`, undefined, {}, 404, 'not_found', []],
      [
        'POST',
        `/webhook-endpoints/${id}/replay`,
        { eventId: 'x' },
        {},
        400,
        'validation_failed',
        ['eventId'],
      ],
      ['POST', `/webhook-endpoints/${id}/replay`, {}, {}, 400, 'validation_failed', ['eventId']],
    ];
    for (const [method, url, body, headers, status, code, fields] of cases) {
      const res = await call(method, url, body, headers);
      const label = `${method} ${url} ${JSON.stringify(body)}`;
      expect(problemOf(res), label).toMatchObject({ status, code });
      if (fields.length > 0) expect(problemOf(res).fields, label).toEqual(fields);
    }
    const after = await counts();
    expect({ ...after, rows: after.rows === before.rows }).toEqual({ ...before, rows: true });
  });
});
