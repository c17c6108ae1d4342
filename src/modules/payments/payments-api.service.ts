/**
 * Payments out, for integrators: a page of payments oldest first (UUIDv7 ids sort by creation, so a
 * cursor is the last id seen and paging never skips or repeats one), and one payment, each with the
 * bills it paid named by the billing system's own identifiers.
 */
import { sql } from 'kysely';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import type { Db } from '../../platform/db';
import type { ApiPaymentList, ApiPaymentListQuery, ApiPaymentView } from './payments-api.schema';

function notFound(): AppError {
  return new AppError('not_found', { detail: 'Payment not found' });
}

function paymentsQuery(db: Db) {
  return db
    .selectFrom('payments')
    .innerJoin('accounts', 'accounts.id', 'payments.account_id')
    .select([
      'payments.id',
      'payments.confirmation_number',
      'payments.status',
      'payments.amount_cents',
      'payments.currency',
      'payments.channel',
      'payments.method_type',
      'payments.method_brand',
      'payments.method_last4',
      'payments.failure_code',
      'payments.failure_message',
      'payments.return_code',
      'payments.represents_payment_id',
      'payments.created_at',
      'payments.completed_at',
      'payments.settled_at',
      'accounts.id as account_id',
      'accounts.external_id as account_external_id',
      'accounts.account_number',
    ]);
}
type PaymentRow = Awaited<ReturnType<ReturnType<typeof paymentsQuery>['execute']>>[number];

async function toViews(db: Db, rows: readonly PaymentRow[]): Promise<ApiPaymentView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [allocations, refunds] = await Promise.all([
    db
      .selectFrom('payment_allocations')
      .innerJoin('bills', 'bills.id', 'payment_allocations.bill_id')
      .select([
        'payment_allocations.payment_id',
        'payment_allocations.bill_id',
        'payment_allocations.amount_cents',
        'bills.external_id',
        'bills.number',
      ])
      .where('payment_allocations.payment_id', 'in', ids)
      .orderBy('bills.due_date')
      .orderBy('bills.number')
      .execute(),
    db
      .selectFrom('refunds')
      .select(['payment_id', sql<string>`sum(amount_cents)::bigint`.as('refunded')])
      .where('payment_id', 'in', ids)
      .where('status', '=', 'succeeded')
      .groupBy('payment_id')
      .execute(),
  ]);
  const refunded = new Map(refunds.map((r) => [r.payment_id, Number(r.refunded)]));
  return rows.map((p) => ({
    id: p.id,
    confirmationNumber: p.confirmation_number,
    status: p.status,
    amountCents: p.amount_cents,
    currency: p.currency,
    refundedCents: refunded.get(p.id) ?? 0,
    channel: p.channel,
    method: {
      type: p.method_type,
      brand: p.method_type === 'card' ? p.method_brand : null,
      last4: p.method_last4,
    },
    account: { id: p.account_id, externalId: p.account_external_id, accountNumber: p.account_number },
    bills: allocations
      .filter((a) => a.payment_id === p.id)
      .map((a) => ({
        billId: a.bill_id,
        externalId: a.external_id,
        number: a.number,
        amountCents: a.amount_cents,
      })),
    failure:
      p.status === 'failed' && p.failure_code
        ? { code: p.failure_code, message: p.failure_message ?? p.failure_code }
        : null,
    returnCode: p.return_code,
    representsPaymentId: p.represents_payment_id,
    createdAt: p.created_at.toISOString(),
    completedAt: p.completed_at ? p.completed_at.toISOString() : null,
    settledAt: p.settled_at ? p.settled_at.toISOString() : null,
  }));
}

export async function listApiPayments(deps: Deps, query: ApiPaymentListQuery): Promise<ApiPaymentList> {
  let q = paymentsQuery(deps.db);
  if (query.accountExternalId !== undefined) {
    const account = await deps.db
      .selectFrom('accounts')
      .select('id')
      .where('external_id', '=', query.accountExternalId)
      .executeTakeFirst();
    if (!account) {
      throw new AppError('validation_failed', {
        errors: [
          {
            field: 'accountExternalId',
            code: 'not_found',
            message: `No account with externalId ${JSON.stringify(query.accountExternalId)}`,
          },
        ],
      });
    }
    q = q.where('payments.account_id', '=', account.id);
  }
  if (query.createdFrom !== undefined) q = q.where('payments.created_at', '>=', new Date(query.createdFrom));
  if (query.createdBefore !== undefined)
    q = q.where('payments.created_at', '<', new Date(query.createdBefore));
  if (query.status !== undefined) q = q.where('payments.status', '=', query.status);
  if (query.cursor !== undefined) q = q.where('payments.id', '>', query.cursor);
  const rows = await q
    .orderBy('payments.id')
    .limit(query.limit + 1)
    .execute();
  const shown = rows.slice(0, query.limit);
  return {
    data: await toViews(deps.db, shown),
    nextCursor: rows.length > query.limit ? (shown.at(-1)?.id ?? null) : null,
  };
}

export async function getApiPayment(deps: Deps, paymentId: string): Promise<ApiPaymentView> {
  const row = await paymentsQuery(deps.db).where('payments.id', '=', paymentId).executeTakeFirst();
  if (!row) throw notFound();
  const [view] = await toViews(deps.db, [row]);
  if (!view) throw notFound();
  return view;
}
