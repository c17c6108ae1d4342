import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { randomBytes } from './ids';

/**
 * Secrets kept at rest (TOTP keys) are sealed with AES-256-GCM under DATA_ENCRYPTION_KEY: a random
 * 96-bit IV per value, the 128-bit tag checked on opening. Stored as `v1.<iv>.<ciphertext>.<tag>`
 * (base64url) so the format can change later.
 */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv, body, cipher.getAuthTag()]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag) throw new Error('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    },
  };
}

/** A fixed key for development and tests only; production requires DATA_ENCRYPTION_KEY. */
export const DEVELOPMENT_KEY = createHash('sha256').update('settle development key — not secret').digest();
