import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app';
import { loggableUrl } from '../platform/logger';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

const token = 'rt_9f8E7d6C5b4A3z2Y1x0WvUtSrQpOnMlK';

describe('request logs carry no secrets', () => {
  it('logs an emailed reset link without its token', async () => {
    const before = t.logLines.length;
    const res = await t.app.inject({ method: 'GET', url: `/reset-password?token=${token}&locale=es` });
    expect(res.statusCode).toBeLessThan(500);
    const lines = t.logLines.slice(before).join('');
    expect(lines).toContain('/reset-password?');
    expect(lines).not.toContain(token);
    expect(lines).toContain('token=[redacted]');
    // An allow-listed parameter is kept for whoever reads the log.
    expect(lines).toContain('locale=es');
  });

  it('logs a verification link sent with odd encodings without its token', async () => {
    const before = t.logLines.length;
    await t.app.inject({ method: 'GET', url: `/verify-email?to%6Ben=${token}&${token}` });
    expect(t.logLines.slice(before).join('')).not.toContain(token);
  });

  it('keeps a plain X-Request-Id and replaces one that is not a plain id', async () => {
    const plain = 'lb-2f6c1a.77_A';
    let before = t.logLines.length;
    let res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': plain } });
    expect(res.statusCode).toBe(200);
    expect(t.logLines.slice(before).join('')).toContain(`"reqId":"${plain}"`);

    const forged = `token=${token} "level":60`;
    before = t.logLines.length;
    res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': forged } });
    expect(res.statusCode).toBe(200);
    const lines = t.logLines.slice(before).join('');
    expect(lines).not.toContain(token);
    expect(lines).toMatch(/"reqId":"[0-9a-f-]{36}"/);

    before = t.logLines.length;
    await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a'.repeat(65) } });
    expect(t.logLines.slice(before).join('')).not.toContain('a'.repeat(65));
  });
});

describe('loggableUrl', () => {
  it('keeps paths and allow-listed parameters, hides every other value', () => {
    expect(loggableUrl('/api/v1/member/bills')).toBe('/api/v1/member/bills');
    expect(loggableUrl('/api/v1/member/bills?status=open&limit=10')).toBe(
      '/api/v1/member/bills?status=open&limit=10',
    );
    expect(loggableUrl('/x?code=123456&key=abc&signature=s&locale=en')).toBe(
      '/x?code=[redacted]&key=[redacted]&signature=[redacted]&locale=en',
    );
    expect(loggableUrl('/x?secretvalue')).toBe('/x?[redacted]');
    expect(loggableUrl('/x?%E0%A4%A=1')).toBe('/x?[redacted]=[redacted]');
  });
});
