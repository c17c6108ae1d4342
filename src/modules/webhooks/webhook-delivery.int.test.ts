import { Webhook } from 'standardwebhooks';
import { Temporal } from 'temporal-polyfill';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { type ReceiverBehavior, startReceiver, type TestReceiver } from '../../../test/webhook-receiver';
import type { Deps } from '../../deps';
import { RETRY_DELAYS_MS, RETRY_WINDOW_MS } from '../../domain/webhook-retry';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import {
  type DeliverOptions,
  deliverWebhooks,
  fanOutEvents,
  pruneWebhookEvents,
} from './webhook-delivery.service';
import { recordWebhookEvents, type WebhookEventType, webhookEventRow } from './webhook-events';
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  rotateEndpointSecret,
  updateEndpoint,
} from './webhooks.service';
import { claimDueDeliveries } from './webhooks.store';

let t: TestApp;
const START = '2026-11-23T18:00:00Z';
const change = {
  actor: { type: 'system', name: 'webhook-test' },
  ctx: { ip: null, requestId: 'webhook-test', locale: 'en' },
} as const;
const receivers: TestReceiver[] = [];

beforeAll(async () => {
  t = await buildTestApp({ now: START });
});
afterAll(async () => {
  await t.close();
});
afterEach(async () => {
  for (const e of (await listEndpoints(t.deps, { limit: 100 })).data) {
    await deleteEndpoint(t.deps, { ...change, endpointId: e.id });
  }
  // Events a test left behind go to no endpoint of the next.
  await fanOutEvents(t.deps);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  t.clock.set(START);
});

async function receiver(behavior: ReceiverBehavior = 'ok') {
  const r = await startReceiver(behavior);
  receivers.push(r);
  return r;
}

async function endpointFor(r: TestReceiver, eventTypes?: WebhookEventType[]) {
  const made = await createEndpoint(t.deps, {
    ...change,
    body: { url: r.url, ...(eventTypes ? { eventTypes } : {}) },
  });
  return { id: made.endpoint.id, secret: made.secret };
}

/** Writes `n` events (autopay.canceled, or `type` with the same data shape) as a change would. */
async function emit(
  n = 1,
  type: 'autopay.canceled' | 'autopay.enrolled' = 'autopay.canceled',
): Promise<string[]> {
  const at = toDate(t.clock.now());
  const rows = Array.from({ length: n }, () =>
    webhookEventRow(
      type,
      {
        enrollmentId: newId(),
        accountId: newId(),
        status: 'canceled',
        amountRule: 'fixed',
        billKinds: ['medical'],
      },
      { accountId: null, at },
    ),
  );
  await recordWebhookEvents(t.deps.db, rows);
  return rows.map((r) => r.id);
}

/** One worker pass with retry delays at the middle of their jitter band (no jitter). */
const pass = (opts: DeliverOptions = {}, deps: Deps = t.deps) =>
  deliverWebhooks(deps, { random: () => 0.5, ...opts });

async function deliveriesOf(endpointId: string) {
  return t.deps.db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

async function adminEmails() {
  return t.deps.db
    .selectFrom('outbox_emails')
    .selectAll()
    .where('kind', '=', 'webhook_endpoint_disabled')
    .orderBy('created_at')
    .execute();
}

describe('signed deliveries', () => {
  it('sends each event signed as Standard Webhooks specifies, verified by the standardwebhooks package', async () => {
    const r = await receiver();
    const endpoint = await endpointFor(r);
    const [eventId] = await emit(1);
    expect(await pass()).toEqual({ fannedOut: 1, delivered: 1, retrying: 0, failed: 0 });
    expect(r.received).toHaveLength(1);
    const [payload] = r.verifyAll(endpoint.secret) as {
      id: string;
      type: string;
      timestamp: string;
      data: object;
    }[];
    expect(payload).toMatchObject({
      id: eventId,
      type: 'autopay.canceled',
      timestamp: new Date(START).toISOString(),
    });
    expect(payload?.data).toMatchObject({ status: 'canceled', amountRule: 'fixed', billKinds: ['medical'] });
    expect(r.received[0]?.id).toBe(eventId);
    // The attempt's timestamp is the wall clock's, as receivers check it.
    expect(Math.abs(Number(r.received[0]?.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      last_status_code: 204,
      next_attempt_at: null,
    });
  });

  it('after a rotation signs with both secrets for 24 hours (each verifies alone), then with the new one only', async () => {
    const r = await receiver();
    const endpoint = await endpointFor(r);
    const rotated = await rotateEndpointSecret(t.deps, { ...change, endpointId: endpoint.id });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(rotated.endpoint.previousSecretExpiresAt).toBe('2026-11-24T18:00:00.000Z');
    await emit(1);
    await pass();
    const during = r.received[0];
    expect(during?.signature.split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.secret]) expect(() => r.verifyAll(secret)).not.toThrow();

    t.clock.advance({ hours: 24, seconds: 1 });
    await emit(1);
    await pass();
    const after = r.received[1];
    if (!after) throw new Error('no delivery after the overlap');
    expect(after.signature.split(' ')).toHaveLength(1);
    const headers = {
      'webhook-id': after.id,
      'webhook-timestamp': after.timestamp,
      'webhook-signature': after.signature,
    };
    expect(() => new Webhook(rotated.secret).verify(after.body, headers)).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(after.body, headers)).toThrow();
  });

  it('keeps the secret sealed at rest', async () => {
    const endpoint = await endpointFor(await receiver());
    const row = await t.deps.db
      .selectFrom('webhook_endpoints')
      .select('secret_sealed')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(row.secret_sealed).not.toContain(endpoint.secret.slice(6, 20));
  });
});

describe('retries', () => {
  it('retries on the schedule for three days, then fails it, disables the endpoint and emails the administrators', async () => {
    const r = await receiver('fail');
    const endpoint = await endpointFor(r);
    const [eventId] = await emit(1);
    const gaps: number[] = [];
    await pass();
    for (;;) {
      const [d] = await deliveriesOf(endpoint.id);
      if (!d?.next_attempt_at) break;
      gaps.push(d.next_attempt_at.getTime() - t.clock.now().epochMilliseconds);
      // Not before it is due.
      t.clock.set(Temporal.Instant.fromEpochMilliseconds(d.next_attempt_at.getTime() - 1));
      await pass();
      expect(r.received).toHaveLength(gaps.length);
      t.clock.advance({ milliseconds: 1 });
      await pass();
    }
    const elapsedBeforeLast = RETRY_DELAYS_MS.slice(0, 8).reduce((a, b) => a + b, 0);
    expect(gaps).toEqual([...RETRY_DELAYS_MS.slice(0, 8), RETRY_WINDOW_MS - elapsedBeforeLast]);
    expect(r.received).toHaveLength(10);
    expect(r.uniqueIds()).toEqual([eventId]);

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'failed',
      attempts: 10,
      last_status_code: 500,
      last_error_kind: 'http_status',
    });
    const detail = await getDelivery(t.deps, { endpointId: endpoint.id, deliveryId: delivery?.id ?? '' });
    expect(detail.attemptLog).toHaveLength(10);
    for (const a of detail.attemptLog) {
      expect(a).toMatchObject({ statusCode: 500, errorKind: 'http_status' });
      expect(a.responseBody?.startsWith('internal error')).toBe(true);
      expect(a.responseBody?.length).toBeLessThanOrEqual(1024);
      expect(a.responseMs).toBeGreaterThanOrEqual(0);
    }
    expect(detail.attemptLog.at(-1)?.attemptedAt).toBe('2026-11-26T18:00:00.000Z');

    const listed = (await listEndpoints(t.deps)).data.find((e) => e.id === endpoint.id);
    expect(listed).toMatchObject({
      enabled: false,
      disabledReason: 'failing',
      failingSince: '2026-11-23T18:00:00.000Z',
    });
    const emails = await adminEmails();
    expect(emails.map((e) => e.to_address)).toEqual(t.deps.config.organization.administrators);
    expect(emails[0]?.subject).toBe(`Webhook endpoint disabled: ${r.url}`);
    expect(emails[0]?.text_body).toContain('HTTP 500');
    await t.deps.db.deleteFrom('outbox_emails').where('kind', '=', 'webhook_endpoint_disabled').execute();
  });

  it('forgets a failure once the endpoint answers, so only three days of failures in a row disable it', async () => {
    const r = await receiver('fail');
    const endpoint = await endpointFor(r);
    await emit(1);
    await pass();
    expect((await listEndpoints(t.deps)).data[0]?.failingSince).toBe('2026-11-23T18:00:00.000Z');
    r.behavior = 'ok';
    t.clock.advance({ seconds: 6 });
    expect(await pass()).toMatchObject({ delivered: 1 });
    expect((await listEndpoints(t.deps)).data[0]).toMatchObject({ enabled: true, failingSince: null });
    expect(await deliveriesOf(endpoint.id)).toMatchObject([{ status: 'succeeded', attempts: 2 }]);
  });

  it('disables an endpoint that answers 410 Gone at once, failing what waited for it', async () => {
    const r = await receiver('gone');
    const endpoint = await endpointFor(r);
    await emit(3);
    expect(await pass()).toMatchObject({ failed: 1, delivered: 0 });
    expect(r.received).toHaveLength(1);
    expect((await listEndpoints(t.deps)).data[0]).toMatchObject({
      enabled: false,
      disabledReason: 'gone',
    });
    const deliveries = await deliveriesOf(endpoint.id);
    expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
    expect(deliveries.filter((d) => d.last_error_kind === 'endpoint_disabled')).toHaveLength(2);
    expect((await adminEmails())[0]?.text_body).toContain('410 Gone');
    await t.deps.db.deleteFrom('outbox_emails').where('kind', '=', 'webhook_endpoint_disabled').execute();
    t.clock.advance({ hours: 24 });
    await emit(1);
    await pass();
    expect(r.received).toHaveLength(1);
  });
});

describe('one endpoint never holds back another', () => {
  it('a hanging, a failing and a redirecting endpoint cost one attempt each while the healthy one gets every event in the same pass', async () => {
    const [hang, fail, redirect, healthy] = await Promise.all(
      (['hang', 'fail', 'redirect', 'ok'] as const).map((b) => receiver(b)),
    );
    if (!hang || !fail || !redirect || !healthy) throw new Error('receivers');
    const ids = new Map<TestReceiver, string>();
    for (const r of [hang, fail, redirect, healthy]) ids.set(r, (await endpointFor(r)).id);
    const events = await emit(20);
    const timeoutMs = 4000;
    const started = performance.now();
    const result = await pass({ timeoutMs, perEndpoint: 50 });
    const elapsed = performance.now() - started;

    expect(result).toEqual({ fannedOut: 20, delivered: 20, retrying: 3, failed: 0 });
    expect(healthy.uniqueIds().sort()).toEqual([...events].sort());
    // All of them before the hanging endpoint's one attempt timed out.
    expect(Math.max(...healthy.received.map((r) => r.at)) - started).toBeLessThan(timeoutMs);
    // One timeout in all, not one per event or per failing endpoint.
    expect(elapsed).toBeLessThan(2 * timeoutMs);
    for (const r of [hang, fail, redirect]) expect(r.received).toHaveLength(1);

    const last = async (r: TestReceiver) =>
      (await listDeliveries(t.deps, { endpointId: ids.get(r) ?? '', query: { status: 'pending' } })).data;
    expect((await last(hang)).filter((d) => d.lastAttempt)).toMatchObject([
      { lastAttempt: { errorKind: 'timeout', statusCode: null } },
    ]);
    expect((await last(fail)).filter((d) => d.lastAttempt)).toMatchObject([
      { lastAttempt: { errorKind: 'http_status', statusCode: 500 } },
    ]);
    // Not followed: the redirect's target (a closed port) was never called, and a 3xx is a failure.
    expect((await last(redirect)).filter((d) => d.lastAttempt)).toMatchObject([
      { lastAttempt: { errorKind: 'redirect', statusCode: 302 } },
    ]);
    // The rest wait, due now, for the next pass (one try per pass while an endpoint fails).
    expect(await last(hang)).toHaveLength(20);
  });

  it('claims per endpoint, so a failing endpoint’s backlog never crowds out another’s deliveries', async () => {
    const fail = await receiver('fail');
    const failing = await endpointFor(fail);
    await emit(60);
    await pass({ perEndpoint: 5 });
    const healthy = await receiver();
    await endpointFor(healthy);
    const fresh = await emit(5);
    await pass({ perEndpoint: 5 });
    expect(healthy.uniqueIds().sort()).toEqual([...fresh].sort());
    // The failing endpoint got one try per pass.
    expect(fail.received).toHaveLength(2);
    expect((await deliveriesOf(failing.id)).filter((d) => d.status === 'pending')).toHaveLength(65);
  });
});

describe('at least once, each event once per endpoint', () => {
  it('fans out each event once and delivers it once even with two workers at the same time', async () => {
    const a = await receiver();
    const b = await receiver();
    await endpointFor(a);
    await endpointFor(b);
    const events = await emit(40);
    const fanned = await Promise.all([fanOutEvents(t.deps, 7), fanOutEvents(t.deps, 7)]);
    expect(fanned[0] + fanned[1]).toBe(40);
    const more = await emit(10);
    const passes = await Promise.all([pass({ perEndpoint: 100 }), pass({ perEndpoint: 100 })]);
    expect(passes.reduce((n, p) => n + p.fannedOut, 0)).toBe(10);
    for (const r of [a, b]) {
      expect(r.received).toHaveLength(50);
      expect(r.uniqueIds().sort()).toEqual([...events, ...more].sort());
    }
    const count = await t.deps.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(100);
  });

  it('sends again what a worker claimed and never finished, once its claim lapses', async () => {
    const r = await receiver();
    await endpointFor(r);
    const [eventId] = await emit(1);
    await fanOutEvents(t.deps);
    // A worker claims it and dies before sending.
    const now = t.clock.now();
    const held = await claimDueDeliveries(t.deps.db, toDate(now), toDate(now.add({ minutes: 5 })), 20);
    expect(held.map((d) => d.event_id)).toEqual([eventId]);
    await pass();
    expect(r.received).toHaveLength(0);
    t.clock.advance({ minutes: 5 });
    await pass();
    expect(r.uniqueIds()).toEqual([eventId]);
  });

  it('sends again when the answer is lost after the receiver got it: the receiver sees the same webhook-id twice', async () => {
    const r = await receiver('drop');
    const endpoint = await endpointFor(r);
    const [eventId] = await emit(1);
    expect(await pass()).toMatchObject({ retrying: 1 });
    r.behavior = 'ok';
    t.clock.advance({ seconds: 5 });
    expect(await pass()).toMatchObject({ delivered: 1 });
    expect(r.received).toHaveLength(2);
    expect(r.uniqueIds()).toEqual([eventId]);
    const [d] = (await listDeliveries(t.deps, { endpointId: endpoint.id })).data;
    expect(d).toMatchObject({ status: 'succeeded', attempts: 2 });
  });
});

describe('what each endpoint gets', () => {
  it('only the event types it subscribed to, and only events from after it was made', async () => {
    const r = await receiver();
    await endpointFor(r, ['autopay.enrolled']);
    await emit(2, 'autopay.canceled');
    const [enrolled] = await emit(1, 'autopay.enrolled');
    await pass();
    expect(r.uniqueIds()).toEqual([enrolled]);

    const [before] = await emit(1);
    t.clock.advance({ seconds: 1 });
    const late = await receiver();
    await endpointFor(late);
    const [after] = await emit(1);
    expect(before).toBeDefined();
    await pass();
    expect(late.uniqueIds()).toEqual([after]);
  });

  it('nothing while it is disabled; what waited is failed, and it gets new events again once enabled', async () => {
    const r = await receiver();
    const endpoint = await endpointFor(r);
    await emit(2);
    await fanOutEvents(t.deps);
    await updateEndpoint(t.deps, { ...change, endpointId: endpoint.id, body: { enabled: false } });
    await emit(1);
    await pass();
    expect(r.received).toHaveLength(0);
    expect((await deliveriesOf(endpoint.id)).map((d) => [d.status, d.last_error_kind])).toEqual([
      ['failed', 'endpoint_disabled'],
      ['failed', 'endpoint_disabled'],
    ]);
    await updateEndpoint(t.deps, { ...change, endpointId: endpoint.id, body: { enabled: true } });
    const [fresh] = await emit(1);
    await pass();
    expect(r.uniqueIds()).toEqual([fresh]);
  });

  it('lets an administrator replay one event to one endpoint, with the same webhook-id', async () => {
    const r = await receiver();
    const endpoint = await endpointFor(r);
    const [eventId] = await emit(1);
    await pass();
    const replay = await replayDelivery(t.deps, {
      ...change,
      endpointId: endpoint.id,
      eventId: eventId ?? '',
    });
    expect(replay).toMatchObject({ eventId, status: 'pending', replay: true, attempts: 0 });
    await pass();
    expect(r.received.map((x) => x.id)).toEqual([eventId, eventId]);
    r.verifyAll(endpoint.secret);
    const listed = await listDeliveries(t.deps, { endpointId: endpoint.id });
    expect(listed.data.map((d) => [d.replay, d.status])).toEqual([
      [true, 'succeeded'],
      [false, 'succeeded'],
    ]);
    await expect(
      replayDelivery(t.deps, { ...change, endpointId: endpoint.id, eventId: newId() }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await updateEndpoint(t.deps, { ...change, endpointId: endpoint.id, body: { enabled: false } });
    await expect(
      replayDelivery(t.deps, { ...change, endpointId: endpoint.id, eventId: eventId ?? '' }),
    ).rejects.toMatchObject({ code: 'webhook_endpoint_disabled' });
  });

  it('in production, never calls a URL the production rules refuse (an http or local address registered in development)', async () => {
    const r = await receiver();
    const endpoint = await endpointFor(r);
    await emit(1);
    const production: Deps = { ...t.deps, config: { ...t.deps.config, env: 'production' } };
    expect(await pass({}, production)).toMatchObject({ retrying: 1 });
    expect(r.received).toHaveLength(0);
    const [d] = (await listDeliveries(t.deps, { endpointId: endpoint.id })).data;
    expect(d?.lastAttempt).toMatchObject({ errorKind: 'url_refused', statusCode: null });
  });
});

describe('operations', () => {
  it('counts deliveries by outcome and shows the queue depth in /metrics', async () => {
    const r = await receiver();
    await endpointFor(r);
    await emit(2);
    await fanOutEvents(t.deps);
    const before = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(before.body).toMatch(/settle_webhook_queue_depth\{stage="delivery"\} 2/);
    await pass();
    const after = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(after.body).toMatch(/settle_webhook_queue_depth\{stage="delivery"\} 0/);
    expect(after.body).toMatch(/settle_webhook_queue_depth\{stage="fan_out"\} 0/);
    expect(after.body).toMatch(/settle_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);
  });

  it('prunes events older than 30 days, with their deliveries, once nothing about them waits', async () => {
    const r = await receiver('fail');
    const endpoint = await endpointFor(r);
    const ids = await emit(2);
    await pass();
    const remaining = async () =>
      (await t.deps.db.selectFrom('webhook_events').select('id').where('id', 'in', ids).execute()).length;
    t.clock.advance({ hours: 29 * 24 });
    await pruneWebhookEvents(t.deps);
    expect(await remaining()).toBe(2);
    t.clock.advance({ hours: 48 });
    // Still waiting to be delivered: kept.
    await pruneWebhookEvents(t.deps);
    expect(await remaining()).toBe(2);
    await updateEndpoint(t.deps, { ...change, endpointId: endpoint.id, body: { enabled: false } });
    expect(await pruneWebhookEvents(t.deps)).toBeGreaterThanOrEqual(2);
    expect(await remaining()).toBe(0);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(0);
  });
});
