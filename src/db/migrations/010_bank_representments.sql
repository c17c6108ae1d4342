-- A bank debit returned for insufficient funds (R01) may be presented again, at most twice, within
-- 180 days of its first presentment (NACHA reinitiation). Each new presentment is a payment of its
-- own, for the same amount, that points at the returned payment it presents again;
-- bank_representments holds the ones waiting and what became of each.

alter table payments add column represents_payment_id uuid references payments (id);
-- 1 for the first presentment, 2 and 3 for the two it may be presented again.
alter table payments add column presentment smallint not null default 1
  check (presentment between 1 and 3);
alter table payments add constraint payments_representment_check
  check ((presentment = 1) = (represents_payment_id is null));
-- A returned debit is presented again at most once (its next return may be, in turn).
create unique index payments_represents_once on payments (represents_payment_id)
  where represents_payment_id is not null;

create table bank_representments (
  id uuid primary key,
  -- The payment the bank returned (R01), and the first presentment of that debit.
  returned_payment_id uuid not null unique references payments (id),
  original_payment_id uuid not null references payments (id),
  account_id uuid not null references accounts (id),
  region_id text not null,
  amount_cents bigint not null check (amount_cents > 0),
  presentment smallint not null check (presentment between 2 and 3),
  present_on date not null,
  status text not null check (status in ('waiting', 'processing', 'presented', 'skipped', 'failed')),
  -- While a worker presents it (processing), other workers leave it alone until this passes.
  locked_until timestamptz,
  payment_id uuid references payments (id),
  -- skipped: why it was not presented (paid_otherwise, method_stopped); failed: the decline code.
  outcome_code text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index bank_representments_due_idx on bank_representments (present_on)
  where status in ('waiting', 'processing');
create index bank_representments_account_idx on bank_representments (account_id);
