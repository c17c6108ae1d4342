/**
 * Accounts from the organization's billing system — medical guarantor accounts and premium accounts
 * — kept by its own identifier, with the person whose bills each carries and the people who pay it
 * (account_guarantors: they see its bills when signed in).
 */
import type { AccountsTable } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { AppError, type FieldError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { recordAudit } from '../audit/audit.service';
import { duplicateNumber, inIntakeTransaction, invalid, iso, notFound } from './intake.common';
import type { AccountInput, AccountRecord, AccountWriteView } from './intake.schema';
import * as store from './intake.store';
import { recordAccountEvent } from './intake-events';
import { requireRegion } from './people.service';

export interface UpsertAccountOptions {
  externalId: string;
  /** Parsed with `accountInput` (intake.schema.ts). */
  input: AccountInput;
  actor: Actor;
  ctx: RequestContext | null;
}

type AccountRow = NonNullable<Awaited<ReturnType<typeof store.findAccountByExternalId>>>;
type AccountColumns = Pick<
  AccountsTable,
  | 'kind'
  | 'plan_type'
  | 'region_id'
  | 'state_code'
  | 'account_number'
  | 'holder_first_name'
  | 'holder_last_name'
  | 'postal_code'
  | 'person_id'
>;

function recordOf(row: AccountRow, guarantors: string[]): AccountRecord {
  return {
    externalId: row.external_id ?? '',
    kind: row.kind,
    planType: row.plan_type,
    regionId: row.region_id,
    stateCode: row.state_code,
    accountNumber: row.account_number,
    holderFirstName: row.holder_first_name,
    holderLastName: row.holder_last_name,
    postalCode: row.postal_code,
    personExternalId: row.person_external_id,
    guarantors,
    createdAt: iso(row.created_at, row.created_at),
    updatedAt: iso(row.updated_at, row.created_at),
  };
}

async function readAccount(db: Db, externalId: string): Promise<AccountRecord> {
  const row = await store.findAccountByExternalId(db, externalId);
  if (!row) throw notFound('account', externalId);
  return recordOf(row, await store.listGuarantorExternalIds(db, row.id));
}

/** The people an account names, by externalId; every unknown one is a refusal naming its field. */
async function resolvePeople(
  trx: Db,
  input: AccountInput,
): Promise<{ personId: string | null; guarantorIds: string[] }> {
  const named = [...(input.personExternalId ? [input.personExternalId] : []), ...input.guarantors];
  const found = new Map((await store.findPeopleByExternalIds(trx, named)).map((p) => [p.external_id, p.id]));
  const errors: FieldError[] = [];
  const unknown = (field: string, externalId: string) =>
    errors.push({
      field,
      code: 'unknown_person',
      message: `No person with externalId ${JSON.stringify(externalId)} (PUT /api/v1/people/{externalId} first)`,
    });
  if (input.personExternalId && !found.has(input.personExternalId)) {
    unknown('personExternalId', input.personExternalId);
  }
  input.guarantors.forEach((g, i) => {
    if (!found.has(g)) unknown(`guarantors.${i}`, g);
  });
  if (errors.length > 0) {
    throw new AppError('reference_not_found', { detail: 'Create the people an account names first', errors });
  }
  return {
    personId: input.personExternalId ? (found.get(input.personExternalId) ?? null) : null,
    guarantorIds: input.guarantors.flatMap((g) => found.get(g) ?? []),
  };
}

function sameColumns(row: AccountRow, next: AccountColumns): boolean {
  return (Object.keys(next) as (keyof AccountColumns)[]).every((k) => row[k] === next[k]);
}

/**
 * Creates or replaces the account with this externalId, and who pays it. Refused (nothing changes): an
 * unknown region, a state outside it, an account number another account holds, a person or guarantor
 * not known by that externalId, and — once the account has bills — a change of kind or region (its
 * bills, payments and automatic payments belong to that kind and region).
 */
export async function upsertAccount(deps: Deps, opts: UpsertAccountOptions): Promise<AccountWriteView> {
  const { input } = opts;
  const region = requireRegion(deps, input.regionId);
  if (!region.states.some((s) => s.code === input.stateCode)) {
    const states = region.states.map((s) => s.code).join(', ');
    throw invalid([
      { field: 'stateCode', code: 'not_in_region', message: `The region's states are ${states}` },
    ]);
  }
  const now = toDate(deps.clock.now());
  return inIntakeTransaction(deps, async (trx) => {
    const existing = await store.findAccountByExternalId(trx, opts.externalId, true);
    const holder = await store.findAccountIdByNumber(trx, input.accountNumber);
    if (holder && holder.id !== existing?.id) throw duplicateNumber('accountNumber');
    const people = await resolvePeople(trx, input);
    const next: AccountColumns = {
      kind: input.kind,
      plan_type: input.kind === 'premium' ? (input.planType ?? null) : null,
      region_id: input.regionId,
      state_code: input.stateCode,
      account_number: input.accountNumber,
      holder_first_name: input.holderFirstName,
      holder_last_name: input.holderLastName,
      postal_code: input.postalCode,
      person_id: people.personId,
    };
    const id = existing?.id ?? newId();
    const current = existing ? (await store.listGuarantorIds(trx, id)).map((g) => g.person_id) : [];
    const added = people.guarantorIds.filter((g) => !current.includes(g));
    const removed = current.filter((g) => !people.guarantorIds.includes(g));
    if (existing && sameColumns(existing, next) && added.length === 0 && removed.length === 0) {
      return {
        result: 'unchanged',
        account: recordOf(existing, await store.listGuarantorExternalIds(trx, id)),
      };
    }
    if (existing && (existing.kind !== next.kind || existing.region_id !== next.region_id)) {
      if (await store.accountHasBills(trx, id)) {
        const field = existing.kind !== next.kind ? 'kind' : 'regionId';
        throw new AppError('change_not_allowed', {
          detail: 'The account has bills: its kind and region stay as they are. Open a new account instead.',
          errors: [
            {
              field,
              code: 'account_has_bills',
              message: `Stays ${existing.kind === next.kind ? existing.region_id : existing.kind}`,
            },
          ],
        });
      }
    }
    if (existing) await store.updateAccount(trx, id, { ...next, updated_at: now });
    else
      await store.insertAccount(trx, {
        id,
        external_id: opts.externalId,
        ...next,
        created_at: now,
        updated_at: now,
      });
    await store.removeGuarantors(trx, id, removed);
    await store.addGuarantors(trx, id, added);
    const result = existing ? 'updated' : 'created';
    await recordAudit(trx, {
      actor: opts.actor,
      ctx: opts.ctx,
      action: `intake.account.${result}`,
      result: 'success',
      accountId: id,
      resourceType: 'account',
      resourceId: opts.externalId,
      detail: { guarantorsAdded: added.length, guarantorsRemoved: removed.length },
    });
    await recordAccountEvent(trx, {
      type: `account.${result}`,
      accountId: id,
      externalId: opts.externalId,
      kind: next.kind,
      regionId: next.region_id,
      at: now,
    });
    return { result, account: await readAccount(trx, opts.externalId) };
  });
}

/** The account with this externalId, with its person and guarantors (their externalIds). */
export function getAccountRecord(deps: Deps, externalId: string): Promise<AccountRecord> {
  return readAccount(deps.db, externalId);
}
