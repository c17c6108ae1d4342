import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { buildApp } from '../../app';
import { AdjustableClock } from '../../platform/clock';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('development clock', () => {
  it('moves the app’s time forward and back to real time, outside production only', async () => {
    const clock = new AdjustableClock();
    const app = await buildApp({ ...t.deps, clock });
    try {
      const before = Date.now();
      const moved = await app.inject({ method: 'POST', url: '/dev/clock', payload: { days: 3, hours: 2 } });
      expect(moved.statusCode).toBe(200);
      expect(moved.json().offset).toBe('PT74H');
      expect(clock.now().epochMilliseconds - before).toBeGreaterThanOrEqual(74 * 3600 * 1000);
      expect(
        (await app.inject({ method: 'POST', url: '/dev/clock', payload: { days: -1 } })).statusCode,
      ).toBe(400);
      expect((await app.inject({ method: 'DELETE', url: '/dev/clock' })).json().offset).toBe('PT0S');
    } finally {
      await app.close();
    }
    const production = await buildApp({
      ...t.deps,
      clock: new AdjustableClock(),
      config: { ...t.deps.config, env: 'production' },
    });
    try {
      expect((await production.inject({ method: 'GET', url: '/dev/clock' })).statusCode).toBe(404);
    } finally {
      await production.close();
    }
  });
});
