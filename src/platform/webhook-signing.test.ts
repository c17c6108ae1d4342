import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, webhookHeaders, webhookSecretKey } from './webhook-signing';

describe('Standard Webhooks signatures', () => {
  it('match the test vector the spec’s reference libraries publish', () => {
    // standard-webhooks/libraries (javascript, python, go …): "sign function works".
    expect(
      signWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verify with the standardwebhooks package for any body, and every secret of a rotation verifies on its own', () => {
    const now = Math.floor(Date.now() / 1000);
    fc.assert(
      fc.property(fc.json(), fc.uuid(), (body, id) => {
        const previous = newWebhookSecret();
        const current = newWebhookSecret();
        const headers = webhookHeaders([current, previous], id, now, body);
        expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
        // A receiver that knows only one of the two secrets accepts the delivery.
        expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
        expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
        expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
        expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
      }),
      { numRuns: 50 },
    );
  });

  it('makes secrets of 32 random bytes and refuses ones that are not whsec_ and base64 of 24–64 bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSecretKey(secret)?.length).toBe(32);
    expect(newWebhookSecret()).not.toBe(secret);
    expect(webhookSecretKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    expect(webhookSecretKey(`whsec_${Buffer.alloc(16).toString('base64')}`)).toBeNull();
    expect(webhookSecretKey(`whsec_${Buffer.alloc(65).toString('base64')}`)).toBeNull();
    expect(webhookSecretKey('whsec_not base64!')).toBeNull();
    expect(() => webhookHeaders([], 'id', 1, '{}')).toThrow();
  });
});
