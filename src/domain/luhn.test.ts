import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLuhnValid, luhnCheckDigit } from './luhn';

const digitString = fc.stringMatching(/^\d{1,30}$/);

describe('luhnCheckDigit', () => {
  it('matches known numbers', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(luhnCheckDigit('424242424242424')).toBe(2);
    expect(luhnCheckDigit('0')).toBe(0);
  });

  it('rejects anything but digits', () => {
    expect(() => luhnCheckDigit('')).toThrow(RangeError);
    expect(() => luhnCheckDigit('12a4')).toThrow(RangeError);
    expect(() => luhnCheckDigit('12 34')).toThrow(RangeError);
  });

  it('makes any digit string valid when appended', () => {
    fc.assert(
      fc.property(digitString, (base) => {
        expect(isLuhnValid(`${base}${luhnCheckDigit(base)}`)).toBe(true);
      }),
    );
  });
});

describe('isLuhnValid', () => {
  it('accepts and rejects known numbers', () => {
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('4242424242424242')).toBe(true);
    expect(isLuhnValid('4242424242424241')).toBe(false);
  });

  it('is false for empty or non-digit input', () => {
    expect(isLuhnValid('')).toBe(false);
    expect(isLuhnValid('4242 4242 4242 4242')).toBe(false);
    expect(isLuhnValid('abc')).toBe(false);
    expect(isLuhnValid('-0')).toBe(false);
  });

  it('detects any single changed digit', () => {
    fc.assert(
      fc.property(digitString, fc.nat(), fc.integer({ min: 1, max: 9 }), (base, at, delta) => {
        const valid = `${base}${luhnCheckDigit(base)}`;
        const i = at % valid.length;
        const changed = String((Number(valid[i]) + delta) % 10);
        const tampered = `${valid.slice(0, i)}${changed}${valid.slice(i + 1)}`;
        expect(isLuhnValid(tampered)).toBe(false);
      }),
    );
  });
});
