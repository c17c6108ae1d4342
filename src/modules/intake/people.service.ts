/**
 * People (patients and members) from the organization's billing system, kept by its own identifier:
 * a PUT creates the person or replaces what Settle holds, and the same PUT again changes nothing.
 */
import { findRegion, type Region } from '../../config';
import type { MailingAddress, PeopleTable } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { todayIn } from '../../domain/dates';
import { birthDateProblem } from '../../domain/intake-dates';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { recordAudit } from '../audit/audit.service';
import { canonicalJson, duplicateNumber, inIntakeTransaction, invalid, iso, notFound } from './intake.common';
import type { PersonInput, PersonRecord, PersonWriteView } from './intake.schema';
import * as store from './intake.store';

export interface UpsertPersonOptions {
  externalId: string;
  /** Parsed with `personInput` (intake.schema.ts). */
  input: PersonInput;
  actor: Actor;
  ctx: RequestContext | null;
}

/** The region a record names, or a refusal naming the field. */
export function requireRegion(deps: Deps, regionId: string, field = 'regionId'): Region {
  const region = findRegion(deps.config, regionId);
  if (region) return region;
  const known = deps.config.organization.regions.map((r) => r.id).join(', ');
  throw invalid([{ field, code: 'unknown_region', message: `Not a region of the organization (${known})` }]);
}

type PersonColumns = Pick<
  PeopleTable,
  | 'region_id'
  | 'medical_record_number'
  | 'first_name'
  | 'last_name'
  | 'birth_date'
  | 'preferred_language'
  | 'email'
  | 'phone'
>;

function columnsOf(input: PersonInput): PersonColumns & { postal_address: MailingAddress | null } {
  const address = input.postalAddress;
  return {
    region_id: input.regionId,
    // Registration reads record numbers upper-cased (members.service normalizeRecordNumber).
    medical_record_number: input.medicalRecordNumber.toUpperCase(),
    first_name: input.firstName,
    last_name: input.lastName,
    birth_date: input.birthDate,
    preferred_language: input.preferredLanguage ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    postal_address: address ? { ...address, line2: address.line2 ?? null } : null,
  };
}

type PersonRow = NonNullable<Awaited<ReturnType<typeof store.findPersonByExternalId>>>;

function sameContent(row: PersonRow, next: ReturnType<typeof columnsOf>): boolean {
  // jsonb keeps its own key order: compare the address as canonical JSON.
  const address = (a: unknown) => canonicalJson(a ?? null);
  return (
    row.region_id === next.region_id &&
    row.medical_record_number === next.medical_record_number &&
    row.first_name === next.first_name &&
    row.last_name === next.last_name &&
    row.birth_date === next.birth_date &&
    row.preferred_language === next.preferred_language &&
    row.email === next.email &&
    row.phone === next.phone &&
    address(row.postal_address) === address(next.postal_address)
  );
}

function recordOf(row: PersonRow): PersonRecord {
  const address = row.postal_address;
  return {
    externalId: row.external_id ?? '',
    medicalRecordNumber: row.medical_record_number,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: row.birth_date,
    regionId: row.region_id,
    preferredLanguage: row.preferred_language,
    email: row.email,
    phone: row.phone,
    postalAddress: address
      ? {
          line1: address.line1,
          line2: address.line2 ?? null,
          city: address.city,
          state: address.state,
          postalCode: address.postalCode,
        }
      : null,
    isMember: row.is_member === true,
    createdAt: iso(row.created_at, row.created_at),
    updatedAt: iso(row.updated_at, row.created_at),
  };
}

async function readPerson(db: Db, externalId: string): Promise<PersonRecord> {
  const row = await store.findPersonByExternalId(db, externalId);
  if (!row) throw notFound('person', externalId);
  return recordOf(row);
}

/**
 * Creates or replaces the person with this externalId. Refused (nothing changes): an unknown region,
 * a date of birth after today (the region's today) or before 1900, a record number another person
 * holds (record numbers are unique in the organization: registration finds a person by it).
 */
export async function upsertPerson(deps: Deps, opts: UpsertPersonOptions): Promise<PersonWriteView> {
  const region = requireRegion(deps, opts.input.regionId);
  const today = todayIn(region.timeZone, deps.clock.now()).toString();
  const dateProblem = birthDateProblem(opts.input.birthDate, today);
  if (dateProblem) {
    throw invalid([{ field: 'birthDate', code: dateProblem.code, message: dateProblem.message }]);
  }
  const next = columnsOf(opts.input);
  const now = toDate(deps.clock.now());
  return inIntakeTransaction(deps, async (trx) => {
    const existing = await store.findPersonByExternalId(trx, opts.externalId, true);
    const holder = await store.findPersonIdByRecordNumber(trx, next.medical_record_number);
    if (holder && holder.id !== existing?.id)
      throw duplicateNumber('medicalRecordNumber', holder.external_id);
    if (existing && sameContent(existing, next)) return { result: 'unchanged', person: recordOf(existing) };
    const id = existing?.id ?? newId();
    if (existing) {
      await store.updatePerson(trx, id, { ...next, updated_at: now });
    } else {
      await store.insertPerson(trx, {
        id,
        external_id: opts.externalId,
        ...next,
        created_at: now,
        updated_at: now,
      });
    }
    const result = existing ? 'updated' : 'created';
    await recordAudit(trx, {
      actor: opts.actor,
      ctx: opts.ctx,
      action: `intake.person.${result}`,
      result: 'success',
      resourceType: 'person',
      resourceId: opts.externalId,
    });
    return { result, person: await readPerson(trx, opts.externalId) };
  });
}

/** The person with this externalId, as intake holds it. */
export function getPerson(deps: Deps, externalId: string): Promise<PersonRecord> {
  return readPerson(deps.db, externalId);
}
