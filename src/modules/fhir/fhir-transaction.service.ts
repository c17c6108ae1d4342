/**
 * POST /fhir/R4: a transaction Bundle applied through intake's upserts, all or nothing (decision 0037).
 * Every entry is checked first — the key's scopes, then the shape, identifiers, references and intake's
 * rules — and any problem refuses the whole bundle before anything is written. Then every record is
 * written in one database transaction; a refusal there (a number another record holds, a correction
 * below what was paid) rolls all of it back. Intake's tables stay the only truth: nothing FHIR is kept.
 */
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { Actor, Deps, RequestContext } from '../../deps';
import { AppError, type FieldError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { ApiKeyScope } from '../api-keys/scopes';
import { recordAudit } from '../audit/audit.service';
import { upsertAccount } from '../intake/accounts.service';
import { inIntakeTransaction } from '../intake/intake.common';
import type { WriteResult } from '../intake/intake.schema';
import { upsertBill } from '../intake/intake-bills.service';
import { upsertPerson } from '../intake/people.service';
import { informationOutcome } from './fhir.outcome';
import { allReferences, isUuid, parseReference } from './fhir.references';
import type { TransactionBundle, TransactionType } from './fhir.schema';
import * as store from './fhir.store';
import { SYSTEM } from './fhir.systems';
import {
  entryTypes,
  type KnownPerson,
  type KnownRecords,
  mapTransaction,
  SCOPE_OF,
  type TransactionPlan,
  type Translate,
} from './fhir-transaction.mapping';

export interface RunTransactionOptions {
  bundle: TransactionBundle;
  /** The API key's scopes: each entry's resource type needs its write scope. */
  scopes: readonly ApiKeyScope[];
  actor: Actor;
  ctx: RequestContext | null;
}

/** Refused unless the key has the write scope of every resource type in the bundle; names each missing one. */
function requireScopes(bundle: TransactionBundle, scopes: readonly ApiKeyScope[]): void {
  const missing = new Map<ApiKeyScope, number>();
  entryTypes(bundle).forEach((type, i) => {
    const scope = SCOPE_OF[type as TransactionType];
    if (scope && !scopes.includes(scope) && !missing.has(scope)) missing.set(scope, i);
  });
  if (missing.size === 0) return;
  const errors: FieldError[] = [...missing].map(([scope, i]) => ({
    field: `Bundle.entry[${i}].resource`,
    code: 'insufficient_scope',
    message: `A ${bundle.entry[i]!.resource.resourceType} needs the scope ${scope}, which this API key does not have`,
  }));
  throw new AppError('insufficient_scope', {
    detail: `This API key lacks ${[...missing.keys()].join(', ')}`,
    scope: [...missing.keys()].join(' '),
    errors,
  });
}

function knownPerson(row: Awaited<ReturnType<typeof store.findPeople>>[number]): KnownPerson {
  return {
    id: row.id,
    externalId: row.external_id,
    firstName: row.first_name,
    lastName: row.last_name,
    regionId: row.region_id,
    state: row.postal_address?.state ?? null,
    postalCode: row.postal_address?.postalCode ?? null,
  };
}

/** The records outside the bundle that its references name (`Patient/{id}`, `Patient?identifier=…`). */
async function lookUpReferences(deps: Deps, bundle: TransactionBundle): Promise<KnownRecords> {
  const personIds = new Set<string>();
  const personExternalIds = new Set<string>();
  const accountIds = new Set<string>();
  for (const reference of allReferences(bundle.entry.map((e) => e.resource))) {
    const parsed = parseReference(reference, new Map());
    if (parsed?.kind === 'id' && isUuid(parsed.id)) {
      if (parsed.type === 'Patient') personIds.add(parsed.id.toLowerCase());
      if (parsed.type === 'Account') accountIds.add(parsed.id.toLowerCase());
    }
    if (parsed?.kind === 'identifier' && parsed.type === 'Patient' && parsed.system === SYSTEM.patient) {
      personExternalIds.add(parsed.value);
    }
  }
  const [byId, byExternalId, accounts] = await Promise.all([
    store.findPeople(deps.db, 'id', [...personIds].slice(0, 500)),
    store.findPeople(deps.db, 'external_id', [...personExternalIds].slice(0, 500)),
    store.findAccounts(deps.db, 'id', [...accountIds].slice(0, 500)),
  ]);
  return {
    peopleById: new Map(byId.map((p) => [p.id, knownPerson(p)])),
    peopleByExternalId: new Map(byExternalId.map((p) => [p.external_id ?? '', knownPerson(p)])),
    accountsById: new Map(accounts.map((a) => [a.id, { externalId: a.external_id }])),
  };
}

/** Intake's refusal of one entry, its fields named by FHIRPath (the entry itself when it names none). */
function atEntry(err: unknown, index: number, translate: Translate): unknown {
  if (!(err instanceof AppError)) return err;
  const errors = err.details.errors?.map((e) => ({ ...e, field: translate(e.field) })) ?? [
    { field: `Bundle.entry[${index}].resource`, code: err.code, message: err.details.detail ?? err.title },
  ];
  return new AppError(err.code, { ...err.details, errors });
}

interface Written {
  result: WriteResult;
  location: string;
  lastModified: string;
}

function responseEntry(written: Written, note: string): BundleEntry {
  return {
    response: {
      status: written.result === 'created' ? '201 Created' : '200 OK',
      location: written.location,
      lastModified: written.lastModified,
      outcome: informationOutcome(note),
    },
  };
}

const iso = (d: Date | string | null | undefined) => new Date(d ?? 0).toISOString();

/** Writes the plan in the caller's transaction (`inTrx.db`): people, then accounts, then bills. */
async function apply(
  inTrx: Deps,
  plan: TransactionPlan,
  opts: RunTransactionOptions,
): Promise<Map<number, Written>> {
  const written = new Map<number, Written>();
  const who = { actor: opts.actor, ctx: opts.ctx };
  const results = new Map<number, WriteResult>();
  for (const step of plan.people) {
    const view = await upsertPerson(inTrx, { externalId: step.externalId, input: step.input, ...who }).catch(
      (err) => {
        throw atEntry(err, step.index, step.translate);
      },
    );
    results.set(step.index, view.result);
  }
  for (const step of plan.accounts) {
    const view = await upsertAccount(inTrx, { externalId: step.externalId, input: step.input, ...who }).catch(
      (err) => {
        throw atEntry(err, step.index, step.translate);
      },
    );
    results.set(step.index, view.result);
  }
  const versions = new Map<number, number>();
  for (const step of plan.bills) {
    const view = await upsertBill(inTrx, { externalId: step.externalId, input: step.input, ...who }).catch(
      (err) => {
        throw atEntry(err, step.index, step.translate);
      },
    );
    results.set(
      step.index,
      view.result === 'updated' ? 'updated' : view.result === 'created' ? 'created' : 'unchanged',
    );
    versions.set(step.index, view.bill.version);
  }
  const db = inTrx.db;
  const [people, accounts, bills] = await Promise.all([
    store.findPeople(
      db,
      'external_id',
      plan.people.map((s) => s.externalId),
    ),
    store.findAccounts(
      db,
      'external_id',
      plan.accounts.map((s) => s.externalId),
    ),
    store.findBillsByExternalIds(
      db,
      plan.bills.map((s) => s.externalId),
    ),
  ]);
  const byExternalId = <T extends { external_id: string | null }>(rows: T[]) =>
    new Map(rows.map((r) => [r.external_id, r]));
  const peopleBy = byExternalId(people);
  const accountsBy = byExternalId(accounts);
  const billsBy = byExternalId(bills);
  for (const step of plan.people) {
    const row = peopleBy.get(step.externalId)!;
    written.set(step.index, {
      result: results.get(step.index)!,
      location: `Patient/${row.id}`,
      lastModified: iso(row.updated_at),
    });
  }
  for (const step of plan.accounts) {
    const row = accountsBy.get(step.externalId)!;
    written.set(step.index, {
      result: results.get(step.index)!,
      location: `Account/${row.id}`,
      lastModified: iso(row.updated_at ?? row.created_at),
    });
  }
  for (const step of plan.bills) {
    const row = billsBy.get(step.externalId)!;
    written.set(step.index, {
      result: results.get(step.index)!,
      location: `Invoice/${row.id}/_history/${versions.get(step.index)}`,
      lastModified: iso(row.updated_at),
    });
  }
  return written;
}

const NOTE: Record<WriteResult, string> = {
  created: 'created',
  updated: 'updated (an Invoice: a new version)',
  unchanged: 'unchanged: Settle already held exactly this',
};

/** Applies the transaction, or refuses it whole; the answer is the transaction-response Bundle. */
export async function runTransaction(deps: Deps, opts: RunTransactionOptions): Promise<Bundle> {
  const { bundle } = opts;
  requireScopes(bundle, opts.scopes);
  const mapped = mapTransaction(bundle, await lookUpReferences(deps, bundle));
  if (!mapped.ok) {
    if (mapped.errors.length > 0) {
      throw new AppError('validation_failed', {
        detail: 'The transaction was not applied: fix the elements listed',
        errors: [...mapped.errors, ...mapped.references],
      });
    }
    throw new AppError('reference_not_found', {
      detail: 'The transaction was not applied: a reference names nothing in this bundle or in Settle',
      errors: mapped.references,
    });
  }
  const { plan } = mapped;
  const written = await inIntakeTransaction(deps, async (trx) => {
    const inTrx: Deps = { ...deps, db: trx };
    const done = await apply(inTrx, plan, opts);
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const w of done.values()) counts[w.result]++;
    await recordAudit(trx, {
      actor: opts.actor,
      ctx: opts.ctx,
      action: 'fhir.transaction',
      result: 'success',
      resourceType: 'fhir_bundle',
      detail: { entries: bundle.entry.length, ...counts },
    });
    return done;
  });
  return {
    resourceType: 'Bundle',
    type: 'transaction-response',
    timestamp: toDate(deps.clock.now()).toISOString(),
    entry: bundle.entry.map((_, i): BundleEntry => {
      const own = written.get(i);
      if (own) return responseEntry(own, NOTE[own.result]);
      const line = plan.lineOf.get(i)!;
      const invoice = written.get(line.invoice)!;
      return {
        response: {
          status: invoice.result === 'created' ? '201 Created' : '200 OK',
          outcome: informationOutcome(
            `Kept as line ${line.line + 1} of ${invoice.location.replace(/\/_history\/.*/, '')} (entry ${line.invoice}): ${NOTE[invoice.result]}`,
          ),
        },
      };
    }),
  };
}
