import { sql } from 'kysely';
import type { Db } from '../../platform/db';

/** No payment gives back more than was paid: its refunds that succeeded or are under way, summed. */
export async function refundsOverPaid(db: Db) {
  const r = await sql<{ payment_id: string; amount_cents: number; refunds_cents: number }>`
    select p.id as payment_id, p.amount_cents, f.total::bigint as refunds_cents
    from (select payment_id, sum(amount_cents) as total from refunds where status <> 'failed'
          group by payment_id) f
    join payments p on p.id = f.payment_id
    where f.total > p.amount_cents`.execute(db);
  return r.rows;
}

/**
 * A payment's status follows its refunds that succeeded: partially_refunded while some but not all of
 * it was given back, refunded once all was; only a collected payment has refunds at all.
 */
export async function paymentStatusOffRefunds(db: Db) {
  const r = await sql<{ payment_id: string; status: string; amount_cents: number; refunded_cents: number }>`
    select p.id as payment_id, p.status, p.amount_cents, coalesce(f.refunded, 0)::bigint as refunded_cents
    from payments p
    left join (select payment_id, sum(amount_cents) filter (where status = 'succeeded') as refunded,
                 count(*) as refunds
               from refunds group by payment_id) f on f.payment_id = p.id
    where (p.status = 'refunded') <> (coalesce(f.refunded, 0) = p.amount_cents)
      or (p.status = 'partially_refunded') <> (coalesce(f.refunded, 0) > 0 and coalesce(f.refunded, 0) < p.amount_cents)
      or (f.refunds > 0 and p.status not in ('succeeded', 'partially_refunded', 'refunded'))`.execute(db);
  return r.rows;
}

/**
 * A refund that succeeded has its one ledger posting, moving its amount out of processor clearing (sent
 * back) or into the account's credit (kept); a refund that did not succeed has none.
 */
export async function refundsOffLedger(db: Db) {
  const r = await sql<{ refund_id: string; status: string; posting_id: string | null; moved_cents: number }>`
    select f.id as refund_id, f.status, lp.id as posting_id, coalesce(l.moved, 0)::bigint as moved_cents
    from refunds f
    left join ledger_postings lp on lp.refund_id = f.id
    left join (
      select posting_id, ledger_account, sum(amount_cents) as moved from ledger_lines
      where ledger_account in ('processor_clearing', 'credit') group by posting_id, ledger_account
    ) l on l.posting_id = lp.id
      and l.ledger_account = case when f.destination = 'original_method' then 'processor_clearing' else 'credit' end
    where (f.status = 'succeeded') <> (lp.id is not null)
      or (lp.id is not null and coalesce(l.moved, 0) <> -f.amount_cents)`.execute(db);
  return r.rows;
}

/**
 * A refund sent back to the payer opened its bills again by exactly its amount, and never a bill by
 * more than the payment had put on it; other refunds opened none.
 */
export async function refundAllocationsOff(db: Db) {
  const r = await sql<{ refund_id: string | null; bill_id: string | null; problem: string }>`
    select f.id as refund_id, null::uuid as bill_id, 'allocations do not sum to the refund' as problem
    from refunds f
    left join (select refund_id, sum(amount_cents) as total from refund_allocations group by refund_id) a
      on a.refund_id = f.id
    where coalesce(a.total, 0) <>
      case when f.status = 'succeeded' and f.destination = 'original_method' then f.amount_cents else 0 end
    union all
    select null::uuid, g.bill_id, 'refunds opened a bill by more than the payment put on it'
    from (select f.payment_id, ra.bill_id, sum(ra.amount_cents) as opened
          from refund_allocations ra join refunds f on f.id = ra.refund_id
          group by f.payment_id, ra.bill_id) g
    left join payment_allocations pa on pa.payment_id = g.payment_id and pa.bill_id = g.bill_id
    where pa.bill_id is null or g.opened > pa.amount_cents`.execute(db);
  return r.rows;
}

/**
 * The sandbox processor's refunds (same database) against ours: every refund sent back that succeeded
 * has a refund there of the same amount that completed (`now` is the app's clock: a bank refund
 * completes after its delay), and every completed refund there has one here. One of ours not final
 * yet is in flight, not wrong.
 */
export async function sandboxRefundMismatches(db: Db, now: Date) {
  const r = await sql<{ refund_id: string | null; processor_refund_id: string | null; problem: string }>`
    select f.id as refund_id, s.id as processor_refund_id,
      case
        when s.id is null then 'succeeded refund has no completed processor refund'
        when f.id is null then 'processor refund has no succeeded refund'
        else 'amount differs'
      end as problem
    from (select * from refunds where processor = 'sandbox' and destination = 'original_method'
          and status = 'succeeded') f
    full outer join (
      select * from sandbox_refunds
      where status = 'succeeded' or (status = 'pending' and settles_at <= ${now})
    ) s on s.idempotency_key = f.id::text
    where (f.id is null and not exists (
        select 1 from refunds g where g.id::text = s.idempotency_key and g.status in ('pending', 'unknown')))
      or s.id is null or s.amount_cents <> f.amount_cents`.execute(db);
  return r.rows;
}

/** Refunds sent back through another processor that succeeded here, to ask it about one by one. */
export async function succeededRefunds(db: Db, processor: string) {
  const r = await sql<{ id: string; amount_cents: number; charge_id: string | null }>`
    select f.id, f.amount_cents, p.processor_charge_id as charge_id
    from refunds f join payments p on p.id = f.payment_id
    where f.processor = ${processor} and f.destination = 'original_method' and f.status = 'succeeded'`.execute(
    db,
  );
  return r.rows;
}

/** Refunds not final yet (pending, unknown), oldest first: work the reconciler will finish. */
export async function inFlightRefunds(db: Db, limit: number) {
  const r = await sql<{
    refund_id: string;
    payment_id: string;
    status: string;
    amount_cents: number;
    created_at: Date;
    next_reconcile_at: Date | null;
  }>`
    select id as refund_id, payment_id, status, amount_cents, created_at, next_reconcile_at
    from refunds where status in ('pending', 'unknown')
    order by created_at, id
    limit ${limit}`.execute(db);
  return r.rows;
}

export async function countInFlightRefunds(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from refunds where status in ('pending', 'unknown')`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
