-- Automatic payments. An enrollment says how an account is paid each month; the worker turns it into
-- items (one per bill for the statement balance, one per month for a fixed amount), tells the member
-- about each at least 3 days ahead, and charges it through the payments core on its date.

create table autopay_enrollments (
  id uuid primary key,
  member_id uuid not null references members (id),
  account_id uuid not null references accounts (id),
  region_id text not null,
  status text not null check (status in ('active', 'paused', 'canceled')),
  amount_rule text not null check (amount_rule in ('statement_balance', 'fixed')),
  -- statement_balance: charged this many days before each bill's due date (0: on it).
  days_before_due integer not null default 0 check (days_before_due between 0 and 15),
  -- fixed: this amount on this day each month.
  fixed_amount_cents bigint check (fixed_amount_cents > 0),
  day_of_month integer check (day_of_month between 1 and 31),
  -- A charge above this is not made until the member approves it.
  max_charge_cents bigint check (max_charge_cents > 0),
  bill_kinds jsonb not null,
  payment_method_id uuid not null references payment_methods (id),
  -- A bank debit's WEB authorization: {"textVersion", "acceptedAt", "ip"}.
  bank_authorization jsonb,
  notify_by_text boolean not null default false,
  paused_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  canceled_at timestamptz,
  check (amount_rule <> 'fixed' or (fixed_amount_cents is not null and day_of_month is not null))
);
-- One live enrollment per account.
create unique index autopay_enrollments_account_idx on autopay_enrollments (account_id)
  where status <> 'canceled';
create index autopay_enrollments_active_idx on autopay_enrollments (region_id) where status = 'active';

create table autopay_items (
  id uuid primary key,
  enrollment_id uuid not null references autopay_enrollments (id),
  member_id uuid not null references members (id),
  account_id uuid not null references accounts (id),
  region_id text not null,
  -- The bill's id (statement balance) or the month, YYYY-MM (fixed amount): one item each.
  period_key text not null,
  bill_id uuid references bills (id),
  charge_on date not null,
  noticed_amount_cents bigint not null check (noticed_amount_cents > 0),
  status text not null check (status in
    ('noticed', 'needs_approval', 'processing', 'retrying', 'paid', 'failed', 'skipped', 'canceled')),
  tries integer not null default 0,
  next_try_on date,
  locked_until timestamptz,
  payment_id uuid references payments (id),
  last_decline_code text,
  approved_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (enrollment_id, period_key)
);
create index autopay_items_due_idx on autopay_items (region_id, coalesce(next_try_on, charge_on))
  where status in ('noticed', 'processing', 'retrying');
create index autopay_items_member_idx on autopay_items (member_id, charge_on desc);
