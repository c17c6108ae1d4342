import type { Insertable } from 'kysely';
import type { AuditEventsTable } from '../../db/schema';
import type { Actor, RequestContext } from '../../deps';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { insertAuditEvent } from './audit.store';

export interface RecordAuditOptions {
  actor: Actor;
  ctx: RequestContext | null;
  action: string;
  result: 'success' | 'failure';
  accountId?: string | null;
  resourceType?: string;
  resourceId?: string;
  /** Never a card number, bank number, record number or date of birth. */
  detail?: Record<string, unknown>;
}

/**
 * The audit row for who did what, when, from where and with what result, for a caller that writes it
 * as part of a larger statement (the payment phases).
 */
export function auditRow(opts: RecordAuditOptions & { at: Date }): Insertable<AuditEventsTable> {
  return {
    id: newId(),
    at: opts.at,
    actor_type: opts.actor.type,
    actor_id: actorId(opts.actor),
    action: opts.action,
    result: opts.result,
    account_id: opts.accountId ?? null,
    resource_type: opts.resourceType ?? null,
    resource_id: opts.resourceId ?? null,
    ip: opts.ctx?.ip ?? null,
    request_id: opts.ctx?.requestId ?? null,
    detail: opts.detail ?? null,
  };
}

function actorId(actor: Actor): string {
  switch (actor.type) {
    case 'guest':
      return actor.sessionId;
    case 'member':
      return actor.memberId;
    case 'api':
      return actor.keyId;
    case 'system':
      return actor.name;
  }
}

/** Records who did what, when, from where and with what result. Pass `trx` to join the caller's transaction. */
export async function recordAudit(db: Db, opts: RecordAuditOptions): Promise<void> {
  const { at: _now, ...row } = auditRow({ ...opts, at: new Date() });
  // Stamped by the database when it is written on its own.
  await insertAuditEvent(db, row);
}
