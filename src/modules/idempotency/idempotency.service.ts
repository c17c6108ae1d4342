import { createHash } from 'node:crypto';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import * as store from './idempotency.store';

/** An in-flight key older than this belongs to a process that died; the next retry may resume it. */
const STALE_AFTER_SECONDS = 30;
const KEY_PATTERN = /^[A-Za-z0-9_\-:.]{8,128}$/;

export interface IdempotentResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyScope {
  /** Who owns the key (a guest session, a member, an API client): keys never collide across callers. */
  scope: string;
  key: string | undefined;
  request: unknown;
}

export interface IdempotentWork {
  /** Record the resource this key created, inside the transaction that creates it. */
  attach(trx: Deps['db'], resourceId: string): Promise<void>;
  /** Set when a previous attempt with this key died after creating its resource. */
  resumeResourceId: string | null;
}

export function requireIdempotencyKey(key: string | undefined): string {
  if (!key || !KEY_PATTERN.test(key)) {
    throw new AppError('idempotency_key_required', {
      detail:
        'Send an Idempotency-Key header of 8 to 128 letters, digits, dashes or underscores (a UUID works).',
    });
  }
  return key;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Runs `work` at most once per (scope, key). A replay gets the first response; the same key with a
 * different body is a 422; a key still being processed is a 409. AppErrors the work throws before
 * anything durable happened release the key so the client may correct and retry; declines are
 * answers, stored and replayed like successes.
 */
export async function runIdempotent(
  deps: Deps,
  target: IdempotencyScope,
  work: (ctx: IdempotentWork) => Promise<IdempotentResponse>,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const key = requireIdempotencyKey(target.key);
  const hash = createHash('sha256').update(canonicalJson(target.request)).digest('hex');
  const now = toDate(deps.clock.now());

  let resumeResourceId: string | null = null;
  const inserted = await store.insertInFlight(deps.db, target.scope, key, hash, now);
  if (!inserted) {
    const existing = await store.findKey(deps.db, target.scope, key);
    if (!existing) throw new AppError('idempotency_in_flight');
    if (existing.request_hash !== hash) throw new AppError('idempotency_mismatch');
    if (existing.status === 'completed') {
      return { status: existing.response_status ?? 200, body: existing.response_body, replayed: true };
    }
    const ageSeconds = (now.getTime() - existing.updated_at.getTime()) / 1000;
    const stale = ageSeconds > STALE_AFTER_SECONDS;
    if (!stale || !(await store.takeOverStale(deps.db, target.scope, key, existing.updated_at, now))) {
      throw new AppError('idempotency_in_flight', { retryAfterSeconds: 2 });
    }
    resumeResourceId = existing.resource_id;
  }

  try {
    const response = await work({
      resumeResourceId,
      attach: (trx, resourceId) => store.attachResource(trx, target.scope, key, resourceId),
    });
    await store.complete(
      deps.db,
      target.scope,
      key,
      response.status,
      response.body,
      toDate(deps.clock.now()),
    );
    return { ...response, replayed: false };
  } catch (err) {
    // Nothing durable was created under this key: let the client fix the request and use it again.
    const row = await store.findKey(deps.db, target.scope, key);
    if (row && !row.resource_id) await store.release(deps.db, target.scope, key);
    throw err;
  }
}
