import { createHash, randomBytes } from 'node:crypto';
import { v7 } from 'uuid';
import { confirmationNumberFrom } from '../domain/identifiers';

/** Time-ordered primary keys (UUIDv7) keep inserts at the right edge of the index. */
export function newId(): string {
  return v7();
}

/**
 * A confirmation number people can read aloud: Crockford's mod-37 check symbol may be one of
 * `*~$=U`, so numbers whose check symbol is not a letter or digit are drawn again (5 in 37).
 */
export function newConfirmationNumber(): string {
  for (;;) {
    const candidate = confirmationNumberFrom(randomBytes(8));
    if (/[0-9A-Z]$/.test(candidate) && !candidate.endsWith('U')) return candidate;
  }
}

/** A 128-bit random bearer secret, URL-safe. */
export function newSecretToken(): string {
  return randomBytes(16).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
