import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkPassword,
  MIN_LENGTH_SINGLE_FACTOR,
  MIN_LENGTH_WITH_TWO_STEP,
  passwordLength,
} from './passwords';

const never = () => false;
const context = { twoStep: false, email: 'maria@example.org', isCommon: never };

describe('checkPassword', () => {
  it('asks for 15 characters alone and 8 with two-step verification, with no composition rules', () => {
    expect(checkPassword('a'.repeat(14), context)).toBe('too_short');
    expect(checkPassword('a'.repeat(15), context)).toBeNull();
    expect(checkPassword('abcdefg', { ...context, twoStep: true })).toBe('too_short');
    expect(checkPassword('abcdefgh', { ...context, twoStep: true })).toBeNull();
  });

  it('counts characters as people see them', () => {
    expect(passwordLength('🙂🙂🙂')).toBe(3);
    expect(passwordLength('e\u0301')).toBe(1);
  });

  it('refuses common passwords whatever their case, and the email address itself', () => {
    const isCommon = (p: string) => p === 'letmeinletmeinletmein';
    expect(checkPassword('LetMeInLetMeInLetMeIn', { ...context, isCommon })).toBe('too_common');
    expect(
      checkPassword('Maria@Example.org', { ...context, email: 'maria@example.org', twoStep: true }),
    ).toBe('same_as_email');
  });

  it('accepts every long enough uncommon password, any characters (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: MIN_LENGTH_SINGLE_FACTOR, maxLength: 80 }),
        (p) => {
          fc.pre(passwordLength(p) >= MIN_LENGTH_SINGLE_FACTOR && p.toLowerCase() !== context.email);
          expect(checkPassword(p, context)).toBeNull();
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: MIN_LENGTH_WITH_TWO_STEP - 1 }), (p) => {
        fc.pre(passwordLength(p) < MIN_LENGTH_WITH_TWO_STEP);
        expect(checkPassword(p, { ...context, twoStep: true })).toBe('too_short');
      }),
    );
  });
});
