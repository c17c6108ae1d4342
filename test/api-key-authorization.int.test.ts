import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from './api-keys';
import { buildTestApp, type TestApp } from './app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  lookupMedical,
  MEMBER_PASSWORD,
  nextTestAddress,
  signIn,
} from './factories';

/**
 * Every route the app registers (enumerated as Fastify adds them, so a route added later is walked
 * too): an integrator (API key) route refuses a member session and a guest session on their own, and
 * every other route answers a valid API key exactly as it answers no credentials at all. Requests
 * carry bodies and query values sampled from the route's schema, so they get past validation to
 * where credentials are judged.
 */

interface WalkedRoute {
  method: string;
  url: string;
  keyRoute: boolean;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  default?: unknown;
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** API routes that answer without any session, outside the member, staff and guest families. */
const PUBLIC_API_ROUTES = new Set(['GET /api/v1/organization', 'GET /api/v1/openapi.json']);
const SESSION_FAMILY = /^\/api\/v1\/(member|staff|guest)(\/|$)/;

const routes: WalkedRoute[] = [];
let t: TestApp;
let key: ApiKeyFixture;
let member: { cookie: string; csrfToken: string };
let guestToken: string;
let operations: Record<string, Record<string, OpenApiOperation>>;

beforeAll(async () => {
  t = await buildTestApp({
    onRoute: (route) => {
      for (const method of [route.method].flat()) {
        routes.push({ method, url: route.url, keyRoute: route.config?.apiKey !== undefined });
      }
    },
  });
  key = await createApiKey(t.deps);
  const account = await createMedicalAccount(t.deps);
  const person = await createPerson(t.deps, { accountsFor: [account.accountId] });
  member = await signIn(t.app, (await createMember(t.deps, person)).email, MEMBER_PASSWORD);
  guestToken = (await lookupMedical(t.app, account)).sessionToken;
  operations = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json().paths;
});
afterAll(async () => {
  await t.close();
});

/** Values for fields whose patterns the generated schema cannot show, by field name. */
const KNOWN: Record<string, unknown> = {
  email: 'someone@example.org',
  birthDate: '1980-01-01',
  payOn: '2026-12-01',
  code: '123456',
  state: 'CA',
  postalCode: '94612',
  mobileNumber: '+15105550123',
  number: '4242424242424242',
  expYear: 2030,
  cvc: '123',
  ms: 0,
};

/** A value the schema accepts (the first alternative, the minimum, a fresh UUID). */
function sample(schema: JsonSchema, name = ''): unknown {
  if (name in KNOWN) return KNOWN[name];
  const variant = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (variant) return sample(variant, name);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sample(v, k)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => sample(schema.items ?? {}));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return 'someone@example.org';
      if (schema.format === 'date') return '2026-12-01';
      if (schema.format === 'date-time') return '2026-12-01T00:00:00Z';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

/** The request for a route, with path parameters, required query values and a body filled in. */
function requestFor(route: WalkedRoute): Omit<InjectOptions, 'headers'> {
  const openApiPath = route.url.replace(/:(\w+)/g, '{$1}');
  const op = operations[openApiPath]?.[route.method.toLowerCase()];
  const query = (op?.parameters ?? [])
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(sample(p.schema ?? {}, p.name)))}`)
    .join('&');
  const url = route.url.replace(/:(\w+)/g, () => randomUUID()).replace('*', 'x') + (query ? `?${query}` : '');
  const bodySchema = op?.requestBody?.content?.['application/json']?.schema;
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  return {
    method: route.method as 'GET',
    url,
    ...(hasBody ? { payload: (bodySchema ? sample(bodySchema) : {}) as object } : {}),
  };
}

function send(request: Omit<InjectOptions, 'headers'>, headers: Record<string, string>) {
  return t.app.inject({ ...request, headers, remoteAddress: nextTestAddress() });
}

/** The error code of an answer: problem+json's `code`, or an OperationOutcome's (on /fhir). */
function errorCodeOf(res: LightMyRequestResponse): string | undefined {
  const body = res.json();
  return body.code ?? body.issue?.[0]?.details?.coding?.[0]?.code;
}

function answerOf(res: LightMyRequestResponse): string {
  // HEAD answers have no body.
  const code = res.statusCode >= 400 && res.body !== '' ? ` ${errorCodeOf(res)}` : '';
  return `${res.statusCode}${code}`;
}

const label = (r: WalkedRoute) => `${r.method} ${r.url}`;

describe('API keys and sessions never reach each other’s routes', () => {
  it('enumerates the routes, integrator ones included, and every API route belongs to one family', () => {
    expect(routes.length).toBeGreaterThan(40);
    const keyRoutes = routes.filter((r) => r.keyRoute).map(label);
    expect(keyRoutes).toEqual(
      expect.arrayContaining(['GET /api/v1/api-keys/current', 'HEAD /api/v1/api-keys/current']),
    );
    for (const route of routes) {
      if (route.keyRoute) {
        expect(SESSION_FAMILY.test(route.url), label(route)).toBe(false);
        continue;
      }
      if (!route.url.startsWith('/api/v1/') || SESSION_FAMILY.test(route.url)) continue;
      // A new /api/v1 route is an integrator route unless it is knowingly public.
      expect(PUBLIC_API_ROUTES.has(label(route).replace(/^HEAD /, 'GET ')), label(route)).toBe(true);
    }
  });

  it('refuses a member session or a guest session alone on every integrator route', async () => {
    const keyRoutes = routes.filter((r) => r.keyRoute);
    expect(keyRoutes.length).toBeGreaterThanOrEqual(2);
    for (const route of keyRoutes) {
      const request = requestFor(route);
      const asMember = await send(request, { cookie: member.cookie, 'x-csrf-token': member.csrfToken });
      expect(asMember.statusCode, `${label(route)} with a member session`).toBe(401);
      expect(asMember.headers['www-authenticate'], label(route)).toMatch(/^Bearer /);
      if (route.method !== 'HEAD') expect(errorCodeOf(asMember)).toBe('api_key_invalid');
      const asGuest = await send(request, { authorization: `Bearer ${guestToken}` });
      expect(asGuest.statusCode, `${label(route)} with a guest session`).toBe(401);
      // The key itself gets past authentication and the scope check.
      const withKey = await send(request, key.headers);
      expect([401, 403], `${label(route)} with an API key`).not.toContain(withKey.statusCode);
    }
  });

  it('answers a valid API key alone on every other route exactly as it answers no credentials', async () => {
    let sessionRoutesRefused = 0;
    for (const route of routes.filter((r) => !r.keyRoute)) {
      const request = requestFor(route);
      const none = await send(request, {});
      const withKey = await send(request, key.headers);
      expect(answerOf(withKey), `${label(route)} with an API key`).toBe(answerOf(none));
      if (/^\/api\/v1\/(member|staff)\//.test(route.url) && none.statusCode === 401) sessionRoutesRefused++;
    }
    // The sampled requests got past validation: the member routes (GET and HEAD, changes) that need a
    // session judged it (50 when written; the open ones, registration and sign-in, answer without one).
    expect(sessionRoutesRefused).toBeGreaterThanOrEqual(45);
  });
});
