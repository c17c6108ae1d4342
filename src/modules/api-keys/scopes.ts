import { z } from 'zod';

/**
 * What an API key may do: a closed list, and the one place it is written. Integrator routes name the
 * scope they need (`config: { apiKey: { scope: 'bills:write' } }`, see src/http/api-key-auth.ts); a
 * scope grants exactly what it names (a `write` scope does not imply another resource's read).
 */
export const apiKeyScopes = [
  'people:write',
  'people:read',
  'bills:write',
  'bills:read',
  'accounts:write',
  'accounts:read',
  'payments:read',
  'payments:refund',
  'webhooks:manage',
  'imports:write',
  'imports:read',
] as const;

export const apiKeyScope = z.enum(apiKeyScopes);
export type ApiKeyScope = z.infer<typeof apiKeyScope>;

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (apiKeyScopes as readonly string[]).includes(value);
}
