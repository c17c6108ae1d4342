import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './app';

let t: TestApp;
let prod: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
  prod = await buildTestApp({ config: { env: 'production' } });
});
afterAll(async () => {
  await t.close();
  await prod.close();
});

/** Every header but those that change with each answer (date, length, request id, rate-limit counts). */
function stableHeaders(headers: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(
        ([name]) => !/^(date|content-length|x-request-id|x-ratelimit-.*|etag|last-modified)$/.test(name),
      )
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

const CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';" +
  "img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';" +
  "style-src 'self' 'unsafe-inline';frame-src 'self'";
const SECURITY = {
  connection: 'keep-alive',
  'content-security-policy': CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

// The exact header set of a page, a member API answer and a 404 (helmet's, set once per process).
describe('security headers', () => {
  it('are the same on a page, an API answer and a 404', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(stableHeaders(page.headers)).toEqual({ ...SECURITY, 'content-type': 'text/html; charset=utf-8' });
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/member/dashboard' });
    expect(api.statusCode).toBe(401);
    expect(stableHeaders(api.headers)).toEqual({
      ...SECURITY,
      'cache-control': 'no-store',
      'content-type': 'application/problem+json; charset=utf-8',
    });
    const missing = await t.app.inject({ method: 'GET', url: '/nope' });
    expect(stableHeaders(missing.headers)).toEqual({
      ...SECURITY,
      'content-type': 'application/problem+json; charset=utf-8',
    });
  });

  it('add HSTS and upgrade-insecure-requests in production', async () => {
    const api = await prod.app.inject({ method: 'GET', url: '/api/v1/member/dashboard' });
    expect(api.statusCode).toBe(401);
    expect(stableHeaders(api.headers)).toEqual({
      ...SECURITY,
      'content-security-policy': CSP.replace(
        "frame-src 'self'",
        "upgrade-insecure-requests;frame-src 'self'",
      ),
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cache-control': 'no-store',
      'content-type': 'application/problem+json; charset=utf-8',
    });
  });
});
