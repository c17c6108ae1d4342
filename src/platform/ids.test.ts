import { describe, expect, it } from 'vitest';
import { normalizeConfirmationNumber } from '../domain/identifiers';
import { newConfirmationNumber } from './ids';

describe('confirmation numbers', () => {
  it('end in a letter or digit people can read aloud, and still validate', () => {
    for (let i = 0; i < 2_000; i++) {
      const n = newConfirmationNumber();
      expect(n).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]$/);
      expect(normalizeConfirmationNumber(n.toLowerCase())).toBe(n);
    }
  });
});
