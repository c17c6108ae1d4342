/**
 * Payments read as FHIR (decision 0037): each payment is a PaymentReconciliation whose details are the
 * Invoices it paid (and the refunds that gave money back), and a PaymentNotice per Invoice it paid.
 * Invoices read from the bills they are. Built from the payments and bills tables on every read.
 */
import type {
  Bundle,
  BundleEntry,
  Invoice,
  InvoiceLineItemPriceComponent,
  PaymentNotice,
  PaymentReconciliation,
  PaymentReconciliationDetail,
} from '@medplum/fhirtypes';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { centsToMoney } from './fhir.money';
import { isUuid } from './fhir.references';
import type { PaymentSearchQuery } from './fhir.schema';
import * as store from './fhir.store';
import { CODE, EXT, PATIENT_RESPONSIBILITY, SYSTEM } from './fhir.systems';

type PaymentRow = NonNullable<Awaited<ReturnType<typeof store.findPayment>>>;
type AllocationRow = Awaited<ReturnType<typeof store.listAllocations>>[number];
type RefundRow = Awaited<ReturnType<typeof store.listSucceededRefunds>>[number];

const iso = (d: Date | string) => new Date(d).toISOString();
const dayOf = (d: Date | string) => iso(d).slice(0, 10);

function invalidParameter(name: string, message: string): AppError {
  return new AppError('validation_failed', {
    detail: `Check the search parameter ${name}`,
    errors: [{ field: name, code: 'invalid', message }],
  });
}

// --- created=… --------------------------------------------------------------------------------------

/** The instants a FHIR date or dateTime covers, [start, end): a year, a month, a day, a minute, a second, a millisecond. */
export function instantRange(value: string): { start: Date; end: Date } | null {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value,
    );
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  const parts = [
    year,
    month,
    day,
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    Number((ms ?? '0').padEnd(3, '0')),
  ] as const;
  const local = Date.UTC(...parts);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month || check.getUTCDate() !== day)
    return null;
  if (parts[3] > 23 || parts[4] > 59 || parts[5] > 59) return null;
  let offsetMinutes = 0;
  if (tz && tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const [oh, om] = tz.slice(1).split(':').map(Number);
    if (oh! > 14 || om! > 59) return null;
    offsetMinutes = sign * (oh! * 60 + om!);
  }
  const start = new Date(local - offsetMinutes * 60_000);
  const end = new Date(start);
  if (!mo) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (!d) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (!h) end.setUTCDate(end.getUTCDate() + 1);
  else end.setTime(start.getTime() + (ms ? 1 : s ? 1000 : 60_000));
  return { start, end };
}

/** `created` values (all must hold) as a range of created_at; a refusal names the parameter. */
export function createdRange(values: string[]): store.CreatedRange {
  const range: store.CreatedRange = { from: [], before: [] };
  for (const value of values) {
    const m = /^(eq|ge|gt|le|lt|ne|sa|eb|ap)?(.*)$/.exec(value)!;
    const prefix = m[1] ?? 'eq';
    const span = instantRange(m[2]!);
    if (!['eq', 'ge', 'gt', 'le', 'lt'].includes(prefix)) {
      throw invalidParameter('created', `The prefix ${prefix} is not supported: use eq, ge, gt, le or lt`);
    }
    if (!span) {
      throw invalidParameter(
        'created',
        `${JSON.stringify(value)} is not a date (2026-01-01) or date-time (2026-01-01T08:00:00Z)`,
      );
    }
    if (prefix === 'eq' || prefix === 'ge') range.from.push(span.start);
    if (prefix === 'gt') range.from.push(span.end);
    if (prefix === 'eq' || prefix === 'le') range.before.push(span.end);
    if (prefix === 'lt') range.before.push(span.start);
  }
  return range;
}

function encodeCursor(row: { created_at: Date | string; id: string }): string {
  return Buffer.from(JSON.stringify([iso(row.created_at), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && isUuid(id) && !Number.isNaN(Date.parse(at))) {
      return { createdAt: new Date(at), id };
    }
  } catch {
    // refused below
  }
  throw invalidParameter('_cursor', 'Not a cursor this server gave: follow the next link as it is');
}

// --- resources --------------------------------------------------------------------------------------

const OUTCOME: Record<string, PaymentReconciliation['outcome']> = {
  pending: 'queued',
  processing: 'queued',
  unknown: 'queued',
  succeeded: 'complete',
  partially_refunded: 'complete',
  refunded: 'complete',
  returned: 'error',
};

function paymentType(code: 'payment' | 'adjustment') {
  return { coding: [{ system: CODE.paymentType, code }] };
}

/** A payment as a PaymentReconciliation: a detail per Invoice it paid, and one per refund that gave money back. */
export function paymentReconciliationOf(
  p: PaymentRow,
  allocations: AllocationRow[],
  refunds: RefundRow[],
  currency: 'USD',
): PaymentReconciliation {
  const paidOn = dayOf(p.completed_at ?? p.created_at);
  const detail: PaymentReconciliationDetail[] = [
    ...allocations.map(
      (a): PaymentReconciliationDetail => ({
        type: paymentType('payment'),
        request: { reference: `Invoice/${a.bill_id}` },
        date: paidOn,
        amount: centsToMoney(a.amount_cents, currency),
      }),
    ),
    ...refunds.map(
      (r): PaymentReconciliationDetail => ({
        identifier: { system: `${SYSTEM.confirmation}/refund`, value: r.id },
        type: paymentType('adjustment'),
        ...(r.bill_id ? { request: { reference: `Invoice/${r.bill_id}` } } : {}),
        ...(r.completed_at ? { date: dayOf(r.completed_at) } : {}),
        amount: centsToMoney(-(r.bill_id ? Number(r.bill_amount_cents) : r.amount_cents), currency),
      }),
    ),
  ];
  const returned = p.status === 'returned';
  return {
    resourceType: 'PaymentReconciliation',
    id: p.id,
    meta: { lastUpdated: iso(p.updated_at) },
    identifier: [{ system: SYSTEM.confirmation, value: p.confirmation_number }],
    status: returned ? 'cancelled' : 'active',
    created: iso(p.created_at),
    outcome: OUTCOME[p.status] ?? 'queued',
    disposition: returned
      ? `Returned by the bank${p.return_code ? ` (${p.return_code})` : ''}`
      : p.status === 'succeeded' || p.status === 'partially_refunded' || p.status === 'refunded'
        ? p.status.replace('_', ' ')
        : 'in progress',
    paymentDate: paidOn,
    paymentAmount: centsToMoney(p.amount_cents, currency),
    paymentIdentifier: { system: SYSTEM.confirmation, value: p.confirmation_number },
    detail,
  };
}

/** A payment that collected money as a PaymentNotice per Invoice it paid (`{paymentId}.{n}`). */
export function paymentNoticesOf(
  p: PaymentRow,
  allocations: AllocationRow[],
  organization: string,
  currency: 'USD',
): PaymentNotice[] {
  return allocations.map((a, n) => ({
    resourceType: 'PaymentNotice',
    id: `${p.id}.${n + 1}`,
    status: p.status === 'returned' ? 'cancelled' : 'active',
    request: { reference: `Invoice/${a.bill_id}` },
    created: iso(p.created_at),
    payment: { reference: `PaymentReconciliation/${p.id}` },
    paymentDate: dayOf(p.completed_at ?? p.created_at),
    recipient: { display: organization },
    amount: centsToMoney(a.amount_cents, currency),
    paymentStatus: { coding: [{ system: CODE.paymentStatus, code: p.settled_at ? 'cleared' : 'paid' }] },
  }));
}

// --- searches ---------------------------------------------------------------------------------------

export interface SearchPaymentsOptions {
  type: 'PaymentReconciliation' | 'PaymentNotice';
  query: PaymentSearchQuery;
}

function createdValues(query: PaymentSearchQuery): string[] {
  return query.created === undefined ? [] : [query.created].flat();
}

function searchUrl(deps: Deps, type: string, query: PaymentSearchQuery, cursor?: string): string {
  const params = new URLSearchParams();
  for (const value of createdValues(query)) params.append('created', value);
  params.set('_count', String(query._count));
  if (cursor) params.set('_cursor', cursor);
  return `${deps.config.publicUrl}/fhir/R4/${type}?${params.toString()}`;
}

/** A searchset of payments created in the range, oldest first, `_count` payments a page, with a `next` link. */
export async function searchPayments(deps: Deps, opts: SearchPaymentsOptions): Promise<Bundle> {
  const { query, type } = opts;
  const range = createdRange(createdValues(query));
  const after = query._cursor ? decodeCursor(query._cursor) : null;
  const rows = await store.listPayments(deps.db, {
    range,
    after,
    limit: query._count + 1,
    collectedOnly: type === 'PaymentNotice',
  });
  const page = rows.slice(0, query._count);
  const ids = page.map((p) => p.id);
  const [allocations, refunds] = await Promise.all([
    store.listAllocations(deps.db, ids),
    type === 'PaymentReconciliation' ? store.listSucceededRefunds(deps.db, ids) : Promise.resolve([]),
  ]);
  const currency = deps.config.organization.currency;
  const resources = page.flatMap((p): (PaymentReconciliation | PaymentNotice)[] => {
    const own = allocations.filter((a) => a.payment_id === p.id);
    return type === 'PaymentReconciliation'
      ? [
          paymentReconciliationOf(
            p,
            own,
            refunds.filter((r) => r.payment_id === p.id),
            currency,
          ),
        ]
      : paymentNoticesOf(p, own, deps.config.organization.name, currency);
  });
  const last = page.at(-1);
  const next = rows.length > query._count && last ? encodeCursor(last) : null;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: searchUrl(deps, type, query, query._cursor) },
      ...(next ? [{ relation: 'next', url: searchUrl(deps, type, query, next) }] : []),
    ],
    entry: resources.map(
      (resource): BundleEntry => ({
        fullUrl: `${deps.config.publicUrl}/fhir/R4/${resource.resourceType}/${resource.id}`,
        resource,
        search: { mode: 'match' },
      }),
    ),
  };
}

function notFound(type: string, id: string): AppError {
  return new AppError('not_found', { detail: `No ${type}/${id}` });
}

/** One payment as a PaymentReconciliation. */
export async function readPaymentReconciliation(deps: Deps, id: string): Promise<PaymentReconciliation> {
  const payment = isUuid(id) ? await store.findPayment(deps.db, id.toLowerCase()) : undefined;
  if (!payment) throw notFound('PaymentReconciliation', id);
  const [allocations, refunds] = await Promise.all([
    store.listAllocations(deps.db, [payment.id]),
    store.listSucceededRefunds(deps.db, [payment.id]),
  ]);
  return paymentReconciliationOf(payment, allocations, refunds, deps.config.organization.currency);
}

// --- Invoice ----------------------------------------------------------------------------------------

const INVOICE_STATUS: Record<string, Invoice['status']> = {
  open: 'issued',
  paid: 'balanced',
  void: 'cancelled',
};

/** A bill as an Invoice: its lines with their price components, what it asks for and what is left to pay. */
export async function readInvoice(deps: Deps, id: string): Promise<Invoice> {
  const bill = isUuid(id) ? await store.findBill(deps.db, id.toLowerCase()) : undefined;
  if (!bill) throw notFound('Invoice', id);
  const [lines, version] = await Promise.all([
    store.listBillLines(deps.db, bill.id),
    store.latestBillVersion(deps.db, bill.id),
  ]);
  const currency = deps.config.organization.currency;
  const money = (cents: number) => centsToMoney(cents, currency);
  const component = (
    type: InvoiceLineItemPriceComponent['type'],
    cents: number,
  ): InvoiceLineItemPriceComponent => ({
    type,
    amount: money(cents),
  });
  return {
    resourceType: 'Invoice',
    id: bill.id,
    meta: { lastUpdated: iso(bill.updated_at), ...(version ? { versionId: String(version) } : {}) },
    identifier: [
      ...(bill.external_id ? [{ system: SYSTEM.invoice, value: bill.external_id }] : []),
      { system: SYSTEM.invoiceNumber, value: bill.number },
    ],
    status: INVOICE_STATUS[bill.status] ?? 'issued',
    ...(bill.void_reason ? { cancelledReason: bill.void_reason } : {}),
    type: { coding: [{ system: CODE.billKind, code: bill.kind }] },
    ...(bill.patient_person_id ? { subject: { reference: `Patient/${bill.patient_person_id}` } } : {}),
    account: { reference: `Account/${bill.account_id}` },
    date: bill.statement_date,
    ...(bill.provider ? { participant: [{ actor: { display: bill.provider } }] } : {}),
    extension: [
      { url: EXT.dueDate, valueDate: bill.due_date },
      ...(bill.visit_date ? [{ url: EXT.visitDate, valueDate: bill.visit_date }] : []),
      ...(bill.coverage_start && bill.coverage_end
        ? [{ url: EXT.coveragePeriod, valuePeriod: { start: bill.coverage_start, end: bill.coverage_end } }]
        : []),
      { url: EXT.balance, valueMoney: money(bill.balance_cents) },
    ],
    lineItem: lines.map((l, n) => ({
      sequence: n + 1,
      chargeItemCodeableConcept: { ...(l.code ? { coding: [{ code: l.code }] } : {}), text: l.description },
      priceComponent: [
        component('base', l.charge_cents),
        component('deduction', l.insurance_paid_cents),
        component('discount', l.adjustment_cents),
        {
          ...component('informational', l.patient_owes_cents),
          code: { coding: [{ system: CODE.priceComponent, code: PATIENT_RESPONSIBILITY }] },
        },
      ],
    })),
    totalGross: money(lines.reduce((sum, l) => sum + l.charge_cents, 0)),
    totalNet: money(bill.amount_cents),
  };
}
