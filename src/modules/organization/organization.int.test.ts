import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the organization, as clients see it', () => {
  it('gives each region its time zone and whether it offers autopay, with the explanation where it does not', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/organization' });
    expect(res.statusCode).toBe(200);
    const regions = res.json().regions as {
      id: string;
      timeZone: string;
      autopay: Record<string, unknown>;
    }[];
    expect(regions.find((r) => r.id === 'ncal')).toMatchObject({
      timeZone: 'America/Los_Angeles',
      autopay: { status: 'available' },
    });
    expect(regions.find((r) => r.id === 'colorado')).toMatchObject({
      timeZone: 'America/Denver',
      autopay: { status: 'unavailable', explanation: { en: expect.stringContaining('not yet available') } },
    });
  });
});
