/**
 * API keys for integrators: made, rotated and revoked by an administrator (`settle api-key`, later the
 * staff console), and checked on every integrator call (src/http/api-key-auth.ts). Only a hash of each
 * secret is kept; the key itself is returned once, by create and rotate.
 */
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { ApiKeysTable } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import {
  type ApiKeyMode,
  digestMatches,
  digestOf,
  formatApiKey,
  hashApiKey,
  newKeyId,
  newSecret,
  parseApiKey,
} from './api-key-format';
import {
  type ApiKeySummary,
  type CreateApiKeyInput,
  type CurrentApiKeyView,
  createApiKeyInput,
  type RotateApiKeyInput,
  rotateApiKeyInput,
} from './api-keys.schema';
import * as store from './api-keys.store';
import { type ApiKeyScope, isApiKeyScope } from './scopes';

/** A use is recorded at most this often per secret: a write a minute, not one per request. */
export const LAST_USED_GRANULARITY_SECONDS = 60;

/** The key an integrator call authenticated with. */
export interface ApiKeyPrincipal {
  actor: { type: 'api'; keyId: string };
  keyId: string;
  name: string;
  mode: ApiKeyMode;
  scopes: readonly ApiKeyScope[];
  rateLimitPerMinute: number;
  createdAt: Date;
  /** When the secret this call used stops working (set once the key was rotated). */
  secretExpiresAt: Date | null;
}

/** Who manages keys, for `created_by` and the audit trail. */
export interface KeyAdmin {
  actor: Actor;
  ctx: RequestContext | null;
}

export interface IssuedApiKey {
  key: ApiKeySummary;
  /** The whole key, `sk_…`: shown to the administrator once, never stored or logged. */
  secret: string;
}

function deploymentMode(deps: Deps): ApiKeyMode {
  return deps.config.processorMode === 'live' ? 'live' : 'test';
}

function actorName(actor: Actor): string {
  switch (actor.type) {
    case 'system':
      return actor.name;
    case 'member':
      return `member:${actor.memberId}`;
    case 'guest':
      return `guest:${actor.sessionId}`;
    case 'api':
      return `api:${actor.keyId}`;
  }
}

async function issueSecret(db: Db, keyId: string, mode: ApiKeyMode, now: Date): Promise<string> {
  const secret = formatApiKey({ mode, keyId, secret: newSecret() });
  await store.insertApiKeySecret(db, {
    id: newId(),
    api_key_id: keyId,
    secret_hash: hashApiKey(secret),
    created_at: now,
    expires_at: null,
    last_used_at: null,
  });
  return secret;
}

/** Makes a key with the given scopes; its secret is in the result and nowhere else. */
export async function createApiKey(
  deps: Deps,
  input: CreateApiKeyInput,
  admin: KeyAdmin,
): Promise<IssuedApiKey> {
  const opts = parseInput(createApiKeyInput, input);
  const now = toDate(deps.clock.now());
  const mode = deploymentMode(deps);
  const keyId = newKeyId();
  const secret = await deps.db.transaction().execute(async (trx) => {
    await store.insertApiKey(trx, {
      id: keyId,
      name: opts.name,
      scopes: opts.scopes,
      mode,
      rate_limit_per_minute: opts.rateLimitPerMinute,
      created_at: now,
      created_by: actorName(admin.actor),
    });
    const issued = await issueSecret(trx, keyId, mode, now);
    await recordAudit(trx, {
      actor: admin.actor,
      ctx: admin.ctx,
      action: 'api_key.create',
      result: 'success',
      resourceType: 'api_key',
      resourceId: keyId,
      detail: { name: opts.name, scopes: opts.scopes, rateLimitPerMinute: opts.rateLimitPerMinute },
    });
    return issued;
  });
  return { key: await getApiKey(deps, keyId), secret };
}

/**
 * Gives the key a new secret. The secrets it had keep working for `overlapHours` (default 24; 0 stops
 * them at once), so the integrator can deploy the new one without a moment of refused calls.
 */
export async function rotateApiKey(
  deps: Deps,
  input: RotateApiKeyInput,
  admin: KeyAdmin,
): Promise<IssuedApiKey & { previousSecretsExpireAt: Date }> {
  const opts = parseInput(rotateApiKeyInput, input);
  const now = toDate(deps.clock.now());
  const until = new Date(now.getTime() + Math.round(opts.overlapHours * 3_600_000));
  const secret = await deps.db.transaction().execute(async (trx) => {
    const key = await store.lockApiKey(trx, opts.keyId);
    if (!key || key.revoked_at) throw noActiveKey(opts.keyId);
    await store.expireSecretsAt(trx, key.id, until);
    const issued = await issueSecret(trx, key.id, key.mode, now);
    await recordAudit(trx, {
      actor: admin.actor,
      ctx: admin.ctx,
      action: 'api_key.rotate',
      result: 'success',
      resourceType: 'api_key',
      resourceId: key.id,
      detail: { previousSecretsExpireAt: until.toISOString() },
    });
    return issued;
  });
  return { key: await getApiKey(deps, opts.keyId), secret, previousSecretsExpireAt: until };
}

/** Stops every secret of the key at once. Revoking a revoked key changes nothing. */
export async function revokeApiKey(deps: Deps, keyId: string, admin: KeyAdmin): Promise<ApiKeySummary> {
  const now = toDate(deps.clock.now());
  await deps.db.transaction().execute(async (trx) => {
    const key = await store.lockApiKey(trx, keyId);
    if (!key) throw noActiveKey(keyId);
    if (key.revoked_at) return;
    await store.markRevoked(trx, key.id, now);
    await recordAudit(trx, {
      actor: admin.actor,
      ctx: admin.ctx,
      action: 'api_key.revoke',
      result: 'success',
      resourceType: 'api_key',
      resourceId: key.id,
    });
  });
  return getApiKey(deps, keyId);
}

/** Every key, revoked ones included, oldest first, without any secret. */
export async function listApiKeys(deps: Deps): Promise<ApiKeySummary[]> {
  return summarize(deps.db, await store.listKeys(deps.db));
}

async function getApiKey(deps: Deps, keyId: string): Promise<ApiKeySummary> {
  const key = await store.findKey(deps.db, keyId);
  if (!key) throw noActiveKey(keyId);
  const [summary] = await summarize(deps.db, [key]);
  if (!summary) throw noActiveKey(keyId);
  return summary;
}

async function summarize(db: Db, keys: readonly Selectable<ApiKeysTable>[]): Promise<ApiKeySummary[]> {
  const secrets = await store.listSecrets(
    db,
    keys.map((k) => k.id),
  );
  return keys.map((key) => {
    const own = secrets.filter((s) => s.api_key_id === key.id);
    const lastUsed = own
      .map((s) => s.last_used_at)
      .filter((d): d is Date => d !== null)
      .sort((a, b) => b.getTime() - a.getTime())[0];
    return {
      id: key.id,
      name: key.name,
      mode: key.mode,
      scopes: key.scopes.filter(isApiKeyScope),
      rateLimitPerMinute: key.rate_limit_per_minute,
      createdAt: key.created_at.toISOString(),
      createdBy: key.created_by,
      revokedAt: key.revoked_at?.toISOString() ?? null,
      lastUsedAt: lastUsed?.toISOString() ?? null,
      secrets: own.map((s) => ({
        createdAt: s.created_at.toISOString(),
        expiresAt: s.expires_at?.toISOString() ?? null,
        lastUsedAt: s.last_used_at?.toISOString() ?? null,
      })),
    };
  });
}

function noActiveKey(keyId: string): AppError {
  return new AppError('not_found', { detail: `There is no active API key ${keyId}.` });
}

/** Why a call was refused, for the problem's `reason` and RFC 6750's WWW-Authenticate. */
export type ApiKeyRefusal = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired' | 'wrong_mode';

function refused(reason: ApiKeyRefusal, detail: string): AppError {
  return new AppError('api_key_invalid', { detail, reason });
}

/**
 * The key a call presents (`Authorization: Bearer sk_…`), looked up by its public id and compared
 * with each of that key's secret hashes in constant time. Unknown, revoked, replaced (after its
 * overlap) and wrong-mode keys are refused; why is told only to a caller holding the real secret.
 * Records the use at most once a minute per secret.
 */
export async function authenticateApiKey(deps: Deps, token: string | undefined): Promise<ApiKeyPrincipal> {
  if (token === undefined) {
    throw refused('missing', 'Send your API key in the Authorization header: "Bearer sk_…".');
  }
  const parts = parseApiKey(token);
  if (!parts)
    throw refused('malformed', 'This is not a Settle API key (they start with sk_live_ or sk_test_).');
  const rows = await store.findKeyWithSecrets(deps.db, parts.keyId);
  const digest = digestOf(token);
  // Every row is compared, so the time taken does not depend on which secret matched.
  const matches = rows.filter((row) => digestMatches(digest, row.secret_hash));
  const row = matches[0];
  if (!row) throw refused('unknown', 'This API key is not known. Check that it was copied whole.');
  const now = deps.clock.now();
  const nowDate = toDate(now);
  if (row.revoked_at) throw refused('revoked', 'This API key was revoked.');
  if (row.expires_at && row.expires_at <= nowDate) {
    throw refused(
      'expired',
      `This secret was replaced when the key was rotated and stopped working at ${row.expires_at.toISOString()}. ` +
        'Use the new secret.',
    );
  }
  if (row.mode !== deploymentMode(deps)) {
    throw refused(
      'wrong_mode',
      `This is a ${row.mode} key; this server runs in ${deploymentMode(deps)} mode.`,
    );
  }
  const notBefore = toDate(now.subtract({ seconds: LAST_USED_GRANULARITY_SECONDS }));
  if (!row.last_used_at || row.last_used_at < notBefore) {
    await store.touchSecret(deps.db, row.secret_id, nowDate, notBefore);
  }
  return {
    actor: { type: 'api', keyId: row.id },
    keyId: row.id,
    name: row.name,
    mode: row.mode,
    scopes: row.scopes.filter(isApiKeyScope),
    rateLimitPerMinute: row.rate_limit_per_minute,
    createdAt: row.created_at,
    secretExpiresAt: row.expires_at,
  };
}

/** Counts the call against the key's own budget (per minute, shared by every API process). */
export async function hitApiKeyRateLimit(deps: Deps, key: ApiKeyPrincipal): Promise<void> {
  try {
    await hitRateLimits(deps.db, deps.clock, [
      { bucket: `api-key:${key.keyId}`, limit: key.rateLimitPerMinute, windowSeconds: 60 },
    ]);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err;
    throw new AppError('rate_limited', {
      detail: `This API key may make ${key.rateLimitPerMinute} calls a minute. Try again in ${err.details.retryAfterSeconds ?? 60} s.`,
      retryAfterSeconds: err.details.retryAfterSeconds,
    });
  }
}

/** Refuses a key without `scope`; null lets any valid key through (routes about the key itself). */
export function requireScope(key: ApiKeyPrincipal, scope: ApiKeyScope | null): void {
  if (scope === null || key.scopes.includes(scope)) return;
  throw new AppError('insufficient_scope', {
    detail: `This API key does not have the ${scope} scope.`,
    scope,
  });
}

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('validation_failed', {
    detail: 'Check the API key settings',
    errors: result.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(input)',
      code: issue.code,
      message: issue.message,
    })),
  });
}

/** What GET /api/v1/api-keys/current answers: the calling key, never a secret. */
export function describeCurrentKey(key: ApiKeyPrincipal): CurrentApiKeyView {
  return {
    id: key.keyId,
    name: key.name,
    mode: key.mode,
    scopes: [...key.scopes],
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: key.createdAt.toISOString(),
    secretExpiresAt: key.secretExpiresAt?.toISOString() ?? null,
  };
}
