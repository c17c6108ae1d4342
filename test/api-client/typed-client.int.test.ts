import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../api-keys';
import { buildTestApp } from '../app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  MEMBER_PASSWORD,
  signIn,
  tokenizeCard,
} from '../factories';
// Generated from the OpenAPI document by `npm run api:client`, which also type-checks this file
// against it; vitest only runs it, so the file does not have to exist for `npm test`.
import type { components, paths } from './schema';

/**
 * A client generated from the OpenAPI document (openapi-typescript types, openapi-fetch calls), as an
 * integrator would make one, calling the app: what the document promises is what the app does.
 */

type Problem = components['schemas']['ProblemDetails'];

const t = await buildTestApp();
afterAll(async () => {
  await t.close();
});

/** openapi-fetch's fetch, answered by the app itself through `inject` (no server listens). */
async function injectFetch(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const res = await t.app.inject({
    method: request.method as 'GET',
    url: `${url.pathname}${url.search}`,
    headers: Object.fromEntries(request.headers),
    ...(payload ? { payload } : {}),
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : [value])
      if (v !== undefined) headers.append(name, String(v));
  }
  const body = res.statusCode === 204 ? null : new Uint8Array(res.rawPayload);
  return new Response(body, { status: res.statusCode, headers });
}

const client = createClient<paths>({ baseUrl: 'http://settle.test', fetch: injectFetch });

describe('a client generated from the OpenAPI document', () => {
  it('finds a bill as a guest, lists the bills and pays one, with typed answers and problems', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [12_000] });
    const lookup = {
      regionId: account.regionId,
      kind: 'medical' as const,
      accountNumber: account.accountNumber,
      postalCode: account.postalCode,
    };

    const missing = await client.POST('/api/v1/guest/lookups', { body: { ...lookup, postalCode: '00000' } });
    const notFound: Problem | undefined = missing.error;
    expect(notFound?.code).toBe('bill_not_found');

    const found = await client.POST('/api/v1/guest/lookups', { body: lookup });
    if (!found.data) throw new Error(`lookup failed: ${JSON.stringify(found.error)}`);
    const authorization = `Bearer ${found.data.sessionToken}`;

    const bills = await client.GET('/api/v1/guest/bills', { headers: { authorization } });
    const bill = bills.data?.bills[0];
    expect(bill?.balanceCents).toBe(12_000);

    const body = { billIds: [bill!.id], amountCents: 12_000, paymentToken: await tokenizeCard(t.app) };
    const paid = await client.POST('/api/v1/guest/payments', {
      headers: { authorization },
      params: { header: { 'idempotency-key': randomUUID() } },
      body,
    });
    expect(paid.response.status).toBe(201);
    expect(paid.data?.status).toBe('succeeded');

    const unpaid = await client.POST('/api/v1/guest/payments', {
      headers: { authorization },
      // @ts-expect-error The document says the Idempotency-Key header is required; the app agrees.
      params: { header: {} },
      body: { ...body, paymentToken: await tokenizeCard(t.app) },
    });
    expect(unpaid.error?.code).toBe('idempotency_key_required');

    const invalid = await client.POST('/api/v1/guest/lookups', {
      // @ts-expect-error A medical-bill lookup needs the account number and ZIP code.
      body: { regionId: account.regionId, kind: 'medical' },
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['accountNumber', 'postalCode']),
    );
  });

  it('reads a signed-in member’s dashboard', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000, 2_500] });
    const member = await createMember(
      t.deps,
      await createPerson(t.deps, { accountsFor: [account.accountId] }),
    );
    const { cookie } = await signIn(t.app, member.email, MEMBER_PASSWORD);

    const anonymous = await client.GET('/api/v1/member/dashboard');
    expect(anonymous.error?.code).toBe('unauthenticated');

    const dashboard = await client.GET('/api/v1/member/dashboard', { headers: { cookie } });
    const totalDueCents: number | undefined = dashboard.data?.totalDueCents;
    expect(totalDueCents).toBe(7_500);
    expect(dashboard.data?.member.email).toBe(member.email);
  });

  it('registers a webhook endpoint with an API key and reads it back without its secret', async () => {
    const { authorization } = (await createApiKey(t.deps, { scopes: ['webhooks:manage'] })).headers;
    const made = await client.POST('/api/v1/webhook-endpoints', {
      headers: { authorization },
      params: { header: { 'idempotency-key': randomUUID() } },
      body: { url: 'https://billing.example.org/hooks', eventTypes: ['bill.paid', 'bill.corrected'] },
    });
    const secret: string | undefined = made.data?.secret;
    expect(secret).toMatch(/^whsec_/);
    const id = made.data?.endpoint.id ?? '';
    const read = await client.GET('/api/v1/webhook-endpoints/{endpointId}', {
      headers: { authorization },
      params: { path: { endpointId: id } },
    });
    expect(read.data?.eventTypes).toEqual(['bill.paid', 'bill.corrected']);
    const refused = await client.POST('/api/v1/webhook-endpoints', {
      headers: { authorization },
      params: { header: { 'idempotency-key': randomUUID() } },
      body: { url: 'http://billing.example.org/hooks' },
    });
    const problem: Problem | undefined = refused.error;
    expect(problem?.errors?.map((e) => e.field)).toEqual(['url']);
  });
});
