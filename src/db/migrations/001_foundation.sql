-- Foundation: accounts and bills, payments core, ledger, idempotency, guest sessions, outbox, audit,
-- and the sandbox processor's own tables. Forward-only: never edit after it has shipped.

create table accounts (
  id uuid primary key,
  region_id text not null,
  state_code char(2) not null,
  kind text not null check (kind in ('medical', 'premium')),
  plan_type text check (plan_type in ('individual_family', 'employer_group')),
  account_number text not null unique,
  holder_first_name text not null,
  holder_last_name text not null,
  postal_code text not null,
  created_at timestamptz not null default now(),
  check ((kind = 'premium') = (plan_type is not null))
);

create table bills (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  kind text not null check (kind in ('hospital', 'professional', 'premium')),
  number text not null unique,
  patient_name text not null,
  provider text,
  facility text,
  visit_date date,
  coverage_start date,
  coverage_end date,
  statement_date date not null,
  due_date date not null,
  amount_cents bigint not null check (amount_cents > 0),
  balance_cents bigint not null check (balance_cents >= 0 and balance_cents <= amount_cents),
  status text not null check (status in ('open', 'paid', 'void')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status = 'paid') = (balance_cents = 0) or status = 'void'),
  check ((kind = 'premium') = (coverage_start is not null and coverage_end is not null)),
  check ((kind = 'premium') or visit_date is not null)
);
-- Guest lookup and the bills list read open bills of one account ordered by due date.
create index bills_account_due_idx on bills (account_id, due_date);

create table bill_lines (
  id uuid primary key,
  bill_id uuid not null references bills (id),
  account_id uuid not null,
  position integer not null,
  service_date date,
  description text not null,
  code text,
  charge_cents bigint not null,
  insurance_paid_cents bigint not null default 0,
  adjustment_cents bigint not null default 0,
  patient_owes_cents bigint not null,
  check (patient_owes_cents = charge_cents - insurance_paid_cents - adjustment_cents),
  unique (bill_id, position)
);

create table payments (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  confirmation_number text not null unique,
  channel text not null check (channel in ('guest', 'member', 'staff', 'autopay', 'api')),
  status text not null check (status in (
    'pending', 'processing', 'succeeded', 'failed', 'unknown', 'refunded', 'partially_refunded', 'returned')),
  amount_cents bigint not null check (amount_cents > 0),
  currency char(3) not null,
  method_type text not null check (method_type in ('card', 'bank')),
  method_brand text,
  method_last4 text not null,
  method_exp_month integer,
  method_exp_year integer,
  bank_account_type text check (bank_account_type in ('checking', 'savings')),
  bank_authorization jsonb,
  processor text not null,
  processor_token text not null,
  processor_charge_id text,
  failure_code text,
  failure_message text,
  failure_retryable boolean,
  payer_email text,
  locale text not null default 'en',
  reconcile_attempts integer not null default 0,
  next_reconcile_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);
create index payments_account_idx on payments (account_id, created_at desc);
-- The reconciler sweeps only non-terminal attempts that are due for a check.
create index payments_reconcile_idx on payments (next_reconcile_at)
  where status in ('pending', 'processing', 'unknown');

-- Payment status transitions, enforced by the database as well as by the service.
create function payments_check_transition() returns trigger language plpgsql as $$
begin
  if old.status = new.status then
    return new;
  end if;
  if not (
    (old.status = 'pending' and new.status in ('processing', 'failed', 'unknown')) or
    (old.status = 'processing' and new.status in ('succeeded', 'failed', 'unknown')) or
    (old.status = 'unknown' and new.status in ('succeeded', 'failed')) or
    (old.status = 'succeeded' and new.status in ('refunded', 'partially_refunded', 'returned')) or
    (old.status = 'partially_refunded' and new.status in ('refunded', 'partially_refunded'))
  ) then
    raise exception 'illegal payment status transition % -> %', old.status, new.status
      using errcode = 'check_violation';
  end if;
  return new;
end $$;
create trigger payments_transition before update of status on payments
  for each row execute function payments_check_transition();

create table payment_allocations (
  payment_id uuid not null references payments (id),
  bill_id uuid not null references bills (id),
  account_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  -- true while the payment is pending, processing or unknown
  live boolean not null,
  primary key (payment_id, bill_id)
);
-- At most one live attempt per bill: the second concurrent payer gets a unique violation.
create unique index payment_allocations_one_live_per_bill on payment_allocations (bill_id) where live;
create index payment_allocations_bill_idx on payment_allocations (bill_id);

create table payment_events (
  id uuid primary key,
  payment_id uuid not null references payments (id),
  account_id uuid not null,
  from_status text,
  to_status text not null,
  detail jsonb,
  at timestamptz not null default now()
);
create index payment_events_payment_idx on payment_events (payment_id, at);

-- Double-entry ledger. Append-only; corrections are reversing postings.
create table ledger_postings (
  id uuid primary key,
  account_id uuid not null references accounts (id),
  kind text not null check (kind in ('bill_issued', 'payment', 'reversal', 'adjustment')),
  payment_id uuid references payments (id),
  bill_id uuid references bills (id),
  reverses_posting_id uuid references ledger_postings (id),
  memo text,
  created_at timestamptz not null default now()
);
create unique index ledger_postings_one_per_payment on ledger_postings (payment_id) where kind = 'payment';

create table ledger_lines (
  id bigint generated always as identity primary key,
  posting_id uuid not null references ledger_postings (id),
  account_id uuid not null,
  ledger_account text not null check (ledger_account in ('receivable', 'revenue', 'processor_clearing', 'credit')),
  bill_id uuid references bills (id),
  amount_cents bigint not null check (amount_cents <> 0),
  check ((ledger_account = 'receivable') = (bill_id is not null))
);
create index ledger_lines_posting_idx on ledger_lines (posting_id);
create index ledger_lines_bill_idx on ledger_lines (bill_id) where bill_id is not null;

-- Each posting's lines must sum to zero, checked when the transaction commits.
create function ledger_posting_balanced() returns trigger language plpgsql as $$
declare
  total bigint;
begin
  select coalesce(sum(amount_cents), 0) into total from ledger_lines where posting_id = new.posting_id;
  if total <> 0 then
    raise exception 'ledger posting % does not balance (sum %)', new.posting_id, total
      using errcode = 'check_violation';
  end if;
  return null;
end $$;
create constraint trigger ledger_lines_balanced after insert on ledger_lines
  deferrable initially deferred for each row execute function ledger_posting_balanced();

create function forbid_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
end $$;
create trigger ledger_postings_append_only before update or delete on ledger_postings
  for each statement execute function forbid_change();
create trigger ledger_lines_append_only before update or delete on ledger_lines
  for each statement execute function forbid_change();

create table idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  status text not null check (status in ('in_flight', 'completed')),
  resource_id uuid,
  response_status integer,
  response_body jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (scope, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

create table guest_sessions (
  id uuid primary key,
  token_hash text not null unique,
  account_id uuid not null references accounts (id),
  bill_ids uuid[] not null,
  ip text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index guest_sessions_expires_idx on guest_sessions (expires_at);

-- Fixed-window counters shared by every API process (per IP and per account number).
create table rate_limit_counters (
  bucket text not null,
  window_start timestamptz not null,
  hits integer not null,
  primary key (bucket, window_start)
);

create table outbox_emails (
  id uuid primary key,
  account_id uuid,
  kind text not null,
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text not null,
  -- what to attach, rendered at send time (e.g. {"receiptPaymentId": "..."}), never file bytes
  attachment_ref jsonb,
  status text not null check (status in ('pending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index outbox_emails_due_idx on outbox_emails (next_attempt_at) where status = 'pending';

create table audit_events (
  id uuid primary key,
  at timestamptz not null default now(),
  actor_type text not null check (actor_type in ('guest', 'member', 'staff', 'system', 'api')),
  actor_id text,
  action text not null,
  resource_type text,
  resource_id text,
  account_id uuid,
  ip text,
  request_id text,
  result text not null check (result in ('success', 'failure')),
  detail jsonb
);
create index audit_events_account_idx on audit_events (account_id, at);
create trigger audit_events_append_only before update or delete on audit_events
  for each statement execute function forbid_change();

-- The sandbox processor's own records: what a real processor would hold on its side.
-- Only behaviour, brand, last 4 and expiry are kept; never the card number or CVC.
create table sandbox_tokens (
  id text primary key,
  kind text not null check (kind in ('card', 'bank')),
  brand text,
  last4 text not null,
  exp_month integer,
  exp_year integer,
  bank_account_type text,
  holder_name text,
  behaviour text not null,
  used boolean not null default false,
  created_at timestamptz not null default now()
);

create table sandbox_charges (
  id text primary key,
  idempotency_key text not null unique,
  token_id text not null references sandbox_tokens (id),
  amount_cents bigint not null,
  currency char(3) not null,
  status text not null check (status in ('succeeded', 'failed')),
  failure_code text,
  description text,
  return_code text,
  settles_at timestamptz,
  created_at timestamptz not null default now()
);
