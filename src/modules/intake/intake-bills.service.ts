/**
 * Bills from the organization's billing system, kept by its own identifier with every version. A PUT
 * creates the bill (its lines, and the ledger posting that makes it owed), or corrects it: new content
 * is a new version, and the ledger moves by the change in its total. The same PUT again changes
 * nothing. Voids and adjustments: bill-changes.service.ts.
 */
import type { BillKind, BillVersionsTable } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { type BillAfterChange, billAfterAmountChange } from '../../domain/bill-changes';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { recordAudit } from '../audit/audit.service';
import { issueBill } from '../bills/bills.service';
import { postBillAmountChange } from '../ledger/ledger.service';
import {
  actorParts,
  contentHash,
  duplicateNumber,
  inIntakeTransaction,
  invalid,
  iso,
  notFound,
} from './intake.common';
import * as store from './intake.store';
import {
  type BillInput,
  type BillRecord,
  type BillVersionsView,
  type BillWriteResult,
  type BillWriteView,
  billContentProblems,
} from './intake-bills.schema';
import * as billStore from './intake-bills.store';
import { recordBillEvent } from './intake-events';

export interface UpsertBillOptions {
  externalId: string;
  /** Parsed with `billInput` (intake-bills.schema.ts). */
  input: BillInput;
  actor: Actor;
  ctx: RequestContext | null;
}

/** A bill's content as the billing system sent it, every optional field present (null when left out). */
export type BillContent = ReturnType<typeof contentOf>;

function contentOf(input: BillInput) {
  return {
    accountExternalId: input.accountExternalId,
    patientExternalId: input.patientExternalId ?? null,
    kind: input.kind,
    number: input.number,
    provider: input.provider ?? null,
    facility: input.facility ?? null,
    visitDate: input.visitDate ?? null,
    coverageStart: input.coverageStart ?? null,
    coverageEnd: input.coverageEnd ?? null,
    statementDate: input.statementDate,
    dueDate: input.dueDate,
    totalCents: input.totalCents,
    lines: input.lines.map((l) => ({
      serviceDate: l.serviceDate ?? null,
      code: l.code ?? null,
      description: l.description,
      chargeCents: l.chargeCents,
      insurancePaidCents: l.insurancePaidCents,
      adjustmentCents: l.adjustmentCents,
      patientResponsibilityCents: l.patientResponsibilityCents,
    })),
  };
}

export type BillRow = NonNullable<Awaited<ReturnType<typeof billStore.findBillByExternalId>>>;
type VersionRow = NonNullable<Awaited<ReturnType<typeof billStore.latestVersion>>>;

/** The bill with this externalId locked for a change, with its latest version; not_found otherwise. */
export async function lockBill(trx: Db, externalId: string): Promise<{ bill: BillRow; latest: VersionRow }> {
  const bill = await billStore.findBillByExternalId(trx, externalId, true);
  const latest = bill ? await billStore.latestVersion(trx, bill.id) : undefined;
  if (!bill || !latest) throw notFound('bill', externalId);
  return { bill, latest };
}

function totalOf(version: VersionRow): number {
  return Number((version.content as { totalCents?: unknown }).totalCents ?? 0);
}

/** The bill as intake shows it. */
export async function billRecordOf(db: Db, bill: BillRow, latest: VersionRow): Promise<BillRecord> {
  const lines = await billStore.listLines(db, bill.id);
  const inProgress = bill.status === 'open' ? await billStore.liveShareOnBill(db, bill.id) : 0;
  const total = totalOf(latest);
  return {
    externalId: bill.external_id ?? '',
    accountExternalId: bill.account_external_id ?? '',
    patientExternalId: bill.patient_external_id,
    kind: bill.kind,
    number: bill.number,
    patientName: bill.patient_name,
    provider: bill.provider,
    facility: bill.facility,
    visitDate: bill.visit_date,
    coverageStart: bill.coverage_start,
    coverageEnd: bill.coverage_end,
    statementDate: bill.statement_date,
    dueDate: bill.due_date,
    totalCents: total,
    lines: lines.map((l) => ({
      serviceDate: l.service_date,
      code: l.code,
      description: l.description,
      chargeCents: l.charge_cents,
      insurancePaidCents: l.insurance_paid_cents,
      adjustmentCents: l.adjustment_cents,
      patientResponsibilityCents: l.patient_owes_cents,
    })),
    adjustmentsCents: bill.amount_cents - total,
    amountCents: bill.amount_cents,
    balanceCents: bill.balance_cents,
    // A void bill had nothing paid on it (voidRefusal); its balance was taken off, not paid.
    paidCents: bill.status === 'void' ? 0 : bill.amount_cents - bill.balance_cents,
    paymentInProgressCents: inProgress,
    status: bill.status,
    voidReason: bill.void_reason,
    version: latest.version,
    createdAt: iso(bill.created_at, bill.created_at),
    updatedAt: iso(bill.updated_at, bill.created_at),
  };
}

/** Reads the bill again (after a change in `db`'s transaction) and answers with it. */
export async function billWriteView(
  db: Db,
  externalId: string,
  result: BillWriteResult,
): Promise<BillWriteView> {
  const bill = await billStore.findBillByExternalId(db, externalId);
  const latest = bill ? await billStore.latestVersion(db, bill.id) : undefined;
  if (!bill || !latest) throw notFound('bill', externalId);
  return { result, bill: await billRecordOf(db, bill, latest) };
}

/**
 * The refusal for a change the bill's payments do not allow (domain/bill-changes.ts), naming `field`
 * when one field asked for it (a void names none: nothing in its body is at fault).
 */
export function refusalOf(after: Extract<BillAfterChange, { ok: false }>, field?: string): AppError {
  const r = after.refusal;
  switch (r.code) {
    case 'amount_not_positive':
      return invalid([
        {
          field: field ?? '(body)',
          code: 'nothing_to_pay',
          message: `With the adjustments already posted, the bill would ask for ${r.newAmountCents}: void it instead`,
        },
      ]);
    case 'below_paid':
      return new AppError('bill_below_paid', {
        detail:
          `${r.paidCents} has already been paid on this bill, and it would ask for ${r.newAmountCents}. ` +
          'Refund the difference first.',
        paidCents: r.paidCents,
        newAmountCents: r.newAmountCents,
        ...(field
          ? { errors: [{ field, code: 'below_paid', message: `At least ${r.paidCents} has been paid` }] }
          : {}),
      });
    case 'below_in_progress':
      return new AppError('payment_in_progress', {
        detail:
          `A payment of ${r.inProgressCents} on this bill is being processed, and only ${r.newBalanceCents} ` +
          'would be left to pay. Try again when it has completed.',
        inProgressCents: r.inProgressCents,
        newBalanceCents: r.newBalanceCents,
        retryAfterSeconds: 60,
        ...(field
          ? {
              errors: [
                {
                  field,
                  code: 'payment_in_progress',
                  message: `A payment of ${r.inProgressCents} is in progress`,
                },
              ],
            }
          : {}),
      });
  }
}

export function versionRow(
  bill: { id: string; account_id: string },
  version: number,
  opts: {
    change: BillVersionsTable['change'];
    content: Record<string, unknown>;
    amountChangeCents: number;
    amountCents: number;
    reason: string | null;
    postingId: string | null;
    actor: Actor;
    at: Date;
  },
) {
  const actor = actorParts(opts.actor);
  return {
    id: newId(),
    bill_id: bill.id,
    account_id: bill.account_id,
    version,
    change: opts.change,
    content: JSON.stringify(opts.content),
    content_hash: contentHash(opts.content),
    amount_change_cents: opts.amountChangeCents,
    amount_cents: opts.amountCents,
    reason: opts.reason,
    posting_id: opts.postingId,
    actor_type: actor.type,
    actor_id: actor.id,
    created_at: opts.at,
  };
}

const KIND_OF_ACCOUNT: Record<BillKind, 'medical' | 'premium'> = {
  hospital: 'medical',
  professional: 'medical',
  premium: 'premium',
};

/**
 * Creates the bill with this externalId, or corrects it when its content differs from its latest
 * version. Refused (nothing changes): lines that do not add up (the line and field named), dates out
 * of order, an unknown account or patient, a kind the account does not carry, a number another bill
 * holds, a void bill, a move to another account, and a correction that leaves less to pay than has
 * been paid (bill_below_paid) or than a payment in progress will take (payment_in_progress).
 */
export async function upsertBill(deps: Deps, opts: UpsertBillOptions): Promise<BillWriteView> {
  const problems = billContentProblems(opts.input);
  if (problems.length > 0) throw invalid(problems);
  const content = contentOf(opts.input);
  const hash = contentHash(content);
  const now = toDate(deps.clock.now());
  return inIntakeTransaction(deps, async (trx) => {
    const account = await store.findAccountByExternalId(trx, content.accountExternalId);
    if (!account) {
      throw new AppError('reference_not_found', {
        detail: 'Create the account first (PUT /api/v1/accounts/{externalId})',
        errors: [
          { field: 'accountExternalId', code: 'unknown_account', message: 'No account with this externalId' },
        ],
      });
    }
    if (KIND_OF_ACCOUNT[content.kind] !== account.kind) {
      throw invalid([
        {
          field: 'kind',
          code: 'kind_not_for_account',
          message: `A ${account.kind} account does not carry ${content.kind} bills`,
        },
      ]);
    }
    const patient = content.patientExternalId
      ? (await store.findPeopleByExternalIds(trx, [content.patientExternalId]))[0]
      : undefined;
    if (content.patientExternalId && !patient) {
      throw new AppError('reference_not_found', {
        detail: 'Create the patient first (PUT /api/v1/people/{externalId})',
        errors: [
          { field: 'patientExternalId', code: 'unknown_person', message: 'No person with this externalId' },
        ],
      });
    }
    const patientName = patient
      ? `${patient.first_name} ${patient.last_name}`
      : account.person_first_name
        ? `${account.person_first_name} ${account.person_last_name}`
        : `${account.holder_first_name} ${account.holder_last_name}`;

    const existing = await billStore.findBillByExternalId(trx, opts.externalId, true);
    const holder = await billStore.findBillIdByNumber(trx, content.number);
    if (holder && holder.id !== existing?.id) throw duplicateNumber('number', holder.external_id);

    if (!existing) {
      const issued = await issueBill(trx, {
        accountId: account.id,
        kind: content.kind,
        number: content.number,
        patientName,
        ...(patient ? { patientPersonId: patient.id } : {}),
        externalId: opts.externalId,
        ...(content.provider ? { provider: content.provider } : {}),
        ...(content.facility ? { facility: content.facility } : {}),
        ...(content.visitDate ? { visitDate: content.visitDate } : {}),
        ...(content.coverageStart ? { coverageStart: content.coverageStart } : {}),
        ...(content.coverageEnd ? { coverageEnd: content.coverageEnd } : {}),
        statementDate: content.statementDate,
        dueDate: content.dueDate,
        lines: content.lines.map((l) => ({
          description: l.description,
          ...(l.serviceDate ? { serviceDate: l.serviceDate } : {}),
          ...(l.code ? { code: l.code } : {}),
          chargeCents: l.chargeCents,
          insurancePaidCents: l.insurancePaidCents,
          adjustmentCents: l.adjustmentCents,
        })),
      });
      await billStore.insertVersion(
        trx,
        versionRow({ id: issued.id, account_id: account.id }, 1, {
          change: 'created',
          content,
          amountChangeCents: issued.amountCents,
          amountCents: issued.amountCents,
          reason: null,
          postingId: issued.postingId,
          actor: opts.actor,
          at: now,
        }),
      );
      await audit(trx, opts, 'created', account.id, { amountCents: issued.amountCents });
      const created = await billWriteView(trx, opts.externalId, 'created');
      await recordBillEvent(trx, {
        type: 'bill.created',
        billId: issued.id,
        accountId: account.id,
        bill: created.bill,
        amountChangeCents: issued.amountCents,
        at: now,
      });
      return created;
    }

    const latest = await billStore.latestVersion(trx, existing.id);
    if (!latest) throw notFound('bill', opts.externalId);
    if (latest.content_hash === hash)
      return { result: 'unchanged', bill: await billRecordOf(trx, existing, latest) };
    if (existing.status === 'void') {
      throw new AppError('bill_void', {
        detail: `This bill was voided (${existing.void_reason ?? 'no reason given'}). Send a new bill with a new externalId.`,
      });
    }
    if (existing.account_id !== account.id) {
      throw new AppError('change_not_allowed', {
        detail: 'A bill stays on its account. Void it and send a new bill on the other account.',
        errors: [
          {
            field: 'accountExternalId',
            code: 'bill_account_fixed',
            message: `Stays ${existing.account_external_id}`,
          },
        ],
      });
    }
    const change = content.totalCents - totalOf(latest);
    const after = billAfterAmountChange(
      {
        amountCents: existing.amount_cents,
        balanceCents: existing.balance_cents,
        inProgressCents: await billStore.liveShareOnBill(trx, existing.id),
      },
      existing.amount_cents + change,
    );
    if (!after.ok) throw refusalOf(after, 'totalCents');
    const postingId =
      change === 0
        ? null
        : await postBillAmountChange(trx, {
            accountId: account.id,
            billId: existing.id,
            amountCents: change,
            memo: `bill corrected (version ${latest.version + 1})`,
            at: now,
          });
    await billStore.updateBill(trx, existing.id, {
      kind: content.kind,
      number: content.number,
      patient_name: patientName,
      patient_person_id: patient?.id ?? null,
      provider: content.provider,
      facility: content.facility,
      visit_date: content.visitDate,
      coverage_start: content.coverageStart,
      coverage_end: content.coverageEnd,
      statement_date: content.statementDate,
      due_date: content.dueDate,
      amount_cents: after.amountCents,
      balance_cents: after.balanceCents,
      status: after.status,
      updated_at: now,
    });
    await billStore.replaceLines(
      trx,
      existing.id,
      content.lines.map((l, position) => ({
        id: newId(),
        bill_id: existing.id,
        account_id: account.id,
        position,
        service_date: l.serviceDate,
        description: l.description,
        code: l.code,
        charge_cents: l.chargeCents,
        insurance_paid_cents: l.insurancePaidCents,
        adjustment_cents: l.adjustmentCents,
        patient_owes_cents: l.patientResponsibilityCents,
      })),
    );
    await billStore.insertVersion(
      trx,
      versionRow(existing, latest.version + 1, {
        change: 'corrected',
        content,
        amountChangeCents: change,
        amountCents: after.amountCents,
        reason: null,
        postingId,
        actor: opts.actor,
        at: now,
      }),
    );
    await audit(trx, opts, 'corrected', account.id, {
      version: latest.version + 1,
      amountChangeCents: change,
    });
    const corrected = await billWriteView(trx, opts.externalId, 'updated');
    await recordBillEvent(trx, {
      type: 'bill.corrected',
      billId: existing.id,
      accountId: account.id,
      bill: corrected.bill,
      amountChangeCents: change,
      at: now,
    });
    return corrected;
  });
}

function audit(
  trx: Db,
  opts: { externalId: string; actor: Actor; ctx: RequestContext | null },
  what: string,
  accountId: string,
  detail: Record<string, unknown>,
): Promise<void> {
  return recordAudit(trx, {
    actor: opts.actor,
    ctx: opts.ctx,
    action: `intake.bill.${what}`,
    result: 'success',
    accountId,
    resourceType: 'bill',
    resourceId: opts.externalId,
    detail,
  });
}

export { audit as auditBillChange };

/** The bill with this externalId, as intake holds it. */
export async function getBillRecord(deps: Deps, externalId: string): Promise<BillRecord> {
  return (await billWriteView(deps.db, externalId, 'unchanged')).bill;
}

/** Every version of the bill, oldest first: as created, each correction, adjustment and the void. */
export async function listBillVersions(deps: Deps, externalId: string): Promise<BillVersionsView> {
  const bill = await billStore.findBillByExternalId(deps.db, externalId);
  if (!bill) throw notFound('bill', externalId);
  const versions = await billStore.listVersions(deps.db, bill.id);
  return {
    externalId,
    versions: versions.map((v) => ({
      version: v.version,
      change: v.change,
      at: iso(v.created_at, v.created_at),
      actor: { type: v.actor_type, id: v.actor_id },
      reason: v.reason,
      amountChangeCents: v.amount_change_cents,
      amountCents: v.amount_cents,
      content: v.content,
    })),
  };
}

/** The adjustments posted on a bill (a bill from intake; none for others), for statements and PDFs. */
export async function listBillAdjustments(
  db: Db,
  billId: string,
): Promise<{ at: Date; reason: string; amountCents: number }[]> {
  const rows = await billStore.listAdjustments(db, billId);
  return rows.map((r) => ({
    at: new Date(r.created_at),
    reason: r.reason ?? '',
    amountCents: r.amount_change_cents,
  }));
}
