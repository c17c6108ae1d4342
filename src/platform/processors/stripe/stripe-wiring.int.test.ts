import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../../test/app';

const stripe = {
  secretKey: 'sk_test_51SettleWiring000000000000',
  publishableKey: 'pk_test_51SettleWiring000000000000',
  webhookSecret: 'whsec_SettleWiring00000000000000',
  mode: 'test' as const,
};

describe('PROCESSOR=stripe', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ config: { processor: 'stripe', stripe } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('builds the Stripe adapter and mounts no sandbox tokenization', async () => {
    expect(t.deps.processor.name).toBe('stripe');
    expect(t.deps.sandbox).toBeNull();
    const res = await t.app.inject({
      method: 'POST',
      url: '/sandbox/v1/tokens',
      payload: {
        type: 'card',
        card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' },
      },
    });
    expect(res.statusCode).toBe(404);
    const org = await t.app.inject({ method: 'GET', url: '/api/v1/organization' });
    expect(org.json().processor).toMatchObject({ name: 'stripe', mode: 'test' });
    expect(org.body).not.toContain(stripe.secretKey);
    expect(t.logLines.join('\n')).not.toContain(stripe.secretKey);
    expect(t.logLines.join('\n')).not.toContain(stripe.webhookSecret);
  });
});
