import { z } from 'zod';
import { apiKeyScope } from './scopes';

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1_200;
export const DEFAULT_OVERLAP_HOURS = 24;
/** A rotation's old secret works for at most a week: long enough for any deploy, short enough to end. */
export const MAX_OVERLAP_HOURS = 168;

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(apiKeyScope)
    .min(1)
    .transform((scopes) => [...new Set(scopes)].sort()),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMIT_PER_MINUTE),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

export const apiKeyId = z.string().regex(/^[a-z2-7]{16}$/, 'an API key id is 16 characters of a-z and 2-7');

export const rotateApiKeyInput = z.object({
  keyId: apiKeyId,
  /** How long the secret being replaced keeps working; 0 stops it at once. */
  overlapHours: z.number().min(0).max(MAX_OVERLAP_HOURS).default(DEFAULT_OVERLAP_HOURS),
});
export type RotateApiKeyInput = z.input<typeof rotateApiKeyInput>;

const keyFields = {
  id: z.string(),
  name: z.string(),
  mode: z.enum(['test', 'live']),
  scopes: z.array(apiKeyScope),
  rateLimitPerMinute: z.number().int(),
  createdAt: z.iso.datetime(),
};

/** GET /api/v1/api-keys/current: the key the call was made with. */
export const currentApiKeyView = z.object({
  ...keyFields,
  /** Set after a rotation: when the secret this call used stops working. */
  secretExpiresAt: z.iso.datetime().nullable(),
});
export type CurrentApiKeyView = z.infer<typeof currentApiKeyView>;

export const apiKeySummary = z.object({
  ...keyFields,
  createdBy: z.string(),
  revokedAt: z.iso.datetime().nullable(),
  /** The latest use of any of its secrets (recorded at most once a minute). */
  lastUsedAt: z.iso.datetime().nullable(),
  secrets: z.array(
    z.object({
      createdAt: z.iso.datetime(),
      expiresAt: z.iso.datetime().nullable(),
      lastUsedAt: z.iso.datetime().nullable(),
    }),
  ),
});
export type ApiKeySummary = z.infer<typeof apiKeySummary>;
