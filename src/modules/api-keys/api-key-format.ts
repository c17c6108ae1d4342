import { createHash, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { randomBytes } from '../../platform/ids';

/**
 * An API key as the integrator holds it: `sk_<mode>_<key id>_<secret>`, e.g.
 * `sk_live_3fz7q2mdk5hxw4ra_…` (52 more characters). The prefix says what it is (for people and
 * secret scanners) and whether it belongs to a test or a live deployment; the key id (80 random bits)
 * is public and finds the key's row; the secret (256 random bits) is what proves possession. All in
 * lowercase base32, so a double-click selects the whole key and nothing needs escaping.
 */
export type ApiKeyMode = 'test' | 'live';

export interface ApiKeyParts {
  mode: ApiKeyMode;
  keyId: string;
  secret: string;
}

export const KEY_ID_LENGTH = 16;
export const SECRET_LENGTH = 52;
/** Longer than any key: the header is not even matched against the pattern beyond this. */
export const MAX_API_KEY_LENGTH = 8 + KEY_ID_LENGTH + 1 + SECRET_LENGTH;

const API_KEY = /^sk_(test|live)_([a-z2-7]{16})_([a-z2-7]{52})$/;
export const KEY_ID = /^[a-z2-7]{16}$/;

export function formatApiKey(parts: ApiKeyParts): string {
  return `sk_${parts.mode}_${parts.keyId}_${parts.secret}`;
}

/** The parts of a well-formed key; null for anything else (never throws, whatever it is given). */
export function parseApiKey(token: string): ApiKeyParts | null {
  if (token.length !== MAX_API_KEY_LENGTH) return null;
  const match = API_KEY.exec(token);
  if (!match) return null;
  const [, mode, keyId, secret] = match;
  if (!keyId || !secret) return null;
  return { mode: mode === 'live' ? 'live' : 'test', keyId, secret };
}

export function newKeyId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(10));
}

export function newSecret(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(32));
}

/**
 * What is stored: SHA-256 of the whole key (hex). The secret is 256 random bits, so a fast hash is
 * as safe as a slow one here (nothing to guess) and costs microseconds per request; see
 * docs/decisions/0021.
 */
export function hashApiKey(token: string): string {
  return digestOf(token).toString('hex');
}

export function digestOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Constant-time comparison of a SHA-256 digest with a stored hex hash (false if that is malformed). */
export function digestMatches(digest: Buffer, storedHash: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(storedHash)) return false;
  return timingSafeEqual(digest, Buffer.from(storedHash, 'hex'));
}

/** Whether `token` hashes to `storedHash`, compared in constant time. */
export function apiKeyMatches(token: string, storedHash: string): boolean {
  return digestMatches(digestOf(token), storedHash);
}
