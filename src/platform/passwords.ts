import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

/** argon2id with OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane). */
// 2 is Algorithm.Argon2id (a const enum, which this build cannot import).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFC'), ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

/**
 * A hash of a password nobody has, verified against when the email is unknown, so that an unknown
 * email takes as long to refuse as a wrong password.
 */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(`decoy ${Math.random()} ${Date.now()}`);
  return decoyHash;
}

/** The 10,000 most common passwords (zxcvbn's frequency-ranked list), lower-cased. */
let common: Set<string> | null = null;
export function isCommonPassword(candidate: string): boolean {
  common ??= new Set(dictionary['passwords-common'].slice(0, 10_000).map((p) => p.toLowerCase()));
  return common.has(candidate.toLowerCase());
}
