/** What intake's services share: their transactions, refusals, canonical content and who acted. */
import { createHash } from 'node:crypto';
import type { Actor, Deps } from '../../deps';
import { AppError, type FieldError } from '../../errors';
import type { Db } from '../../platform/db';

/** A unique index that holds the organization's identifier of a record, and the field it comes from. */
const EXTERNAL_ID_KEYS = new Set([
  'people_external_id_key',
  'accounts_external_id_key',
  'bills_external_id_key',
]);
/** Numbers that must be unique, by the constraint that holds them: the field each comes from. */
const NUMBER_KEYS: Record<string, string> = {
  people_medical_record_number_key: 'medicalRecordNumber',
  accounts_account_number_key: 'accountNumber',
  bills_number_key: 'number',
};

function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && typeof e.constraint === 'string' ? e.constraint : null;
}

/**
 * Runs one intake write in a transaction. Two writes of the same new record at once both find nothing
 * and both insert: the loser's insert fails on a unique index, and it runs again, now finding the
 * winner's record (then it is unchanged, or an update). A number taken by another record between the
 * check and the insert is, in the end, the same refusal as when the check sees it.
 *
 * Called with deps whose db is already a transaction (`{ ...deps, db: trx }`), the write joins it: the
 * caller (the FHIR transaction, all-or-nothing over several records) owns its commit and its retries.
 */
export async function inIntakeTransaction<T>(deps: Deps, work: (trx: Db) => Promise<T>): Promise<T> {
  if (deps.db.isTransaction) return work(deps.db);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.db.transaction().execute(work);
    } catch (err) {
      const constraint = uniqueViolation(err);
      const field = constraint ? NUMBER_KEYS[constraint] : undefined;
      // Which of a row's unique indexes reports a race first is not fixed: run again on either, and
      // the checks made under the record's lock give the answer.
      if (constraint && (EXTERNAL_ID_KEYS.has(constraint) || field) && attempt < 3) continue;
      if (field) throw duplicateNumber(field);
      throw err;
    }
  }
}

export function duplicateNumber(field: string, owner?: string | null): AppError {
  const whose = owner ? ` (${owner})` : '';
  return new AppError('duplicate_identifier', {
    detail: `This ${field} belongs to another record${whose}.`,
    errors: [{ field, code: 'taken', message: `Already used by another record${whose}` }],
  });
}

export function invalid(errors: FieldError[], detail = 'Check the fields listed in errors'): AppError {
  return new AppError('validation_failed', { detail, errors });
}

export function notFound(kind: string, externalId: string): AppError {
  return new AppError('not_found', { detail: `No ${kind} with externalId ${JSON.stringify(externalId)}` });
}

/** JSON with sorted keys and no undefined values: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Who acted, as a version row and the audit trail name them. */
export function actorParts(actor: Actor): { type: Actor['type']; id: string | null } {
  switch (actor.type) {
    case 'guest':
      return { type: 'guest', id: actor.sessionId };
    case 'member':
      return { type: 'member', id: actor.memberId };
    case 'api':
      return { type: 'api', id: actor.keyId };
    case 'system':
      return { type: 'system', id: actor.name };
  }
}

export function iso(value: Date | string | null | undefined, fallback: Date | string): string {
  return new Date(value ?? fallback).toISOString();
}
