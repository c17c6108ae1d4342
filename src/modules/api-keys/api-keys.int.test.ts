import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMember, createPerson, MEMBER_PASSWORD, signIn } from '../../../test/factories';
import { apiKeyOf, registerApiKeyAuth } from '../../http/api-key-auth';
import { createApiKey as issueApiKey, listApiKeys, revokeApiKey, rotateApiKey } from './api-keys.service';

const CURRENT = '/api/v1/api-keys/current';
/** A write route that exists only in this test: the plumbing every integrator write route gets. */
const WRITE = '/api/v1/test-only/bills';
const admin = { actor: { type: 'system' as const, name: 'test' }, ctx: null };

function addWriteRoute(app: FastifyInstance): void {
  app.post(
    WRITE,
    {
      config: { apiKey: { scope: 'bills:write' } },
      schema: { body: z.object({ amountCents: z.number().int() }) },
    },
    async (request, reply) => reply.status(201).send({ by: apiKeyOf(request).keyId }),
  );
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ beforeReady: addWriteRoute });
});
afterAll(async () => {
  await t.close();
});

function call(authorization?: string, extra: Record<string, string> = {}) {
  return t.app.inject({
    method: 'GET',
    url: CURRENT,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...extra },
  });
}

function write(authorization: string | undefined, payload: unknown = { amountCents: 100 }) {
  return t.app.inject({
    method: 'POST',
    url: WRITE,
    headers: authorization === undefined ? {} : { authorization },
    payload: payload as object,
  });
}

const bearer = (secret: string) => `Bearer ${secret}`;

function expectRefused(
  res: Awaited<ReturnType<typeof call>>,
  reason: string,
  challenge = 'Bearer realm="Settle API", error="invalid_token"',
) {
  expect(res.statusCode, res.body).toBe(401);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.headers['www-authenticate']).toBe(challenge);
  expect(res.json()).toMatchObject({ status: 401, code: 'api_key_invalid', reason });
}

async function auditRows(keyId: string) {
  return t.deps.db
    .selectFrom('audit_events')
    .selectAll()
    .where('actor_type', '=', 'api')
    .where('actor_id', '=', keyId)
    .orderBy('id')
    .execute();
}

describe('API keys', () => {
  it('creates a key whose secret is shown once and stored only as a hash', async () => {
    const issued = await issueApiKey(
      t.deps,
      { name: '  Billing sync ', scopes: ['people:write', 'bills:write', 'bills:write'] },
      admin,
    );
    expect(issued.secret).toMatch(/^sk_test_[a-z2-7]{16}_[a-z2-7]{52}$/);
    expect(issued.secret).toContain(issued.key.id);
    expect(issued.key).toMatchObject({
      name: 'Billing sync',
      mode: 'test',
      scopes: ['bills:write', 'people:write'],
      rateLimitPerMinute: 1_200,
      createdBy: 'test',
      revokedAt: null,
      lastUsedAt: null,
    });
    const stored = await t.deps.db
      .selectFrom('api_key_secrets')
      .selectAll()
      .where('api_key_id', '=', issued.key.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(issued.secret.slice(-52));
    expect(JSON.stringify(await listApiKeys(t.deps))).not.toContain(issued.secret.slice(-52));
    const [created] = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'api_key.create')
      .where('resource_id', '=', issued.key.id)
      .execute();
    expect(created).toMatchObject({ actor_type: 'system', actor_id: 'test', result: 'success' });
    expect(JSON.stringify(created)).not.toContain(issued.secret.slice(-52));
  });

  it('refuses settings outside the closed lists, naming the field', async () => {
    await expect(
      issueApiKey(t.deps, { name: 'x', scopes: ['bills:write', 'bills:read' as 'bills:write'] }, admin),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { errors: [expect.objectContaining({ field: 'scopes.1' })] },
    });
    await expect(issueApiKey(t.deps, { name: ' ', scopes: ['bills:write'] }, admin)).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ field: 'name' })] },
    });
    await expect(issueApiKey(t.deps, { name: 'x', scopes: [] }, admin)).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ field: 'scopes' })] },
    });
  });

  it('tells an integrator which key it is calling with', async () => {
    const key = await createApiKey(t.deps, { scopes: ['payments:read'], name: 'Reader' });
    const res = await call(bearer(key.secret));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      id: key.id,
      name: 'Reader',
      mode: 'test',
      scopes: ['payments:read'],
      rateLimitPerMinute: 1_000_000,
      createdAt: '2026-11-23T18:00:00.000Z',
      secretExpiresAt: null,
    });
    // The scheme is case-insensitive (RFC 7235).
    expect((await call(`bearer ${key.secret}`)).statusCode).toBe(200);
  });

  it('answers 401 problem+json with a Bearer challenge for a missing, malformed or unknown key', async () => {
    const key = await createApiKey(t.deps);
    expectRefused(await call(), 'missing', 'Bearer realm="Settle API"');
    expectRefused(await call('Basic dXNlcjpwYXNz'), 'missing', 'Bearer realm="Settle API"');
    expectRefused(await call('Bearer'), 'malformed');
    expectRefused(await call('Bearer two words'), 'malformed');
    expectRefused(await call(`Bearer ${'a'.repeat(5000)}`), 'malformed');
    expectRefused(await call(bearer(key.secret.toUpperCase())), 'malformed');
    // The right key id with another secret, and a key id nobody has.
    expectRefused(await call(bearer(`${key.secret.slice(0, -52)}${'a'.repeat(52)}`)), 'unknown');
    expectRefused(await call(bearer(`sk_test_${'q'.repeat(16)}_${'a'.repeat(52)}`)), 'unknown');
  });

  it('never takes a member session in place of a key', async () => {
    const member = await createMember(t.deps, await createPerson(t.deps));
    const session = await signIn(t.app, member.email, MEMBER_PASSWORD);
    const res = await call(undefined, { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
    expectRefused(res, 'missing', 'Bearer realm="Settle API"');
  });

  it('checks the key before reading the body, then the scope, naming the one missing', async () => {
    const reader = await createApiKey(t.deps, { scopes: ['payments:read'] });
    const writer = await createApiKey(t.deps, { scopes: ['bills:write'] });
    expectRefused(
      await write(undefined, { amountCents: 'not a number' }),
      'missing',
      'Bearer realm="Settle API"',
    );

    const refused = await write(bearer(reader.secret), { amountCents: 'not a number' });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="Settle API", error="insufficient_scope", scope="bills:write"',
    );
    expect(refused.json()).toMatchObject({ status: 403, code: 'insufficient_scope', scope: 'bills:write' });
    expect(refused.json().detail).toContain('bills:write');

    const invalid = await write(bearer(writer.secret), { amountCents: 'not a number' });
    expect(invalid.statusCode).toBe(400);
    const ok = await write(bearer(writer.secret));
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ by: writer.id });
  });

  it('audits every write call with the key id as actor, refused ones too, and no read', async () => {
    const writer = await createApiKey(t.deps, { scopes: ['bills:write'] });
    const reader = await createApiKey(t.deps, { scopes: ['payments:read'] });
    expect((await write(bearer(writer.secret))).statusCode).toBe(201);
    expect((await write(bearer(writer.secret), {})).statusCode).toBe(400);
    expect((await write(bearer(reader.secret))).statusCode).toBe(403);
    expect((await call(bearer(writer.secret))).statusCode).toBe(200);

    const rows = await auditRows(writer.id);
    expect(rows.map((r) => [r.action, r.resource_id, r.result, r.detail])).toEqual([
      ['api.call', `POST ${WRITE}`, 'success', { status: 201, scope: 'bills:write' }],
      ['api.call', `POST ${WRITE}`, 'failure', { status: 400, scope: 'bills:write' }],
    ]);
    expect(rows[0]?.request_id).toBeTruthy();
    expect((await auditRows(reader.id)).map((r) => [r.result, r.detail])).toEqual([
      ['failure', { status: 403, scope: 'bills:write' }],
    ]);
  });

  it('keeps the old secret working during a rotation’s overlap, and not after', async () => {
    const key = await createApiKey(t.deps);
    const rotated = await rotateApiKey(t.deps, { keyId: key.id }, admin);
    expect(rotated.secret).not.toBe(key.secret);
    expect(rotated.secret).toContain(key.id);
    expect(rotated.previousSecretsExpireAt.toISOString()).toBe('2026-11-24T18:00:00.000Z');

    const old = await call(bearer(key.secret));
    expect(old.statusCode).toBe(200);
    expect(old.json().secretExpiresAt).toBe('2026-11-24T18:00:00.000Z');
    expect((await call(bearer(rotated.secret))).json().secretExpiresAt).toBeNull();

    t.clock.advance({ hours: 23, minutes: 59, seconds: 59 });
    expect((await call(bearer(key.secret))).statusCode).toBe(200);
    t.clock.advance({ seconds: 1 });
    const expired = await call(bearer(key.secret));
    expectRefused(expired, 'expired');
    expect(expired.json().detail).toContain('2026-11-24T18:00:00.000Z');
    expect((await call(bearer(rotated.secret))).statusCode).toBe(200);

    // A second rotation with no overlap stops the secret it replaces at once.
    const again = await rotateApiKey(t.deps, { keyId: key.id, overlapHours: 0 }, admin);
    expectRefused(await call(bearer(rotated.secret)), 'expired');
    expect((await call(bearer(again.secret))).statusCode).toBe(200);
    const [summary] = (await listApiKeys(t.deps)).filter((k) => k.id === key.id);
    expect(summary?.secrets.map((s) => s.expiresAt)).toEqual([
      '2026-11-24T18:00:00.000Z',
      '2026-11-24T18:00:00.000Z',
      null,
    ]);
  });

  it('never extends an overlap already running when rotated again', async () => {
    const key = await createApiKey(t.deps);
    const first = await rotateApiKey(t.deps, { keyId: key.id, overlapHours: 1 }, admin);
    await rotateApiKey(t.deps, { keyId: key.id, overlapHours: 48 }, admin);
    const expiries = (await listApiKeys(t.deps))
      .find((k) => k.id === key.id)
      ?.secrets.map((s) => s.expiresAt);
    const now = t.clock.now();
    expect(expiries).toEqual([
      now.add({ hours: 1 }).toString({ fractionalSecondDigits: 3 }),
      now.add({ hours: 48 }).toString({ fractionalSecondDigits: 3 }),
      null,
    ]);
    expect((await call(bearer(first.secret))).statusCode).toBe(200);
  });

  it('stops a revoked key at once, whichever secret it presents', async () => {
    const key = await createApiKey(t.deps);
    const rotated = await rotateApiKey(t.deps, { keyId: key.id }, admin);
    const revoked = await revokeApiKey(t.deps, key.id, admin);
    expect(revoked.revokedAt).toBe(t.clock.now().toString({ fractionalSecondDigits: 3 }));
    expectRefused(await call(bearer(key.secret)), 'revoked');
    expectRefused(await call(bearer(rotated.secret)), 'revoked');
    // Revoking again changes nothing; a revoked key cannot be rotated back to life.
    expect((await revokeApiKey(t.deps, key.id, admin)).revokedAt).toBe(revoked.revokedAt);
    await expect(rotateApiKey(t.deps, { keyId: key.id }, admin)).rejects.toMatchObject({ code: 'not_found' });
    await expect(revokeApiKey(t.deps, 'a'.repeat(16), admin)).rejects.toMatchObject({ code: 'not_found' });
    const actions = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .where('resource_id', '=', key.id)
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['api_key.create', 'api_key.rotate', 'api_key.revoke']);
  });

  it('refuses a test key on a live deployment', async () => {
    const live = { ...t.deps, config: { ...t.deps.config, processorMode: 'live' as const } };
    const liveKey = await createApiKey(live);
    expect(liveKey.secret).toMatch(/^sk_live_/);
    expectRefused(await call(bearer(liveKey.secret)), 'wrong_mode');
  });

  it('rate-limits each key on its own budget, with Retry-After', async () => {
    t.clock.set('2026-11-30T10:00:05Z');
    const a = await createApiKey(t.deps, { rateLimitPerMinute: 3 });
    const b = await createApiKey(t.deps, { rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) expect((await call(bearer(a.secret))).statusCode).toBe(200);
    const limited = await call(bearer(a.secret));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('55');
    expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.json().detail).toContain('3 calls a minute');
    // Another key is not held back by the first one's calls.
    for (let i = 0; i < 3; i++) expect((await call(bearer(b.secret))).statusCode).toBe(200);
    // An over-limit write is refused before it does anything, and adds no audit row.
    expect((await write(bearer(a.secret))).statusCode).toBe(429);
    expect(await auditRows(a.id)).toEqual([]);
    t.clock.advance({ seconds: 55 });
    expect((await call(bearer(a.secret))).statusCode).toBe(200);
  });

  it('records when a key was last used, writing at most once a minute', async () => {
    t.clock.set('2026-12-01T09:00:00Z');
    const key = await createApiKey(t.deps);
    const lastUsed = async () => (await listApiKeys(t.deps)).find((k) => k.id === key.id)?.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await call(bearer(key.secret));
    expect(await lastUsed()).toBe('2026-12-01T09:00:00.000Z');
    t.clock.advance({ seconds: 59 });
    await call(bearer(key.secret));
    expect(await lastUsed()).toBe('2026-12-01T09:00:00.000Z');
    t.clock.advance({ seconds: 2 });
    await call(bearer(key.secret));
    expect(await lastUsed()).toBe('2026-12-01T09:01:01.000Z');
    // A refused call is not a use.
    await revokeApiKey(t.deps, key.id, admin);
    t.clock.advance({ minutes: 5 });
    await call(bearer(key.secret));
    expect(await lastUsed()).toBe('2026-12-01T09:01:01.000Z');
  });

  it('declares the bearer scheme in the OpenAPI document and marks the key routes with it', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths[CURRENT].get.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/api/v1/member/dashboard'].get.security).not.toEqual([{ apiKey: [] }]);
  });

  it('refuses, at boot, an integrator route among the session routes or outside the API', async () => {
    const app = Fastify();
    registerApiKeyAuth(app, t.deps);
    const keyRoute = { config: { apiKey: { scope: null } } };
    for (const url of ['/api/v1/member/export', '/api/v1/staff/keys', '/api/v1/guest', '/reports']) {
      expect(() => app.get(url, keyRoute, async () => ({})), url).toThrow(
        /integrator \(API key\) routes live/,
      );
    }
    app.get('/fhir/R4/metadata', keyRoute, async () => ({}));
    app.get('/api/v1/imports', keyRoute, async () => ({}));
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/fhir/R4/metadata' })).statusCode).toBe(401);
    await app.close();
  });

  it('never writes a key to the logs', async () => {
    const key = await createApiKey(t.deps);
    const before = t.logLines.length;
    await call(bearer(key.secret));
    await write(bearer(key.secret), { amountCents: 'x' });
    await call(bearer(`${key.secret.slice(0, -1)}a`));
    t.deps.logger.info({ headers: { authorization: bearer(key.secret) } }, 'headers logged by mistake');
    const lines = t.logLines.slice(before).join('');
    expect(lines).toContain('headers logged by mistake');
    expect(lines).not.toContain(key.secret.slice(-52));
    expect(lines).not.toContain(key.secret.slice(-52, -1));
  });
});
