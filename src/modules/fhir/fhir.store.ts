/** Queries of the FHIR adapter: it reads intake's and payments' tables, and never writes them itself. */
import type { Db } from '../../platform/db';

/** Our id, or the organization's (people_external_id_key): how a reference names a record. */
export type RecordKey = 'id' | 'external_id';

export function findPeople(db: Db, by: RecordKey, values: readonly string[]) {
  if (values.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('people')
    .select(['id', 'external_id', 'first_name', 'last_name', 'region_id', 'postal_address', 'updated_at'])
    .where(by, 'in', values)
    .execute();
}

export function findAccounts(db: Db, by: RecordKey, values: readonly string[]) {
  if (values.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('accounts')
    .select(['id', 'external_id', 'updated_at', 'created_at'])
    .where(by, 'in', values)
    .execute();
}

export function findBillsByExternalIds(db: Db, externalIds: readonly string[]) {
  if (externalIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bills')
    .select(['id', 'external_id', 'updated_at'])
    .where('external_id', 'in', externalIds)
    .execute();
}

// --- Invoice ----------------------------------------------------------------------------------------

export function findBill(db: Db, id: string) {
  return db
    .selectFrom('bills')
    .select([
      'id',
      'account_id',
      'kind',
      'number',
      'external_id',
      'patient_person_id',
      'provider',
      'facility',
      'visit_date',
      'coverage_start',
      'coverage_end',
      'statement_date',
      'due_date',
      'amount_cents',
      'balance_cents',
      'status',
      'void_reason',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listBillLines(db: Db, billId: string) {
  return db
    .selectFrom('bill_lines')
    .select([
      'service_date',
      'code',
      'description',
      'charge_cents',
      'insurance_paid_cents',
      'adjustment_cents',
      'patient_owes_cents',
    ])
    .where('bill_id', '=', billId)
    .orderBy('position')
    .execute();
}

export async function latestBillVersion(db: Db, billId: string): Promise<number | null> {
  const row = await db
    .selectFrom('bill_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('bill_id', '=', billId)
    .executeTakeFirst();
  return row?.version == null ? null : Number(row.version);
}

// --- payments ---------------------------------------------------------------------------------------

export interface CreatedRange {
  /** created_at >= each of these */
  from: Date[];
  /** created_at < each of these */
  before: Date[];
}

/**
 * Payments in the range, oldest first, after the cursor (created_at, id), at most `limit`. Relies on
 * payments_created_idx (created_at, id).
 */
export function listPayments(
  db: Db,
  opts: {
    range: CreatedRange;
    after: { createdAt: Date; id: string } | null;
    limit: number;
    collectedOnly: boolean;
  },
) {
  let q = db
    .selectFrom('payments')
    .select([
      'id',
      'status',
      'amount_cents',
      'confirmation_number',
      'created_at',
      'updated_at',
      'completed_at',
      'settled_at',
      'return_code',
      'failure_message',
    ])
    .where('status', '!=', 'failed');
  if (opts.collectedOnly)
    q = q.where('status', 'in', ['succeeded', 'partially_refunded', 'refunded', 'returned']);
  for (const from of opts.range.from) q = q.where('created_at', '>=', from);
  for (const before of opts.range.before) q = q.where('created_at', '<', before);
  if (opts.after) {
    const { createdAt, id } = opts.after;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '>', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
      ]),
    );
  }
  return q.orderBy('created_at').orderBy('id').limit(opts.limit).execute();
}

export function findPayment(db: Db, id: string) {
  return db
    .selectFrom('payments')
    .select([
      'id',
      'status',
      'amount_cents',
      'confirmation_number',
      'created_at',
      'updated_at',
      'completed_at',
      'settled_at',
      'return_code',
      'failure_message',
    ])
    .where('id', '=', id)
    .where('status', '!=', 'failed')
    .executeTakeFirst();
}

export function listAllocations(db: Db, paymentIds: string[]) {
  if (paymentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('payment_allocations')
    .select(['payment_id', 'bill_id', 'amount_cents'])
    .where('payment_id', 'in', paymentIds)
    .orderBy('payment_id')
    .orderBy('bill_id')
    .execute();
}

/** Refunds that succeeded, with the bills each opened again (none when kept as a credit). */
export function listSucceededRefunds(db: Db, paymentIds: string[]) {
  if (paymentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('refunds')
    .leftJoin('refund_allocations', 'refund_allocations.refund_id', 'refunds.id')
    .select([
      'refunds.id',
      'refunds.payment_id',
      'refunds.amount_cents',
      'refunds.completed_at',
      'refund_allocations.bill_id',
      'refund_allocations.amount_cents as bill_amount_cents',
    ])
    .where('refunds.payment_id', 'in', paymentIds)
    .where('refunds.status', '=', 'succeeded')
    .orderBy('refunds.created_at')
    .orderBy('refunds.id')
    .execute();
}
