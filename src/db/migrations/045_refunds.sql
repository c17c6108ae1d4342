-- Refunds: all or part of a collected payment given back, each its own record, committed before the
-- processor is called (its id is the processor's idempotency key, as a payment's id is for its charge).
-- Where the money goes is the organization's choice (organization file: refunds.afterRefund): back to
-- the card or bank account through the processor, the bills it paid opened again by what is refunded
-- (latest due first); or kept as a credit on the account, the bills left paid.

create table refunds (
  id uuid primary key,
  payment_id uuid not null references payments (id),
  account_id uuid not null references accounts (id),
  amount_cents bigint not null check (amount_cents > 0),
  currency char(3) not null,
  reason text not null check (reason in ('duplicate', 'requested_by_customer', 'billing_error', 'other')),
  note text check (char_length(note) <= 500),
  destination text not null check (destination in ('original_method', 'account_credit')),
  -- pending: recorded, the processor not asked yet or still working on it (an ACH credit takes days);
  -- unknown: the processor's answer was lost, the reconciler asks again (and may learn it is pending).
  -- Never failed on a timeout.
  status text not null check (status in ('pending', 'succeeded', 'failed', 'unknown')),
  processor text not null,
  processor_refund_id text,
  failure_code text,
  failure_message text,
  -- Who asked for it (the API key's id), as the audit trail also records.
  requested_by text not null,
  reconcile_attempts integer not null default 0,
  next_reconcile_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  completed_at timestamptz,
  check (destination = 'original_method' or processor_refund_id is null),
  check ((status = 'failed') = (failure_code is not null))
);
-- A payment's refunds: the list, and the sum every new refund is checked against.
create index refunds_payment_idx on refunds (payment_id, id);
-- The reconciler sweeps only refunds not final yet that are due for a check.
create index refunds_reconcile_idx on refunds (next_reconcile_at) where status in ('pending', 'unknown');

-- Refund status transitions, and what never changes once recorded.
create function refunds_check_transition() returns trigger language plpgsql as $$
begin
  if new.payment_id <> old.payment_id or new.amount_cents <> old.amount_cents
    or new.destination <> old.destination or new.account_id <> old.account_id then
    raise exception 'refund % cannot change its payment, amount or destination', old.id
      using errcode = 'check_violation';
  end if;
  if old.status = new.status then
    return new;
  end if;
  if not (
    (old.status = 'pending' and new.status in ('succeeded', 'failed', 'unknown')) or
    (old.status = 'unknown' and new.status in ('pending', 'succeeded', 'failed'))
  ) then
    raise exception 'illegal refund status transition % -> %', old.status, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end $$;
create trigger refunds_transition before update on refunds
  for each row execute function refunds_check_transition();

-- Never more than was paid less what is already refunded or being refunded, whatever the caller:
-- the payment's row is locked first, so refunds of one payment are recorded one at a time, and the
-- sum is read after the lock is granted (a volatile function's query takes a new snapshot under
-- READ COMMITTED), so it sees every refund committed before. Only a collected payment may be refunded,
-- and a bank debit only once it has settled (until then the bank may still return it).
create function refunds_within_payment() returns trigger language plpgsql as $$
declare
  paid record;
  taken bigint;
begin
  select p.amount_cents, p.status, p.method_type, p.settled_at into paid
  from payments p where p.id = new.payment_id for update;
  if paid.status not in ('succeeded', 'partially_refunded')
    or (paid.method_type = 'bank' and paid.settled_at is null) then
    raise exception 'payment % cannot be refunded (status %)', new.payment_id, paid.status
      using errcode = 'check_violation';
  end if;
  select coalesce(sum(r.amount_cents), 0) into taken
  from refunds r where r.payment_id = new.payment_id and r.status <> 'failed';
  if taken + new.amount_cents > paid.amount_cents then
    raise exception 'refunds of payment % would exceed what was paid (% + % > %)',
      new.payment_id, taken, new.amount_cents, paid.amount_cents
      using errcode = 'check_violation';
  end if;
  return new;
end $$;
create trigger refunds_within_payment before insert on refunds
  for each row execute function refunds_within_payment();

-- The bills a refund to the original method opened again, and by how much (they sum to its amount).
create table refund_allocations (
  refund_id uuid not null references refunds (id),
  bill_id uuid not null references bills (id),
  account_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  primary key (refund_id, bill_id)
);
create index refund_allocations_bill_idx on refund_allocations (bill_id);

-- A succeeded refund has one ledger posting of its own.
alter table ledger_postings drop constraint ledger_postings_kind_check;
alter table ledger_postings add constraint ledger_postings_kind_check
  check (kind in ('bill_issued', 'payment', 'reversal', 'adjustment', 'refund'));
alter table ledger_postings add column refund_id uuid references refunds (id);
alter table ledger_postings add constraint ledger_postings_refund_check
  check ((kind = 'refund') = (refund_id is not null));
create unique index ledger_postings_one_per_refund on ledger_postings (refund_id) where refund_id is not null;

-- The sandbox processor's side of refunds. A refund asked for under a key it already has is answered
-- from its record; a card refund succeeds at once, a bank refund (an ACH credit) after the settlement
-- delay; none takes a charge beyond its amount less its earlier refunds.
create table sandbox_refunds (
  id text primary key,
  idempotency_key text not null unique,
  -- The charge it was asked for (kept as asked, even when the sandbox has no such charge).
  charge_id text not null,
  amount_cents bigint not null check (amount_cents > 0),
  currency char(3) not null,
  reason text,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  failure_code text,
  settles_at timestamptz,
  created_at timestamptz not null default now()
);
create index sandbox_refunds_charge_idx on sandbox_refunds (charge_id);
