import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app';
import { ConfigError, loadConfig } from '../config';

const hop = (value: string) => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value }).trustProxy;

describe('TRUST_PROXY', () => {
  it('takes a hop count or the balancer’s addresses, and refuses true', () => {
    expect(hop('false')).toBe(false);
    expect(hop('1')).toBe(1);
    expect(hop('2')).toBe(2);
    expect(hop('10.0.0.0/8, 192.168.1.7,fd00::/8')).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(hop('loopback,10.1.2.3')).toEqual(['loopback', '10.1.2.3']);
    expect(() => hop('true')).toThrow(ConfigError);
    expect(() => hop('true')).toThrow(/TRUST_PROXY: true would trust every X-Forwarded-For hop/);
    expect(() => hop('10.0.0.0/33')).toThrow(/not an address: 10.0.0.0\/33/);
    expect(() => hop('balancer.internal')).toThrow(ConfigError);
  });
});

describe('behind one proxy (TRUST_PROXY=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ config: { trustProxy: hop('1') } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes the address the proxy saw, not one the client wrote into X-Forwarded-For', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/organization',
      remoteAddress: '10.0.0.2',
      headers: { 'x-forwarded-for': '1.2.3.4, 5.6.7.8' },
    });
    expect(res.statusCode).toBe(200);
    const logged = t.logLines.filter((l) => l.includes('"remoteAddress"')).at(-1) ?? '';
    expect(logged).toContain('"remoteAddress":"5.6.7.8"');
    expect(logged).not.toContain('1.2.3.4');
  });

  it('keeps the guest lookup limit (20) however the client rotates forged addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/guest/lookups',
        remoteAddress: '10.0.0.2',
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.77` },
        payload: {
          regionId: 'ncal',
          kind: 'medical',
          accountNumber: `3${String(100_000_000 + i).padStart(9, '0')}`,
          postalCode: '94612',
        },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 20).every((s) => s === 404 || s === 400)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
  });
});
