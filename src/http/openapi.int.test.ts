import { randomUUID } from 'node:crypto';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../test/app';

/**
 * Every operation in the served document, routes added later included: an operationId, the problem
 * answers it can give, and how it is authenticated, which the app is held to.
 */

/**
 * The operations anyone may call. A route is public only when it says `security: []` AND is listed
 * here, so making one public is a decision seen twice (and an authenticated route that forgets to
 * say how, outside /api/v1/member and /api/v1/guest, fails below).
 */
const PUBLIC = [
  'GET /api/v1/organization',
  'POST /api/v1/guest/lookups',
  'POST /api/v1/member/sessions',
  'POST /api/v1/member/sessions/two-step',
  'POST /api/v1/member/password-resets',
  'POST /api/v1/member/password-resets/complete',
  'POST /api/v1/member/registrations',
  'POST /api/v1/member/email-verifications',
  'POST /sandbox/v1/tokens',
  // FHIR clients read the CapabilityStatement before they authenticate (decision 0037).
  'GET /fhir/R4/metadata',
];

const t = await buildTestApp();
afterAll(async () => {
  await t.close();
});

const doc = (
  await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })
).json() as OpenAPIV3_1.Document;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const op = item?.[method];
    return op ? [{ key: `${method.toUpperCase()} ${path}`, method, path, op }] : [];
  }),
);

describe('every operation in the OpenAPI document', () => {
  it('is there (a sanity check on the walk below)', () => {
    expect(operations.length).toBeGreaterThanOrEqual(50);
  });

  it('has a unique camelCase operationId', () => {
    const ids = operations.map(({ key, op }) => [key, op.operationId] as const);
    for (const [key, id] of ids) expect(id, key).toMatch(/^[a-z][A-Za-z0-9]*$/);
    const seen = new Map<string, string>();
    for (const [key, id] of ids) {
      expect(seen.get(id!), `${key} and ${seen.get(id!)} share the operationId ${id}`).toBeUndefined();
      seen.set(id!, key);
    }
  });

  it('lists at least one 4xx answer, and every error answer is problem+json', () => {
    for (const { key, op } of operations) {
      const statuses = Object.keys(op.responses ?? {});
      expect(
        statuses.some((s) => /^4\d\d$/.test(s)),
        key,
      ).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const given = op.responses?.[status];
        const response =
          given && '$ref' in given
            ? doc.components?.responses?.[given.$ref.replace('#/components/responses/', '')]
            : given;
        expect(
          (response as OpenAPIV3_1.ResponseObject | undefined)?.content,
          `${key} ${status}`,
        ).toHaveProperty(['application/problem+json']);
      }
    }
  });

  it('says how it is authenticated, with declared schemes; only the reviewed public ones need nothing', () => {
    const schemes = Object.keys(doc.components?.securitySchemes ?? {});
    for (const { key, op } of operations) {
      expect(op.security, `${key} says nothing about security`).toBeInstanceOf(Array);
      for (const scheme of op.security!.flatMap((r) => Object.keys(r)))
        expect(schemes, key).toContain(scheme);
    }
    const open = operations.filter(({ op }) => op.security?.length === 0).map(({ key }) => key);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('has tags the document describes', () => {
    const described = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const { key, op } of operations) {
      expect(op.tags?.length, key).toBeGreaterThan(0);
      for (const tag of op.tags ?? []) expect(described.get(tag), `${key}: tag "${tag}"`).toBeTruthy();
    }
  });

  it('is held to its security: a secured one never answers a caller without credentials with success', async () => {
    let address = 0;
    for (const { key, method, path, op } of operations) {
      const res = await t.app.inject({
        method: method.toUpperCase() as 'GET',
        url: path.replace(/\{[^}]+\}/g, randomUUID()),
        headers: { 'idempotency-key': randomUUID() },
        // Each from its own address, so the flood guard never answers instead of the route.
        remoteAddress: `10.77.0.${++address}`,
      });
      if (op.security?.length) {
        // An API key is checked before the body is read (401); a session route validates the body
        // before it looks for the session: 400 then, else 401.
        const keyRoute = op.security.some((s) => 'apiKey' in s);
        expect(res.statusCode, key).toBe(op.requestBody && !keyRoute ? 400 : 401);
      } else {
        expect([401, 403], `${key} is public but answered ${res.statusCode}`).not.toContain(res.statusCode);
      }
    }
  });
});

describe('the documentation', () => {
  it('has the header a client needs: servers, licence', () => {
    expect(doc.servers).toEqual([{ url: '/', description: 'This deployment' }]);
    expect(doc.info.license).toMatchObject({ identifier: 'Apache-2.0' });
  });
});
