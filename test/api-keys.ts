import type { Deps } from '../src/deps';
import { createApiKey as issueApiKey } from '../src/modules/api-keys/api-keys.service';
import { type ApiKeyScope, apiKeyScopes } from '../src/modules/api-keys/scopes';

export interface ApiKeyFixture {
  id: string;
  /** The whole key, `sk_test_…`. */
  secret: string;
  /** `{ authorization: 'Bearer sk_test_…' }`, to spread into an inject's headers. */
  headers: { authorization: string };
}

/**
 * An API key made the way an administrator makes one (the same service as `settle api-key create`).
 * Every scope unless told; a rate limit high enough for any test unless told.
 */
export async function createApiKey(
  deps: Deps,
  opts: { scopes?: readonly ApiKeyScope[]; name?: string; rateLimitPerMinute?: number } = {},
): Promise<ApiKeyFixture> {
  const issued = await issueApiKey(
    deps,
    {
      name: opts.name ?? 'Test integration',
      scopes: [...(opts.scopes ?? apiKeyScopes)],
      rateLimitPerMinute: opts.rateLimitPerMinute ?? 1_000_000,
    },
    { actor: { type: 'system', name: 'test' }, ctx: null },
  );
  return { id: issued.key.id, secret: issued.secret, headers: { authorization: `Bearer ${issued.secret}` } };
}
