import { createHash, randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';
import { confirmationNumberFrom } from '../domain/identifiers';

/**
 * Cryptographically random bytes, drawn from the system generator 4 KiB at a time: a payment takes
 * about ten ids and numbers, and one call per id was a measurable share of its CPU. Bytes are never
 * handed out twice (each refill is a new buffer).
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;
export function randomBytes(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_BYTES, size)));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}

const uuidRandom = () => randomBytes(16);

/** Time-ordered primary keys (UUIDv7) keep inserts at the right edge of the index. */
export function newId(): string {
  return v7({ rng: uuidRandom });
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
