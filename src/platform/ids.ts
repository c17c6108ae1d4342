import { createHash, randomBytes } from 'node:crypto';
import { v7 } from 'uuid';
import { confirmationNumberFrom } from '../domain/identifiers';

/** Time-ordered primary keys (UUIDv7) keep inserts at the right edge of the index. */
export function newId(): string {
  return v7();
}

export function newConfirmationNumber(): string {
  return confirmationNumberFrom(randomBytes(8));
}

/** A 128-bit random bearer secret, URL-safe. */
export function newSecretToken(): string {
  return randomBytes(16).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
