import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confirmationNumberFrom,
  crockfordCheckSymbol,
  encodeCrockford,
  isValidCheckedNumber,
  normalizeConfirmationNumber,
  withCheckDigit,
} from './identifiers';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_ALPHABET = `${ALPHABET}*~$=U`;
const randomBytes = fc.uint8Array({ minLength: 7, maxLength: 16 });

describe('withCheckDigit / isValidCheckedNumber', () => {
  it('appends the Luhn digit', () => {
    expect(withCheckDigit('7992739871')).toBe('79927398713');
    expect(isValidCheckedNumber('79927398713')).toBe(true);
    expect(isValidCheckedNumber('79927398712')).toBe(false);
  });

  it('rejects a lone digit, empty and non-digit input', () => {
    expect(isValidCheckedNumber('0')).toBe(false);
    expect(isValidCheckedNumber('')).toBe(false);
    expect(isValidCheckedNumber('A1000')).toBe(false);
    expect(() => withCheckDigit('')).toThrow(RangeError);
    expect(() => withCheckDigit('12a')).toThrow(RangeError);
  });

  it('validates what it generates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,20}$/), (base) => {
        const n = withCheckDigit(base);
        expect(n.startsWith(base)).toBe(true);
        expect(n).toHaveLength(base.length + 1);
        expect(isValidCheckedNumber(n)).toBe(true);
      }),
    );
  });
});

describe('encodeCrockford', () => {
  it('reads bits big-endian, five at a time', () => {
    expect(encodeCrockford(new Uint8Array([0, 0, 0, 0, 0]), 8)).toBe('00000000');
    expect(encodeCrockford(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]), 8)).toBe('ZZZZZZZZ');
    // 0x84 0x21 = 10000 10000 10000 1..: symbols 16, 16, 16
    expect(encodeCrockford(new Uint8Array([0x84, 0x21]), 3)).toBe('GGG');
    expect(encodeCrockford(new Uint8Array([0x08, 0x86, 0x42, 0x98, 0xe8]), 8)).toBe('12345678');
    expect(encodeCrockford(new Uint8Array([]), 0)).toBe('');
  });

  it('needs enough bytes for the symbols asked for', () => {
    expect(() => encodeCrockford(new Uint8Array(6), 10)).toThrow(RangeError);
    expect(() => encodeCrockford(new Uint8Array(7), -1)).toThrow(RangeError);
    expect(encodeCrockford(new Uint8Array(7), 11)).toBe('00000000000');
  });

  it('only uses the Crockford alphabet and is determined by the bits it reads', () => {
    fc.assert(
      fc.property(randomBytes, (bytes) => {
        const length = Math.floor((bytes.length * 8) / 5);
        const encoded = encodeCrockford(bytes, length);
        expect(encoded).toHaveLength(length);
        for (const s of encoded) expect(ALPHABET).toContain(s);
        const bits = [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
        const decoded = [...encoded].map((s) => ALPHABET.indexOf(s).toString(2).padStart(5, '0')).join('');
        expect(decoded).toBe(bits.slice(0, length * 5));
      }),
    );
  });
});

describe('crockfordCheckSymbol', () => {
  it('is the value mod 37', () => {
    expect(crockfordCheckSymbol('0')).toBe('0');
    expect(crockfordCheckSymbol('Z')).toBe('Z'); // 31
    expect(crockfordCheckSymbol('10')).toBe('*'); // 32
    expect(crockfordCheckSymbol('14')).toBe('U'); // 36
    expect(crockfordCheckSymbol('15')).toBe('0'); // 37
  });

  it('rejects symbols outside the alphabet', () => {
    expect(() => crockfordCheckSymbol('ABCU')).toThrow(RangeError);
    expect(() => crockfordCheckSymbol('abc')).toThrow(RangeError);
    expect(() => crockfordCheckSymbol('AB-C')).toThrow(RangeError);
  });

  it('agrees with BigInt arithmetic', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{1,26}$/), (value) => {
        const big = [...value].reduce((acc, s) => acc * 32n + BigInt(ALPHABET.indexOf(s)), 0n);
        expect(crockfordCheckSymbol(value)).toBe(CHECK_ALPHABET[Number(big % 37n)]);
      }),
    );
  });
});

describe('confirmationNumberFrom', () => {
  it('formats 10 symbols and a check symbol in three groups', () => {
    const n = confirmationNumberFrom(new Uint8Array([0x08, 0x86, 0x42, 0x98, 0xe8, 0x4a, 0x80]));
    expect(n).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z*~$=U]$/);
    expect(n.slice(0, 11)).toBe('12345-6789A');
  });

  it('needs at least 7 bytes', () => {
    expect(() => confirmationNumberFrom(new Uint8Array(6))).toThrow(RangeError);
  });

  it('normalizes to itself, whatever the bytes', () => {
    fc.assert(
      fc.property(randomBytes, (bytes) => {
        const n = confirmationNumberFrom(bytes);
        expect(n).toHaveLength(13);
        expect(normalizeConfirmationNumber(n)).toBe(n);
      }),
    );
  });
});

describe('normalizeConfirmationNumber', () => {
  const canonical = confirmationNumberFrom(new Uint8Array([0x08, 0x86, 0x42, 0x98, 0xe8, 0x4a, 0x80]));

  it('accepts what people type back', () => {
    const compact = canonical.replace(/-/g, '');
    expect(normalizeConfirmationNumber(compact)).toBe(canonical);
    expect(normalizeConfirmationNumber(compact.toLowerCase())).toBe(canonical);
    expect(normalizeConfirmationNumber(` ${canonical.replace(/-/g, ' ')} `)).toBe(canonical);
  });

  it('reads O as 0 and I or L as 1', () => {
    const withZeroAndOne = confirmationNumberFrom(new Uint8Array([0x00, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00]));
    expect(withZeroAndOne.slice(0, 3)).toBe('011');
    const typed = `Oil${withZeroAndOne.slice(3)}`;
    expect(normalizeConfirmationNumber(typed)).toBe(withZeroAndOne);
    expect(normalizeConfirmationNumber(`OLI${withZeroAndOne.slice(3)}`)).toBe(withZeroAndOne);
  });

  it('rejects wrong length, bad symbols and bad check symbols', () => {
    expect(normalizeConfirmationNumber('')).toBeNull();
    expect(normalizeConfirmationNumber(canonical.slice(0, -1))).toBeNull();
    expect(normalizeConfirmationNumber(`${canonical}0`)).toBeNull();
    expect(normalizeConfirmationNumber(`U${canonical.slice(1)}`)).toBeNull();
    expect(normalizeConfirmationNumber(`*${canonical.slice(1)}`)).toBeNull();
    expect(normalizeConfirmationNumber('12345-6789A-#')).toBeNull();
  });

  it('detects any single changed symbol', () => {
    fc.assert(
      fc.property(randomBytes, fc.integer({ min: 0, max: 10 }), fc.nat(), (bytes, position, pick) => {
        const n = confirmationNumberFrom(bytes);
        const compact = n.replace(/-/g, '');
        const alphabet = position === 10 ? CHECK_ALPHABET : ALPHABET;
        const others = [...alphabet].filter((s) => s !== compact[position]);
        const replacement = others[pick % others.length];
        const tampered = `${compact.slice(0, position)}${replacement}${compact.slice(position + 1)}`;
        expect(normalizeConfirmationNumber(tampered)).toBeNull();
      }),
    );
  });

  it('detects swapped adjacent symbols', () => {
    fc.assert(
      fc.property(randomBytes, fc.integer({ min: 0, max: 8 }), (bytes, i) => {
        const compact = confirmationNumberFrom(bytes).replace(/-/g, '');
        fc.pre(compact[i] !== compact[i + 1]);
        const swapped = `${compact.slice(0, i)}${compact[i + 1]}${compact[i]}${compact.slice(i + 2)}`;
        expect(normalizeConfirmationNumber(swapped)).toBeNull();
      }),
    );
  });
});
