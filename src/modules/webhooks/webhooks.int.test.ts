import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import type { Deps } from '../../deps';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { newWebhookSecret } from '../../platform/webhook-signing';
import { fanOutEvents } from './webhook-delivery.service';
import { recordWebhookEvents, webhookEventRow } from './webhook-events';
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from './webhooks.service';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const change = {
  actor: { type: 'system', name: 'webhooks-admin' },
  ctx: { ip: '203.0.113.9', requestId: 'req-1', locale: 'en' },
} as const;

function fieldErrorOf(promise: Promise<unknown>) {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: { code: string; details: { errors?: { field: string; code: string }[] } }) => ({
      code: err.code,
      errors: err.details.errors?.map((e) => [e.field, e.code]),
    }),
  );
}

describe('webhook endpoints', () => {
  it('registers an endpoint with a new whsec_ secret, or one of the caller’s own, and audits it', async () => {
    const made = await createEndpoint(t.deps, {
      ...change,
      body: {
        url: 'https://billing.example.org/hooks',
        description: 'Billing system',
        eventTypes: ['payment.succeeded', 'payment.succeeded', 'bill.paid'],
      },
    });
    expect(made.secret).toMatch(/^whsec_/);
    expect(made.endpoint).toMatchObject({
      url: 'https://billing.example.org/hooks',
      description: 'Billing system',
      eventTypes: ['payment.succeeded', 'bill.paid'],
      enabled: true,
      disabledReason: null,
      failingSince: null,
      previousSecretExpiresAt: null,
    });
    const own = newWebhookSecret();
    const mine = await createEndpoint(t.deps, {
      ...change,
      body: { url: 'https://b.example.org/', secret: own },
    });
    expect(mine.secret).toBe(own);
    expect(mine.endpoint.eventTypes).toBeNull();
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('resource_id', '=', made.endpoint.id)
      .execute();
    expect(audit).toMatchObject([
      {
        action: 'webhook_endpoint.create',
        actor_type: 'system',
        actor_id: 'webhooks-admin',
        ip: '203.0.113.9',
        request_id: 'req-1',
      },
    ]);
    // The secret is never in the audit trail.
    expect(JSON.stringify(audit)).not.toContain(made.secret);
  });

  it('refuses a bad URL or secret naming the field, and changes nothing', async () => {
    const before = (await listEndpoints(t.deps, { limit: 100 })).data.length;
    const refused = async (url: string, deps: Deps = t.deps) =>
      fieldErrorOf(createEndpoint(deps, { ...change, body: { url } }));
    expect(await refused('billing.example.org/hooks')).toEqual({
      code: 'validation_failed',
      errors: [['url', 'invalid']],
    });
    expect(await refused('http://billing.example.org/hooks')).toEqual({
      code: 'validation_failed',
      errors: [['url', 'https_required']],
    });
    expect((await refused('https://me:pw@billing.example.org/')).errors).toEqual([
      ['url', 'credentials_not_allowed'],
    ]);
    const production: Deps = { ...t.deps, config: { ...t.deps.config, env: 'production' } };
    expect((await refused('http://127.0.0.1:8080/hooks', production)).errors).toEqual([
      ['url', 'https_required'],
    ]);
    expect((await refused('https://169.254.169.254/latest', production)).errors).toEqual([
      ['url', 'private_address'],
    ]);
    expect((await refused('https://localhost/hooks', production)).errors).toEqual([
      ['url', 'private_address'],
    ]);
    expect(
      await fieldErrorOf(
        createEndpoint(t.deps, {
          ...change,
          body: {
            url: 'https://billing.example.org/',
            secret: `whsec_${Buffer.alloc(8).toString('base64')}`,
          },
        }),
      ),
    ).toEqual({ code: 'validation_failed', errors: [['secret', 'invalid']] });
    expect((await listEndpoints(t.deps, { limit: 100 })).data).toHaveLength(before);
  });

  it('lists endpoints a page at a time, oldest first', async () => {
    for (let i = 0; i < 3; i++) {
      await createEndpoint(t.deps, { ...change, body: { url: `https://page${i}.example.org/` } });
    }
    const all = (await listEndpoints(t.deps, { limit: 100 })).data;
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listEndpoints(t.deps, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((e) => e.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect((await fieldErrorOf(listEndpoints(t.deps, { cursor: 'nope' }))).errors).toEqual([
      ['cursor', 'invalid'],
    ]);
  });

  it('changes, disables, enables and deletes an endpoint', async () => {
    const { endpoint } = await createEndpoint(t.deps, { ...change, body: { url: 'https://c.example.org/' } });
    t.clock.advance({ minutes: 1 });
    const changed = await updateEndpoint(t.deps, {
      ...change,
      endpointId: endpoint.id,
      body: { url: 'https://c.example.org/v2', eventTypes: ['autopay.paused'], description: null },
    });
    expect(changed).toMatchObject({
      url: 'https://c.example.org/v2',
      eventTypes: ['autopay.paused'],
      enabled: true,
    });
    expect(changed.updatedAt).not.toBe(endpoint.updatedAt);
    expect(
      await updateEndpoint(t.deps, { ...change, endpointId: endpoint.id, body: { enabled: false } }),
    ).toMatchObject({ enabled: false, disabledReason: 'manual' });
    expect(
      await updateEndpoint(t.deps, {
        ...change,
        endpointId: endpoint.id,
        body: { enabled: true, eventTypes: null },
      }),
    ).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, eventTypes: null });
    expect(
      (
        await fieldErrorOf(
          updateEndpoint(t.deps, { ...change, endpointId: endpoint.id, body: { url: 'ftp://x' } }),
        )
      ).errors,
    ).toEqual([['url', 'invalid']]);
    await deleteEndpoint(t.deps, { ...change, endpointId: endpoint.id });
    await expect(getEndpoint(t.deps, endpoint.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteEndpoint(t.deps, { ...change, endpointId: endpoint.id })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      updateEndpoint(t.deps, { ...change, endpointId: newId(), body: { enabled: false } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(rotateEndpointSecret(t.deps, { ...change, endpointId: newId() })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('rotates the secret, keeping the old one 24 hours; a second rotation drops the oldest', async () => {
    const { endpoint } = await createEndpoint(t.deps, { ...change, body: { url: 'https://r.example.org/' } });
    const own = newWebhookSecret();
    const first = await rotateEndpointSecret(t.deps, {
      ...change,
      endpointId: endpoint.id,
      body: { secret: own },
    });
    expect(first.secret).toBe(own);
    expect(first.endpoint.previousSecretExpiresAt).toBe(
      new Date(t.clock.now().epochMilliseconds + 24 * 3600_000).toISOString(),
    );
    const second = await rotateEndpointSecret(t.deps, { ...change, endpointId: endpoint.id });
    expect(second.secret).not.toBe(own);
    const actions = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('resource_id', '=', endpoint.id)
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual([
      'webhook_endpoint.create',
      'webhook_endpoint.rotate_secret',
      'webhook_endpoint.rotate_secret',
    ]);
  });

  it('lists an endpoint’s deliveries newest first, a page at a time, by status', async () => {
    const { endpoint } = await createEndpoint(t.deps, { ...change, body: { url: 'https://d.example.org/' } });
    const at = toDate(t.clock.now());
    const rows = Array.from({ length: 5 }, () =>
      webhookEventRow(
        'autopay.enrolled',
        {
          enrollmentId: newId(),
          accountId: newId(),
          status: 'active',
          amountRule: 'fixed',
          billKinds: ['premium'],
        },
        { accountId: null, at },
      ),
    );
    await recordWebhookEvents(t.deps.db, rows);
    await fanOutEvents(t.deps);
    const ids: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await listDeliveries(t.deps, {
        endpointId: endpoint.id,
        query: { limit: 2, status: 'pending', ...(cursor ? { cursor } : {}) },
      });
      ids.push(...page.data.map((d) => d.id));
      for (const d of page.data)
        expect(d).toMatchObject({ status: 'pending', attempts: 0, lastAttempt: null });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(ids).toHaveLength(5);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(
      (await listDeliveries(t.deps, { endpointId: endpoint.id, query: { status: 'succeeded' } })).data,
    ).toEqual([]);
    const detail = await getDelivery(t.deps, { endpointId: endpoint.id, deliveryId: ids[0] ?? '' });
    expect(detail).toMatchObject({ eventType: 'autopay.enrolled', attemptLog: [] });
    await expect(getDelivery(t.deps, { endpointId: endpoint.id, deliveryId: newId() })).rejects.toMatchObject(
      {
        code: 'not_found',
      },
    );
    await expect(listDeliveries(t.deps, { endpointId: newId() })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
