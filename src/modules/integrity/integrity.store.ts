import { sql } from 'kysely';
import type { Db } from '../../platform/db';

export async function unbalancedPostings(db: Db) {
  const r = await sql<{ posting_id: string; sum: number }>`
    select posting_id, sum(amount_cents)::bigint as sum from ledger_lines
    group by posting_id having sum(amount_cents) <> 0`.execute(db);
  return r.rows;
}

export async function billsOffLedger(db: Db) {
  const r = await sql<{ bill_id: string; number: string; balance_cents: number; ledger_cents: number }>`
    select b.id as bill_id, b.number, b.balance_cents, coalesce(l.total, 0)::bigint as ledger_cents
    from bills b
    left join (
      select bill_id, sum(amount_cents) as total from ledger_lines
      where ledger_account = 'receivable' group by bill_id
    ) l on l.bill_id = b.id
    where b.balance_cents <> coalesce(l.total, 0)`.execute(db);
  return r.rows;
}

/** What collected payments put on each bill, less what refunds to the payer took off it again. */
export async function billsOvercollected(db: Db) {
  const r = await sql<{ bill_id: string; number: string; amount_cents: number; collected_cents: number }>`
    select b.id as bill_id, b.number, b.amount_cents,
      (c.collected - coalesce(g.given_back, 0))::bigint as collected_cents
    from (
      select a.bill_id, sum(a.amount_cents) as collected from payment_allocations a
      join payments p on p.id = a.payment_id and p.status in ('succeeded', 'partially_refunded', 'refunded')
      group by a.bill_id
    ) c
    join bills b on b.id = c.bill_id
    left join (
      select ra.bill_id, sum(ra.amount_cents) as given_back from refund_allocations ra
      join refunds f on f.id = ra.refund_id and f.status = 'succeeded'
      group by ra.bill_id
    ) g on g.bill_id = c.bill_id
    where c.collected - coalesce(g.given_back, 0) > b.amount_cents`.execute(db);
  return r.rows;
}

export async function paymentsWithBadAllocations(db: Db) {
  const r = await sql<{ payment_id: string; amount_cents: number; allocated_cents: number }>`
    select p.id as payment_id, p.amount_cents, coalesce(sum(a.amount_cents), 0)::bigint as allocated_cents
    from payments p left join payment_allocations a on a.payment_id = p.id
    group by p.id, p.amount_cents
    having coalesce(sum(a.amount_cents), 0) <> p.amount_cents`.execute(db);
  return r.rows;
}

export async function succeededWithoutPosting(db: Db) {
  const r = await sql<{ payment_id: string }>`
    select p.id as payment_id from payments p
    where p.status in ('succeeded', 'partially_refunded', 'refunded')
      and not exists (select 1 from ledger_postings lp where lp.payment_id = p.id and lp.kind = 'payment')`.execute(
    db,
  );
  return r.rows;
}

/** A returned payment gives back what it collected: its posting must be reversed. */
export async function returnedWithoutReversal(db: Db) {
  const r = await sql<{ payment_id: string }>`
    select p.id as payment_id from payments p
    where p.status = 'returned'
      and not exists (select 1 from ledger_postings lp where lp.payment_id = p.id and lp.kind = 'reversal')`.execute(
    db,
  );
  return r.rows;
}

/**
 * A debit presented again repeats one the bank returned for insufficient funds: same account, same
 * amount, the next presentment (NACHA reinitiation allows at most three in all, which the table checks).
 */
export async function representmentsNotOfR01(db: Db) {
  const r = await sql<{ payment_id: string }>`
    select p.id as payment_id from payments p
    left join payments r on r.id = p.represents_payment_id
    where p.represents_payment_id is not null
      and (r.id is null or r.status <> 'returned' or r.return_code is distinct from 'R01'
        or r.account_id <> p.account_id or r.amount_cents <> p.amount_cents
        or p.presentment <> r.presentment + 1)`.execute(db);
  return r.rows;
}

/** Collected (and returned) payments paired with the sandbox processor's record of the charge (same database). */
export async function sandboxChargeMismatches(db: Db) {
  const r = await sql<{ payment_id: string | null; charge_id: string | null; problem: string }>`
    select p.id as payment_id, c.id as charge_id,
      case
        when c.id is null then 'succeeded payment has no processor charge'
        when p.id is null then 'processor charge has no succeeded payment'
        when p.status = 'returned' and c.return_code is distinct from p.return_code then 'return differs'
        else 'amount or outcome differs'
      end as problem
    from (select * from payments where processor = 'sandbox'
      and status in ('succeeded', 'partially_refunded', 'refunded', 'returned')) p
    full outer join (select * from sandbox_charges where status = 'succeeded') c on c.idempotency_key = p.id::text
    where (p.id is null and not exists (
        -- Charged, and its attempt not final yet: in flight (the reconciler writes the outcome), not wrong.
        select 1 from payments f
        where f.id::text = c.idempotency_key and f.status in ('pending', 'processing', 'unknown')))
      or c.id is null or c.amount_cents <> p.amount_cents
      or (p.status = 'returned' and c.return_code is distinct from p.return_code)`.execute(db);
  return r.rows;
}

export function succeededPaymentIds(db: Db, processor: string) {
  return db
    .selectFrom('payments')
    .select(['id', 'amount_cents'])
    .where('status', 'in', ['succeeded', 'partially_refunded', 'refunded'])
    .where('processor', '=', processor)
    .execute();
}

/**
 * Attempts not final yet (pending, processing, unknown), oldest first: right after a crash these are
 * work the reconciler will finish, not broken invariants. `charged` says whether the sandbox processor
 * holds a succeeded charge for it (null for another processor, which is not asked here).
 */
export async function inFlightPayments(db: Db, limit: number) {
  const r = await sql<{
    payment_id: string;
    status: string;
    amount_cents: number;
    created_at: Date;
    next_reconcile_at: Date | null;
    charged: boolean | null;
  }>`
    select p.id as payment_id, p.status, p.amount_cents, p.created_at, p.next_reconcile_at,
      case when p.processor = 'sandbox' then exists (
        select 1 from sandbox_charges c where c.idempotency_key = p.id::text and c.status = 'succeeded')
      end as charged
    from payments p
    where p.status in ('pending', 'processing', 'unknown')
    order by p.created_at, p.id
    limit ${limit}`.execute(db);
  return r.rows;
}

export async function countInFlightPayments(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from payments where status in ('pending', 'processing', 'unknown')`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
