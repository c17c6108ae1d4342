import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { IdempotencyKeysTable } from '../../db/schema';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Stmt } from '../../platform/statement';
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
  /**
   * The key's row, claiming it for `resourceId`. The work inserts it in the same transaction (the
   * same statement) that creates the resource, so a key exists exactly when its resource does. A
   * concurrent request with the same key makes that insert fail (see isIdempotencyKeyTaken), and
   * runIdempotent answers it from the winner's record.
   */
  claimRow(resourceId: string): Insertable<IdempotencyKeysTable>;
  /**
   * A statement part (guarded, see platform/statement.ts) that stores `response` as the key's answer;
   * work that includes it in its last statement returns `stored: true`.
   */
  completionPart(response: IdempotentResponse): Stmt;
  /** Set when a previous attempt with this key died after creating its resource: finish that one. */
  resumeResourceId: string | null;
}

export type IdempotentResult = IdempotentResponse & { stored?: boolean };

export function requireIdempotencyKey(key: string | undefined): string {
  if (!key || !KEY_PATTERN.test(key)) {
    throw new AppError('idempotency_key_required', {
      detail:
        'Send an Idempotency-Key header of 8 to 128 letters, digits, dashes or underscores (a UUID works).',
    });
  }
  return key;
}

/** True for the error a work's statement fails with when another request claimed the same key first. */
export function isIdempotencyKeyTaken(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && e.constraint === 'idempotency_keys_pkey';
}

/** The key already has a record (lookupFirst): answer from it, as when the work loses the race for it. */
class KeyExists extends Error {}

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

function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** A key's answer as a batch statement stores it (idempotency.store completionsPart). */
export interface KeyCompletion {
  scope: string;
  key: string;
  response_status: number;
  response_body: unknown;
  updated_at: Date;
}

/**
 * A key claimed and answered inside a batch statement instead of through runIdempotent: the same
 * rows and request hash, so a later runIdempotent with the same target finds and replays them.
 */
export interface KeyedWork {
  readonly scope: string;
  readonly key: string;
  claimRow(resourceId: string): Insertable<IdempotencyKeysTable>;
  completion(response: IdempotentResponse): KeyCompletion;
}

export function keyedWork(
  deps: Deps,
  target: IdempotencyScope,
  render: (response: IdempotentResponse) => IdempotentResponse = (r) => r,
): KeyedWork {
  const key = requireIdempotencyKey(target.key);
  const hash = requestHash(target.request);
  const now = () => toDate(deps.clock.now());
  return {
    scope: target.scope,
    key,
    claimRow: (resourceId) => ({
      scope: target.scope,
      key,
      request_hash: hash,
      status: 'in_flight',
      resource_id: resourceId,
      response_status: null,
      response_body: null,
      created_at: now(),
      updated_at: now(),
    }),
    completion: (response) => {
      const { status, body } = render(response);
      return { scope: target.scope, key, response_status: status, response_body: body, updated_at: now() };
    },
  };
}

/**
 * Runs `work` at most once per (scope, key). A replay gets the first response; the same key with a
 * different body is a 422; a key still being processed is a 409.
 *
 * The key is claimed by the work's own first durable statement, not by a separate write ahead of
 * it: a request whose work refuses it (an AppError before anything durable) leaves no key behind, so
 * the client may correct it and retry with the same key. Only then — or when the work lost the race
 * for the key — is the key's record read, and a replay answered from it. Declines are answers, stored
 * and replayed like successes. `render` turns a response into what is stored and sent.
 */
export async function runIdempotent(
  deps: Deps,
  target: IdempotencyScope,
  work: (ctx: IdempotentWork) => Promise<IdempotentResult>,
  render: (response: IdempotentResponse) => IdempotentResponse = (r) => r,
  options: {
    /**
     * Read the key's record before running the work. For background work that decides things before
     * its first durable statement (is anything still owed?): a run that died after its payment must
     * get that payment's answer, not decide afresh from what the payment changed.
     */
    lookupFirst?: boolean;
  } = {},
): Promise<IdempotentResponse & { replayed: boolean }> {
  const key = requireIdempotencyKey(target.key);
  const hash = requestHash(target.request);
  const now = () => toDate(deps.clock.now());
  const keyed = keyedWork(deps, target, render);
  const ctx: IdempotentWork = {
    resumeResourceId: null,
    claimRow: keyed.claimRow,
    completionPart: (response) => {
      const { response_status, response_body } = keyed.completion(response);
      return store.completionPart(target.scope, key, response_status, response_body, now());
    },
  };

  let lookup = options.lookupFirst === true;
  for (;;) {
    try {
      if (lookup) {
        lookup = false;
        if (await store.findKey(deps.db, target.scope, key)) throw new KeyExists();
      }
      const response = await work(ctx);
      const rendered = render(response);
      if (!response.stored) {
        await store.complete(deps.db, target.scope, key, rendered.status, rendered.body, now());
      }
      return { ...rendered, replayed: false };
    } catch (err) {
      const taken = err instanceof KeyExists || isIdempotencyKeyTaken(err);
      if (ctx.resumeResourceId || !(taken || err instanceof AppError)) throw err;
      // Refused, or beaten to the key: an earlier request with this key may already have the answer.
      const existing = await store.findKey(deps.db, target.scope, key);
      if (!existing) {
        if (taken) throw new AppError('idempotency_in_flight', { retryAfterSeconds: 1 });
        throw err;
      }
      if (existing.request_hash !== hash) throw new AppError('idempotency_mismatch');
      if (existing.status === 'completed') {
        return { status: existing.response_status ?? 200, body: existing.response_body, replayed: true };
      }
      const ageSeconds = (now().getTime() - existing.updated_at.getTime()) / 1000;
      if (
        ageSeconds <= STALE_AFTER_SECONDS ||
        !existing.resource_id ||
        !(await store.takeOverStale(deps.db, target.scope, key, existing.updated_at, now()))
      ) {
        throw new AppError('idempotency_in_flight', { retryAfterSeconds: 2 });
      }
      // The process that claimed this key died after creating its resource: finish that one.
      ctx.resumeResourceId = existing.resource_id;
    }
  }
}
