import { describe, expect, it } from 'vitest';
import { secretBox } from './secrets';

describe('secretBox', () => {
  const box = secretBox(Buffer.alloc(32, 1));

  it('opens what it sealed, with a fresh IV each time', () => {
    const a = box.seal('JBSWY3DPEHPK3PXP');
    const b = box.seal('JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(a)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a tampered value or another key', () => {
    const sealed = box.seal('secret');
    const [v, iv, body, tag] = sealed.split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open([v, iv, flipped.toString('base64url'), tag].join('.'))).toThrow();
    expect(() => secretBox(Buffer.alloc(32, 2)).open(sealed)).toThrow();
    expect(() => secretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
