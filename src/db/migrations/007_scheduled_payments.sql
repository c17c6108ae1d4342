-- One-time payments a member schedules for a future date. The worker runs each through the payments
-- core on its date (DESIGN.md §4): the run's idempotency key is the scheduled payment's id, so a
-- worker that dies mid-run and the one that picks the row up again make one attempt between them.

create table scheduled_payments (
  id uuid primary key,
  member_id uuid not null references members (id),
  account_id uuid not null references accounts (id),
  region_id text not null,
  -- The bills it pays, oldest due first as the payments core allocates: ["<uuid>", …].
  bill_ids jsonb not null check (jsonb_typeof(bill_ids) = 'array' and jsonb_array_length(bill_ids) > 0),
  amount_cents bigint not null check (amount_cents > 0),
  payment_method_id uuid not null references payment_methods (id),
  -- A bank debit's authorization, given when it was scheduled: {"textVersion", "acceptedAt", "ip"}.
  bank_authorization jsonb,
  pay_on date not null,
  status text not null check (status in ('scheduled', 'processing', 'paid', 'failed', 'skipped', 'canceled')),
  -- While a worker runs it (processing), other workers leave it alone until this passes.
  locked_until timestamptz,
  payment_id uuid references payments (id),
  -- failed: the processor's decline code; skipped: why nothing was charged (e.g. nothing_owed).
  outcome_code text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  canceled_at timestamptz
);
create index scheduled_payments_due_idx on scheduled_payments (pay_on)
  where status in ('scheduled', 'processing');
create index scheduled_payments_member_idx on scheduled_payments (member_id, pay_on desc);
create index scheduled_payments_account_idx on scheduled_payments (account_id);

-- A scheduled payment's charge is its own channel in reports.
alter table payments drop constraint payments_channel_check;
alter table payments add constraint payments_channel_check
  check (channel in ('guest', 'member', 'staff', 'autopay', 'scheduled', 'api'));
