-- The worker asked the processor about every unsettled bank debit on every pass (about once a
-- second, for the days a debit takes to settle), and several workers asked about the same debits.
-- Each debit now has the time of its next check: a worker claims the due ones with
-- FOR UPDATE SKIP LOCKED, holds them with a short lease while it asks, and a debit still pending is
-- asked about again later and later (domain/bank.ts nextSettlementCheck). Null: check now.
alter table payments add column settlement_check_at timestamptz;
drop index payments_unsettled_bank_idx;
create index payments_unsettled_bank_idx on payments (coalesce(settlement_check_at, created_at))
  where method_type = 'bank' and status = 'succeeded' and settled_at is null;
