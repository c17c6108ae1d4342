import type { AccountKind, BillKind, PlanType } from '../../db/schema';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { postBillIssued } from '../ledger/ledger.service';
import type { BillLineView, BillView } from './bills.schema';
import {
  addBackToBills,
  collectOnBillsInBatchPart,
  collectOnBillsPart,
  findAccountById,
  findBillById,
  insertAccount,
  insertBill,
  insertBillLines,
  listBillIdsWithLiveAttempt,
  listBillsByIds,
  listBillsForPayment,
  listBillsOfAccounts,
  listLinesForBills,
  lockBillsInOrderPart,
  lockUnchangedBillsInBatchParts,
  lockUnchangedBillsPart,
  reopenBills,
} from './bills.store';

export interface CreateAccountOptions {
  regionId: string;
  stateCode: string;
  kind: AccountKind;
  planType?: PlanType;
  accountNumber: string;
  holderFirstName: string;
  holderLastName: string;
  postalCode: string;
}

export async function createAccount(trx: Db, opts: CreateAccountOptions): Promise<string> {
  const id = newId();
  await insertAccount(trx, {
    id,
    region_id: opts.regionId,
    state_code: opts.stateCode,
    kind: opts.kind,
    plan_type: opts.kind === 'premium' ? (opts.planType ?? 'individual_family') : null,
    account_number: opts.accountNumber,
    holder_first_name: opts.holderFirstName,
    holder_last_name: opts.holderLastName,
    postal_code: opts.postalCode,
  });
  return id;
}

export interface BillLineInput {
  description: string;
  serviceDate?: string;
  code?: string;
  chargeCents: number;
  insurancePaidCents?: number;
  adjustmentCents?: number;
}

export interface IssueBillOptions {
  accountId: string;
  kind: BillKind;
  number: string;
  patientName: string;
  provider?: string;
  facility?: string;
  visitDate?: string;
  coverageStart?: string;
  coverageEnd?: string;
  statementDate: string;
  dueDate: string;
  lines: BillLineInput[];
  /** The organization's own identifier of the bill (intake). */
  externalId?: string;
  /** The person the bill is for, when known (intake). */
  patientPersonId?: string;
}

/** Issues a bill: the bill, its lines and the ledger posting that makes it owed, in the caller's transaction. */
export async function issueBill(
  trx: Db,
  opts: IssueBillOptions,
): Promise<{ id: string; amountCents: number; postingId: string }> {
  const id = newId();
  const lines = opts.lines.map((l, position) => {
    const insurance = l.insurancePaidCents ?? 0;
    const adjustment = l.adjustmentCents ?? 0;
    return {
      id: newId(),
      bill_id: id,
      account_id: opts.accountId,
      position,
      service_date: l.serviceDate ?? null,
      description: l.description,
      code: l.code ?? null,
      charge_cents: l.chargeCents,
      insurance_paid_cents: insurance,
      adjustment_cents: adjustment,
      patient_owes_cents: l.chargeCents - insurance - adjustment,
    };
  });
  const amountCents = lines.reduce((sum, l) => sum + l.patient_owes_cents, 0);
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new RangeError(`bill ${opts.number} must leave a positive amount owed`);
  }
  await insertBill(trx, {
    id,
    account_id: opts.accountId,
    kind: opts.kind,
    number: opts.number,
    patient_name: opts.patientName,
    provider: opts.provider ?? null,
    facility: opts.facility ?? null,
    visit_date: opts.visitDate ?? null,
    coverage_start: opts.coverageStart ?? null,
    coverage_end: opts.coverageEnd ?? null,
    statement_date: opts.statementDate,
    due_date: opts.dueDate,
    amount_cents: amountCents,
    balance_cents: amountCents,
    status: 'open',
    external_id: opts.externalId ?? null,
    patient_person_id: opts.patientPersonId ?? null,
  });
  await insertBillLines(trx, lines);
  const postingId = await postBillIssued(trx, { accountId: opts.accountId, billId: id, amountCents });
  return { id, amountCents, postingId };
}

/** "Maria Rivera" → "Maria R.": enough for a payer to recognise the patient, no more. */
export function shortPersonName(fullName: string): string {
  const parts = fullName.trim().split(/\s+/);
  if (parts.length < 2) return parts[0] ?? '';
  return `${parts[0]} ${parts[parts.length - 1]?.charAt(0)}.`;
}

/** The bills with their lines, in due-date order, as the API shows them. */
export async function loadBillViews(
  db: Db,
  accountId: string,
  billIds: readonly string[],
): Promise<BillView[]> {
  const bills = await listBillsByIds(db, accountId, billIds);
  const ids = bills.map((b) => b.id);
  const [lines, live] = await Promise.all([listLinesForBills(db, ids), listBillIdsWithLiveAttempt(db, ids)]);
  const linesByBill = new Map<string, BillLineView[]>();
  for (const l of lines) {
    const list = linesByBill.get(l.bill_id) ?? [];
    list.push({
      description: l.description,
      serviceDate: l.service_date,
      code: l.code,
      chargeCents: l.charge_cents,
      insurancePaidCents: l.insurance_paid_cents,
      adjustmentCents: l.adjustment_cents,
      youOweCents: l.patient_owes_cents,
    });
    linesByBill.set(l.bill_id, list);
  }
  return bills.map((b) => ({
    id: b.id,
    kind: b.kind,
    number: b.number,
    patientName: shortPersonName(b.patient_name),
    provider: b.provider,
    facility: b.facility,
    visitDate: b.visit_date,
    coverageStart: b.coverage_start,
    coverageEnd: b.coverage_end,
    statementDate: b.statement_date,
    dueDate: b.due_date,
    amountCents: b.amount_cents,
    balanceCents: b.balance_cents,
    status: b.status,
    paymentInProgress: live.has(b.id),
    lines: linesByBill.get(b.id) ?? [],
  }));
}

/** What a payment needs of its bills before it is attempted: state, balance, due date, region. */
export function findBillsForPayment(db: Db, accountId: string, billIds: readonly string[]) {
  return listBillsForPayment(db, accountId, billIds);
}

/** Statement parts for the payment phases (platform/statement.ts). */
export const paymentParts = {
  lockUnchangedBills: lockUnchangedBillsPart,
  collectOnBills: collectOnBillsPart,
  lockUnchangedBillsInBatch: lockUnchangedBillsInBatchParts,
  lockBillsInOrder: lockBillsInOrderPart,
  collectOnBillsInBatch: collectOnBillsInBatchPart,
};

export async function getAccount(db: Db, id: string) {
  const account = await findAccountById(db, id);
  if (!account) throw new Error(`account ${id} not found`);
  return account;
}

/** A bill as a list shows it (no line items), with whether a payment for it is under way. */
export interface BillListItem {
  id: string;
  accountId: string;
  kind: BillKind;
  number: string;
  patientName: string;
  provider: string | null;
  visitDate: string | null;
  coverageStart: string | null;
  coverageEnd: string | null;
  statementDate: string;
  dueDate: string;
  amountCents: number;
  balanceCents: number;
  status: 'open' | 'paid' | 'void';
  paymentInProgress: boolean;
}

/** Every bill of the given accounts, due date first. */
export async function listBillsForAccounts(db: Db, accountIds: readonly string[]): Promise<BillListItem[]> {
  const bills = await listBillsOfAccounts(db, accountIds);
  const live = await listBillIdsWithLiveAttempt(
    db,
    bills.filter((b) => b.status === 'open').map((b) => b.id),
  );
  return bills.map((b) => ({
    id: b.id,
    accountId: b.account_id,
    kind: b.kind,
    number: b.number,
    patientName: b.patient_name,
    provider: b.provider,
    visitDate: b.visit_date,
    coverageStart: b.coverage_start,
    coverageEnd: b.coverage_end,
    statementDate: b.statement_date,
    dueDate: b.due_date,
    amountCents: b.amount_cents,
    balanceCents: b.balance_cents,
    status: b.status,
    paymentInProgress: live.has(b.id),
  }));
}

/** Which account a bill is on (for authorization), or undefined. */
/** A returned payment's amounts go back on its bills, which are open again. */
export function reopenBillsForReturn(
  trx: Db,
  allocations: readonly { billId: string; amountCents: number }[],
  now: Date,
): Promise<void> {
  return reopenBills(trx, allocations, now);
}

/**
 * A refund sent back to the payer's card or bank account: each bill it paid owes its share again (in the
 * caller's transaction, after the refund's ledger posting is decided; see ledger postRefund).
 */
export function reopenBillsForRefund(
  trx: Db,
  shares: readonly { billId: string; amountCents: number }[],
  now: Date,
): Promise<void> {
  return addBackToBills(trx, shares, now);
}

export function findBillAccount(db: Db, billId: string) {
  return findBillById(db, billId);
}

const kindLabels: Record<'en' | 'es', Record<BillKind, string>> = {
  en: { hospital: 'Hospital bill', professional: 'Professional services bill', premium: 'Premium invoice' },
  es: {
    hospital: 'Factura del hospital',
    professional: 'Factura de servicios profesionales',
    premium: 'Factura de prima',
  },
};

/** What people call a bill of this kind, in their language. */
export function billKindLabel(kind: BillKind, locale: 'en' | 'es'): string {
  return kindLabels[locale][kind];
}
