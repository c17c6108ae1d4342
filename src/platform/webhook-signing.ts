import { createHmac } from 'node:crypto';
import { randomBytes } from './ids';

/**
 * Standard Webhooks symmetric signatures (https://www.standardwebhooks.com, spec 1.0.0): a secret is
 * `whsec_` + base64 of 24–64 random bytes; a signature is `v1,` + base64(HMAC-SHA256(secret bytes,
 * "{webhook-id}.{webhook-timestamp}.{body}")); the `webhook-signature` header carries one signature per
 * secret in force, space-separated, so that a receiver mid-rotation accepts either. Written here with
 * node:crypto (docs/decisions/0024); tests check it against the spec's published vector and verify
 * deliveries with the `standardwebhooks` package.
 */
const PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return PREFIX + Buffer.from(randomBytes(SECRET_BYTES)).toString('base64');
}

/** The secret's key bytes, or null when it is not `whsec_` + base64 of 24 to 64 bytes. */
export function webhookSecretKey(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : null;
}

/** `v1,<base64 HMAC>` of one message under one secret. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = webhookSecretKey(secret);
  if (!key) throw new Error('not a whsec_ signing secret');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three Standard Webhooks headers of one attempt, signed with every secret in force. */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  if (secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((s) => signWebhook(s, id, timestampSeconds, body)).join(' '),
  };
}
