import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  AddressRefusedError,
  checkOutboundUrl,
  guardedLookup,
  isBlockedAddress,
  isUrlProblem,
} from './outbound-url';

const production = { production: true };
const development = { production: false };

function problem(url: string, policy = production): string | null {
  const checked = checkOutboundUrl(url, policy);
  return isUrlProblem(checked) ? checked.code : null;
}

describe('outbound URLs (webhook endpoints)', () => {
  it('in production: https to a public host only', () => {
    expect(problem('https://billing.example.org/hooks?token=abc')).toBeNull();
    expect(problem('https://93.184.216.34/hooks')).toBeNull();
    expect(problem('http://billing.example.org/hooks')).toBe('https_required');
    expect(problem('ftp://billing.example.org/')).toBe('invalid');
    expect(problem('not a url')).toBe('invalid');
    expect(problem('https://user:pass@billing.example.org/')).toBe('credentials_not_allowed');
    expect(problem('https://billing.example.org/#x')).toBe('fragment_not_allowed');
    expect(problem(`https://billing.example.org/${'a'.repeat(2048)}`)).toBe('too_long');
    for (const host of [
      'localhost',
      'api.localhost',
      '127.0.0.1',
      '127.1', // the URL parser reads 127.0.0.1
      '2130706433', // the same, as one number
      '0x7f.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.10',
      '169.254.169.254', // cloud metadata
      '100.64.0.1',
      '0.0.0.0',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:10.0.0.1]',
      '[fd00::1]',
      '[fe80::1]',
      '[64:ff9b::a00:1]',
    ]) {
      expect({ host, code: problem(`https://${host}/hooks`) }).toEqual({ host, code: 'private_address' });
    }
  });

  it('outside production: http for this machine only, https anywhere', () => {
    expect(problem('http://127.0.0.1:8080/hooks', development)).toBeNull();
    expect(problem('http://localhost:8080/hooks', development)).toBeNull();
    expect(problem('http://[::1]:8080/hooks', development)).toBeNull();
    expect(problem('http://billing.example.org/hooks', development)).toBe('https_required');
    expect(problem('http://10.0.0.5/hooks', development)).toBe('https_required');
    expect(problem('https://10.0.0.5/hooks', development)).toBeNull();
  });

  it('knows public from private addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2001:4860:4860::8888']) {
      expect({ a, blocked: isBlockedAddress(a) }).toEqual({ a, blocked: false });
    }
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '::1',
      '::ffff:192.168.0.1',
      'fc00::1',
      '224.0.0.1',
      '255.255.255.255',
      'x',
    ]) {
      expect({ a, blocked: isBlockedAddress(a) }).toEqual({ a, blocked: true });
    }
  });

  it('at connection time keeps only public addresses of a name, and refuses a name with none', async () => {
    const resolveTo =
      (addresses: LookupAddress[]) =>
      (
        _host: string,
        _options: unknown,
        done: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void,
      ) =>
        done(null, addresses);
    const lookup = (addresses: LookupAddress[], all: boolean) =>
      new Promise<{ err: Error | null; address: unknown; family: unknown }>((resolve) =>
        guardedLookup(resolveTo(addresses))('hooks.example.org', { all }, (err, address, family) =>
          resolve({ err, address, family }),
        ),
      );
    const rebinding = [
      { address: '10.0.0.7', family: 4 },
      { address: '93.184.216.34', family: 4 },
    ];
    expect(await lookup(rebinding, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await lookup(rebinding, true)).address).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const refused = await lookup(
      [
        { address: '169.254.169.254', family: 4 },
        { address: 'fd00::2', family: 6 },
      ],
      false,
    );
    expect(refused.err).toBeInstanceOf(AddressRefusedError);
  });
});
