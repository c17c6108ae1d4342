import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apiKeyMatches,
  digestMatches,
  digestOf,
  formatApiKey,
  hashApiKey,
  KEY_ID_LENGTH,
  newKeyId,
  newSecret,
  parseApiKey,
  SECRET_LENGTH,
} from './api-key-format';

const base32 = 'abcdefghijklmnopqrstuvwxyz234567'.split('');
const chars = (length: number) =>
  fc.array(fc.constantFrom(...base32), { minLength: length, maxLength: length }).map((a) => a.join(''));
const parts = fc.record({
  mode: fc.constantFrom('test' as const, 'live' as const),
  keyId: chars(KEY_ID_LENGTH),
  secret: chars(SECRET_LENGTH),
});

describe('API key format', () => {
  it('parses what it formats, whatever the parts', () => {
    fc.assert(
      fc.property(parts, (p) => {
        expect(parseApiKey(formatApiKey(p))).toEqual(p);
      }),
    );
  });

  it('formats new keys with a recognisable prefix and the lengths it parses', () => {
    const token = formatApiKey({ mode: 'live', keyId: newKeyId(), secret: newSecret() });
    expect(token).toMatch(/^sk_live_[a-z2-7]{16}_[a-z2-7]{52}$/);
    expect(parseApiKey(token)?.mode).toBe('live');
    expect(newKeyId()).not.toBe(newKeyId());
    expect(newSecret()).not.toBe(newSecret());
  });

  it('refuses anything that is not exactly a key, and never throws', () => {
    const good = formatApiKey({ mode: 'test', keyId: 'a'.repeat(16), secret: 'b'.repeat(52) });
    for (const bad of [
      '',
      good.slice(1),
      `${good}a`,
      good.toUpperCase(),
      good.replace('sk_test_', 'pk_test_'),
      good.replace('sk_test_', 'sk_prod_'),
      good.replace('_bbb', '-bbb'),
      `${good.slice(0, -1)}1`,
      `${good.slice(0, -1)}=`,
      `${good.slice(0, -1)}\n`,
    ]) {
      expect(parseApiKey(bad), JSON.stringify(bad)).toBeNull();
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const parsed = parseApiKey(s);
        if (parsed) expect(formatApiKey(parsed)).toBe(s);
      }),
    );
  });

  it('matches a key only against its own hash, in constant time', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const tokenA = formatApiKey(a);
        const tokenB = formatApiKey(b);
        const hashA = hashApiKey(tokenA);
        expect(hashA).toMatch(/^[0-9a-f]{64}$/);
        expect(hashA).not.toContain(a.secret);
        expect(apiKeyMatches(tokenA, hashA)).toBe(true);
        expect(apiKeyMatches(tokenB, hashA)).toBe(tokenA === tokenB);
      }),
    );
  });

  it('treats a malformed stored hash as no match instead of throwing', () => {
    const digest = digestOf('sk_test_x');
    for (const stored of ['', 'abc', 'z'.repeat(64), hashApiKey('x').toUpperCase(), `${hashApiKey('x')}00`]) {
      expect(digestMatches(digest, stored)).toBe(false);
    }
  });
});
