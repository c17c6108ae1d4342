-- Saved payment methods (the wallet). Only the processor's reusable payment-method id and what a
-- person needs to recognise the method (brand or account type, last 4, expiry, nickname) are kept:
-- card and bank account numbers go from the browser to the processor and never reach us.

create table payment_methods (
  id uuid primary key,
  member_id uuid not null references members (id),
  kind text not null check (kind in ('card', 'bank')),
  processor text not null,
  processor_method_id text not null,
  nickname text,
  brand text,
  last4 text not null,
  exp_month integer,
  exp_year integer,
  bank_account_type text check (bank_account_type in ('checking', 'savings')),
  holder_name text,
  is_default boolean not null default false,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  removed_at timestamptz,
  check ((kind = 'card') = (exp_month is not null and exp_year is not null))
);
create index payment_methods_member_idx on payment_methods (member_id) where removed_at is null;
-- At most one default method per member.
create unique index payment_methods_one_default on payment_methods (member_id)
  where is_default and removed_at is null;
create unique index payment_methods_processor_idx on payment_methods (processor, processor_method_id)
  where removed_at is null;

-- The sandbox processor's side: a token attached to a customer can be charged again and again.
alter table sandbox_tokens add column attached_to text;
